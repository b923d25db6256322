"""Retention: children past their date are anonymised, statistics and the audit chain stay intact, dry runs
change nothing, and the daily job is queued by the scheduler and run by the real worker."""

import datetime as dt
import io
import signal

import pytest
from django.core.management import call_command
from django.db.models import Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from access.audit import first_broken_event
from access.models import ApiToken, AuditEvent, Role
from access.tokens import issue_token
from accounts.models import AuthenticatorDevice
from children.codes import LegalStatus
from children.models import Child
from episodes.models import MissingEpisode, RiskGradeChange
from governance.actions import REMOVED
from governance.models import AnonymisedChild, RetentionRun
from governance.retention import due_children, run_retention, years_after
from governance.tasks import apply_retention
from interviews.models import ReturnInterview
from risk.models import Screening
from tests.factories import ChildFactory, EpisodeFactory, InterviewFactory, UserFactory
from tests.returns.factories import CareEpisodeFactory
from tests.two_factor import totp_device

RETENTION_TASK = "governance.tasks.apply_retention"


def born(years_ago: int, days: int = 0) -> dt.date:
    """The date of birth whose `years_ago` anniversary is `days` from today (negative: already passed)."""
    return years_after(timezone.localdate() + dt.timedelta(days=days), -years_ago)


def old_child(world, *, dob: dt.date, legal_status=LegalStatus.LOOKED_AFTER, **extra) -> Child:
    return ChildFactory(  # type: ignore[return-value]  # factory_boy types a call as the factory, not the model
        first_name="Morgan",
        last_name="Oldrecord",
        preferred_name="Mo",
        date_of_birth=dob,
        legal_status=legal_status,
        responsible_council=world.north,
        upn="A123456789013",
        placement_postcode="NM1 1AA",
        school=world.school,
        **extra,
    )


def history(world, child, months_ago: list[int]) -> list[MissingEpisode]:
    """Returned episodes in past months, with free text everywhere and an interview on the first."""
    now = timezone.now()
    episodes: list[MissingEpisode] = []
    for months in months_ago:
        last_seen = now - dt.timedelta(days=30 * months + 3)
        episodes.append(
            EpisodeFactory(  # type: ignore[arg-type]  # factory_boy types a call as the factory, not the model
                child=child,
                police_force=world.police_north,
                created_by=world.users.police,
                last_seen_at=last_seen,
                returned_at=last_seen + dt.timedelta(hours=5 + months),
                found_place="At a friend's flat",
                found_with="Two older boys",
                harm_on_return="Bruised hand",
                circumstances="Row at home",
            )
        )
    first_return = episodes[0].returned_at
    assert first_return is not None
    InterviewFactory(
        child=child,
        due_by=first_return + dt.timedelta(hours=72),
        narrative="Said they were scared at home",
        where_stayed="Friend's flat",
        covering=[episodes[0]],
    )
    Screening.objects.create(
        child=child, screened_at=now, screened_by=world.users.coordinator, kind="cce", level="low", notes="Notes"
    )
    return episodes


def statistics() -> dict:
    """What the monthly figures are made from: episodes and distinct children per month, and time missing."""
    per_month = (
        MissingEpisode.objects.annotate(month=TruncMonth("last_seen_at"))
        .values("month", "episode_type", "missing_from", "risk_grade", "police_force")
        .annotate(episodes=Count("pk"), children=Count("child", distinct=True))
        .order_by("month", "episode_type", "missing_from", "risk_grade", "police_force")
    )
    away = MissingEpisode.objects.aggregate(
        total=Sum(ExpressionWrapper(F("returned_at") - F("last_seen_at"), output_field=DurationField()))
    )
    return {
        "per_month": list(per_month),
        "away": away["total"],
        "interviews": list(ReturnInterview.objects.values_list("due_by", "outcome").order_by("pk")),
        "children_by_status": list(Child.objects.values("legal_status", "sex", "ethnicity").annotate(n=Count("pk"))),
        "grades": RiskGradeChange.objects.count(),
    }


def run(**kwargs):
    return run_retention(dry_run=False, **kwargs)


# --- Who is due --------------------------------------------------------------------------------------


def test_a_child_just_past_their_date_is_anonymised_and_one_a_day_short_is_not(world):
    past = old_child(world, dob=born(75, days=-1), la_child_id="OLD1")
    today = old_child(world, dob=born(75, days=0), la_child_id="OLD2")
    short = old_child(world, dob=born(75, days=1), la_child_id="OLD3")
    report = run()
    assert {item.child.pk for item in report.anonymised} == {past.pk, today.pk}
    for child in (past, today):
        child.refresh_from_db()
        assert (child.first_name, child.last_name, child.preferred_name) == (REMOVED, REMOVED, "")
    short.refresh_from_db()
    assert short.first_name == "Morgan" and short.la_child_id == "OLD3"


def test_the_period_depends_on_legal_status_and_care_history(world, settings):
    settings.HOMEWARD_RETENTION_YEARS_CHILD_IN_NEED = 30
    in_need_due = old_child(world, dob=born(30, days=-1), legal_status=LegalStatus.CHILD_IN_NEED, la_child_id="A")
    in_need_not = old_child(world, dob=born(30, days=1), legal_status=LegalStatus.CHILD_IN_NEED, la_child_id="B")
    other_due = old_child(world, dob=born(25, days=-1), legal_status=LegalStatus.NOT_KNOWN, la_child_id="C")
    protection_due = old_child(world, dob=born(25, days=-1), legal_status=LegalStatus.CHILD_PROTECTION, la_child_id="D")
    care_leaver_not = old_child(world, dob=born(26), legal_status=LegalStatus.CARE_LEAVER, la_child_id="E")
    once_in_care_not = old_child(world, dob=born(26), legal_status=LegalStatus.NOT_KNOWN, la_child_id="F")
    CareEpisodeFactory(child=once_in_care_not, decom=born(26) + dt.timedelta(days=5000))
    due = {item.child.pk: item.rule for item in due_children(timezone.localdate())}
    assert due == {in_need_due.pk: "cin", other_due.pk: "other", protection_due.pk: "cp"}
    assert in_need_not.pk not in due and care_leaver_not.pk not in due and once_in_care_not.pk not in due


def test_a_29_february_birthday_counts_from_1_march():
    assert years_after(dt.date(2008, 2, 29), 25) == dt.date(2033, 3, 1)
    assert years_after(dt.date(2008, 2, 29), 24) == dt.date(2032, 2, 29)


def test_a_child_with_an_open_episode_is_skipped(world):
    child = old_child(world, dob=born(75, days=-10))
    EpisodeFactory(child=child, police_force=world.police_north, created_by=world.users.police)
    report = run()
    assert report.anonymised == [] and [item.child for item in report.skipped] == [child]
    assert RetentionRun.objects.get().children_skipped == 1
    child.refresh_from_db()
    assert child.first_name == "Morgan"


# --- What anonymisation does --------------------------------------------------------------------------


def test_anonymisation_clears_identity_and_free_text_and_keeps_the_statistics(world):
    child = old_child(world, dob=dt.date(1950, 7, 23), mother=True, mother_child_dob=dt.date(1968, 1, 5))
    episodes = history(world, child, [1, 2, 2, 5])
    keep = old_child(world, dob=born(75, days=30), la_child_id="KEEP")
    history(world, keep, [1, 3])
    call_command("rebuild_rollups", stdout=io.StringIO())  # the dashboard's roll-ups (factories skip the actions)
    before = statistics()

    run()

    child.refresh_from_db()
    assert child.date_of_birth == dt.date(1950, 7, 1)  # year and month kept for age bands
    assert child.la_child_id == f"removed-{child.pk}" and child.upn == "" and child.placement_postcode == ""
    assert child.school is None and child.mother_child_dob is None and child.mother is True
    assert (child.sex, child.ethnicity, child.legal_status) == ("F", "WBRI", LegalStatus.LOOKED_AFTER)
    for episode in MissingEpisode.objects.filter(child=child):
        assert episode.last_seen_place == REMOVED and episode.reported_by == REMOVED
        assert episode.found_with == episode.harm_on_return == episode.circumstances == episode.found_place == ""
        assert episode.police_reference == ""
    original = {e.pk: (e.last_seen_at, e.returned_at, e.risk_grade, e.episode_type) for e in episodes}
    assert {
        e.pk: (e.last_seen_at, e.returned_at, e.risk_grade, e.episode_type)
        for e in MissingEpisode.objects.filter(child=child)
    } == original
    interview = ReturnInterview.objects.get(child=child)
    assert interview.narrative == interview.where_stayed == ""
    assert Screening.objects.get(child=child).notes == ""
    # The other child is untouched, and the figures are the same.
    keep.refresh_from_db()
    assert (
        keep.first_name == "Morgan"
        # found_with is encrypted at rest, so it is compared after reading, not in the query
        and [e.found_with for e in MissingEpisode.objects.filter(child=keep)].count("Two older boys") == 2
    )
    after = statistics()
    assert after["per_month"] == before["per_month"]
    assert after["away"] == before["away"]
    assert after["interviews"] == before["interviews"]
    assert after["grades"] == before["grades"]
    call_command("check_rollups", stdout=io.StringIO())  # the dashboard was kept in step (it raises if not)


def test_what_it_did_is_recorded_and_the_audit_chain_holds(world):
    child = old_child(world, dob=born(75, days=-3))
    history(world, child, [1, 2])
    report = run()
    event = AuditEvent.objects.get(action=AuditEvent.Action.RETENTION, child_id=child.pk)
    assert event.actor is None and event.channel == "command"
    assert "looked after or care leaver: 75 years" in event.summary
    assert event.changes["missing_episodes"] == [2, "cleared"]
    assert event.changes["return_interviews"] == [1, "cleared"]
    assert "Morgan" not in event.summary and "Morgan" not in str(event.changes)
    marker = AnonymisedChild.objects.get(child=child)
    assert marker.rule == "looked_after" and marker.run == report.run
    saved = RetentionRun.objects.get()
    assert saved.children_anonymised == 1 and saved.finished_at is not None
    assert saved.records["missing_episodes"] == 2 and saved.rules["looked_after"] == 75
    run_event = AuditEvent.objects.get(action=AuditEvent.Action.RETENTION, object_type="retentionrun")
    assert "1 children anonymised" in run_event.summary
    assert first_broken_event() is None
    call_command("verify_audit", stdout=io.StringIO())


def test_a_second_run_changes_nothing(world):
    child = old_child(world, dob=born(75, days=-3))
    run()
    events = AuditEvent.objects.count()
    second = run()
    assert second.anonymised == []
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION, child_id=child.pk).count() == 1
    assert AuditEvent.objects.count() == events + 1  # only the second run's own summary


def test_api_tokens_and_authenticators_of_deactivated_users_are_deleted(world):
    leaver = UserFactory(username="leaver", agency=world.north, roles=[Role.COORDINATOR], is_active=False)
    issue_token(leaver)
    totp_device(leaver)
    issue_token(world.users.coordinator)
    totp_device(world.users.coordinator)
    report = run()
    assert (report.api_tokens_deleted, report.devices_deleted) == (1, 1)
    assert not ApiToken.objects.filter(user=leaver).exists()
    assert not AuthenticatorDevice.objects.filter(user=leaver).exists()
    assert ApiToken.objects.filter(user=world.users.coordinator).exists()
    assert AuthenticatorDevice.objects.filter(user=world.users.coordinator).exists()


def test_a_philomena_profile_loses_its_text_and_photo(world, settings, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from philomena.models import PhilomenaProfile, ProfilePhoto, ProfileVersion

    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path
    child = old_child(world, dob=born(75, days=-3))
    profile = PhilomenaProfile.objects.create(child=child, created_by=world.users.coordinator)
    photo = ProfilePhoto(
        profile=profile,
        content_type="image/png",
        width=1,
        height=1,
        size_bytes=3,
        sha256="0" * 64,
        uploaded_at=timezone.now(),
        uploaded_by=world.users.coordinator,
    )
    photo.image.save("x.png", ContentFile(b"png"), save=False)
    photo.save()
    stored = tmp_path / photo.image.name
    assert stored.exists()
    ProfileVersion.objects.create(
        profile=profile,
        number=1,
        hair="Brown",
        phone_numbers="07700 900999",
        photo=photo,
        created_at=timezone.now(),
        created_by=world.users.coordinator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = run()
    assert report.files_deleted == 1
    assert not stored.exists()  # deleted once the anonymisation committed
    version = ProfileVersion.objects.get(profile=profile)
    assert version.hair == "" and version.phone_numbers == ""
    assert ProfilePhoto.objects.get(pk=photo.pk).image.name == ""


# --- Dry run, command, job and schedule ---------------------------------------------------------------


def test_a_dry_run_prints_what_it_would_do_and_writes_nothing(world):
    child = old_child(world, dob=born(75, days=-1))
    history(world, child, [1])
    leaver = UserFactory(username="leaver", agency=world.north, is_active=False)
    issue_token(leaver)
    counts = (AuditEvent.objects.count(), RetentionRun.objects.count(), ApiToken.objects.count())
    out = io.StringIO()
    call_command("apply_retention", dry_run=True, stdout=out)
    text = out.getvalue()
    assert f"Would anonymise child {child.pk} (looked after or care leaver" in text
    assert "missing_episodes 1" in text and "return_interviews 1" in text
    assert "API tokens of deactivated users to delete: 1" in text
    assert "Dry run: nothing was changed." in text
    assert (AuditEvent.objects.count(), RetentionRun.objects.count(), ApiToken.objects.count()) == counts
    child.refresh_from_db()
    assert child.first_name == "Morgan" and not AnonymisedChild.objects.exists()


def test_the_command_applies_the_rules(world):
    child = old_child(world, dob=born(75, days=-1))
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert f"Anonymised child {child.pk}" in out.getvalue()
    assert RetentionRun.objects.get().triggered_by == "command"


@pytest.fixture
def run_worker():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield lambda: call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_queues_the_job_daily_and_the_worker_runs_it(world, run_worker):
    child = old_child(world, dob=born(75, days=-1))
    out = io.StringIO()
    call_command("run_scheduler", once=True, stdout=out)
    assert "Queued the daily retention job" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path=RETENTION_TASK).count() == 1
    run_worker()
    job = DBTaskResult.objects.get(task_path=RETENTION_TASK)
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.task_result.return_value["children_anonymised"] == 1
    assert RetentionRun.objects.get().triggered_by == "schedule"
    child.refresh_from_db()
    assert child.first_name == REMOVED
    # Later the same day: the sweep is queued again, the retention job is not.
    out = io.StringIO()
    call_command("run_scheduler", once=True, stdout=out)
    assert "Queued the trigger sweep" in out.getvalue() and "retention" not in out.getvalue()
    assert DBTaskResult.objects.filter(task_path=RETENTION_TASK).count() == 1


def test_the_task_can_be_called_directly(world):
    old_child(world, dob=born(75, days=-1))
    assert apply_retention.call()["children_anonymised"] == 1
