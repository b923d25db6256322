"""The rules for acknowledging alerts, recording screenings and referrals, through the actions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from risk.actions import acknowledge_alert, make_referral, record_screening, update_referral_status
from risk.codes import (
    AlertDecision,
    AlertKind,
    ExploitationFlag,
    Indicator,
    IndicatorTiming,
    ReferralStatus,
    ReferralTo,
    ScreeningKind,
    ScreeningLevel,
)
from risk.models import Alert, Referral, Screening
from risk.selectors import latest_screening
from tests.factories import ChildFactory


@pytest.fixture
def alert(world):
    return Alert.objects.create(
        child=world.child,
        kind=AlertKind.REPEAT_MISSING,
        dedupe_key="repeat:1",
        detail="3 episodes in the 90 days",
        raised_at=timezone.now(),
        for_role="coordinator",
    )


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def audit_for(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.model_name, object_id=str(obj.pk)))


# --- Acknowledging alerts ---------------------------------------------------------------------------


def test_acknowledging_records_the_decision_who_and_when_and_audits_it(world, alert):
    done = acknowledge_alert(
        alert,
        decision=AlertDecision.STRATEGY_DISCUSSION_HELD,
        reason="Held with police on Monday",
        acting_user=world.users.coordinator,
    )
    assert done.is_acknowledged and done.acknowledged_by == world.users.coordinator
    assert done.decision == AlertDecision.STRATEGY_DISCUSSION_HELD
    [event] = audit_for(done)
    assert event.action == AuditEvent.Action.UPDATE and event.child_id == world.child.pk
    assert event.changes == {
        "decision": [None, AlertDecision.STRATEGY_DISCUSSION_HELD],
        "decision_reason": [None, "[sensitive]"],
    }
    assert "Monday" not in str(event.changes) + event.summary


def test_a_second_acknowledgement_is_refused_and_the_first_decision_stands(world, alert):
    acknowledge_alert(alert, decision=AlertDecision.SCREENING_COMPLETED, acting_user=world.users.coordinator)
    with pytest.raises(ValidationError) as excinfo:
        acknowledge_alert(
            alert, decision=AlertDecision.NO_FURTHER_ACTION, reason="Changed mind", acting_user=world.users.manager
        )
    assert "already acknowledged" in errors_of(excinfo)["alert"][0]
    alert.refresh_from_db()
    assert (alert.decision, alert.acknowledged_by) == (AlertDecision.SCREENING_COMPLETED, world.users.coordinator)


@pytest.mark.parametrize("decision", [AlertDecision.NO_FURTHER_ACTION, AlertDecision.OTHER])
def test_no_further_action_and_other_need_a_reason(world, alert, decision):
    with pytest.raises(ValidationError) as excinfo:
        acknowledge_alert(alert, decision=decision, reason="   ", acting_user=world.users.coordinator)
    assert list(errors_of(excinfo)) == ["reason"]
    alert.refresh_from_db()
    assert not alert.is_acknowledged
    assert audit_for(alert) == []


def test_other_decisions_need_no_reason(world, alert):
    done = acknowledge_alert(alert, decision=AlertDecision.REFERRED_MASH, acting_user=world.users.coordinator)
    assert done.decision_reason == ""


def test_an_unknown_decision_is_refused_by_field(world, alert):
    with pytest.raises(ValidationError) as excinfo:
        acknowledge_alert(alert, decision="ignore", acting_user=world.users.coordinator)
    assert "decision" in errors_of(excinfo)


def test_the_reason_is_encrypted_at_rest(world, alert):
    from django.db import connection

    acknowledge_alert(
        alert, decision=AlertDecision.OTHER, reason="Synthetic private reason", acting_user=world.users.coordinator
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT decision_reason FROM risk_alert WHERE id = %s", [alert.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:") and "Synthetic" not in stored


# --- Screening --------------------------------------------------------------------------------------


def screen(child, user, **overrides):
    fields = {
        "screened_at": timezone.now() - dt.timedelta(hours=1),
        "kind": ScreeningKind.BOTH,
        "level": ScreeningLevel.MEDIUM,
        "acting_user": user,
        "recent_indicators": [Indicator.MISSING_REGULARLY, Indicator.OLDER_ASSOCIATES],
        "historical_indicators": [Indicator.SCHOOL_EXCLUSION],
        "learning_disability": False,
        "review_date": timezone.localdate() + dt.timedelta(days=90),
        "flags": [ExploitationFlag.CCE, ExploitationFlag.COUNTY_LINES],
        "notes": "Synthetic notes about the child",
    }
    fields.update(overrides)
    return record_screening(child, **fields)


def test_a_screening_records_indicators_with_timing_flags_and_audits_without_the_notes(world):
    screening = screen(world.child, world.users.social_worker)
    assert screening.indicator_codes(IndicatorTiming.RECENT) == [
        Indicator.MISSING_REGULARLY,
        Indicator.OLDER_ASSOCIATES,
    ]
    assert screening.indicator_codes(IndicatorTiming.HISTORICAL) == [Indicator.SCHOOL_EXCLUSION]
    assert screening.flag_codes() == [ExploitationFlag.CCE, ExploitationFlag.COUNTY_LINES]
    [event] = audit_for(screening)
    assert event.action == AuditEvent.Action.CREATE
    assert event.changes["level"] == [None, ScreeningLevel.MEDIUM]
    assert event.changes["notes"] == [None, "[sensitive]"]
    assert "Synthetic notes" not in str(event.changes)


def thirteen_years_ago(day: dt.date) -> dt.date:
    """The 13th birthday's date of birth (a 29 February birthday counts from 1 March)."""
    try:
        return day.replace(year=day.year - 13)
    except ValueError:
        return dt.date(day.year - 13, 3, 1)


@pytest.fixture
def twelve_year_old(world):
    """Thirteen tomorrow: 12 years and 364 (or 365) days old today."""
    return ChildFactory(
        responsible_council=world.north, date_of_birth=thirteen_years_ago(timezone.localdate()) + dt.timedelta(days=1)
    )


@pytest.mark.parametrize("level", [ScreeningLevel.NO_RISK, ScreeningLevel.LOW])
def test_a_child_under_13_with_a_recent_indicator_cannot_be_graded_no_risk_or_low(world, twelve_year_old, level):
    with pytest.raises(ValidationError) as excinfo:
        screen(twelve_year_old, world.users.coordinator, level=level)
    [message] = errors_of(excinfo)["level"]
    assert "is under 13 (aged 12)" in message and "choose medium or high" in message
    assert not Screening.objects.exists()


@pytest.mark.parametrize("level", [ScreeningLevel.NO_RISK, ScreeningLevel.LOW])
def test_a_child_with_a_learning_disability_and_a_recent_indicator_cannot_be_graded_low(world, level):
    with pytest.raises(ValidationError) as excinfo:
        screen(world.child, world.users.coordinator, level=level, learning_disability=True)
    assert "has a learning disability" in errors_of(excinfo)["level"][0]


def test_the_override_names_both_reasons_when_both_apply(world, twelve_year_old):
    with pytest.raises(ValidationError) as excinfo:
        screen(twelve_year_old, world.users.coordinator, level=ScreeningLevel.LOW, learning_disability=True)
    assert "is under 13 (aged 12) and has a learning disability" in errors_of(excinfo)["level"][0]


def test_the_override_is_on_the_day_of_the_screening_13_is_not_under_13(world):
    now = timezone.now()
    thirteen = ChildFactory(responsible_council=world.north, date_of_birth=thirteen_years_ago(timezone.localdate(now)))
    screening = screen(thirteen, world.users.coordinator, level=ScreeningLevel.LOW, screened_at=now)
    assert screening.level == ScreeningLevel.LOW


def test_historical_indicators_alone_do_not_trigger_the_override(world, twelve_year_old):
    screening = screen(
        twelve_year_old,
        world.users.coordinator,
        level=ScreeningLevel.LOW,
        recent_indicators=[],
        historical_indicators=[Indicator.DRUGS_ALCOHOL],
        learning_disability=True,
    )
    assert screening.level == ScreeningLevel.LOW


@pytest.mark.parametrize("level", [ScreeningLevel.MEDIUM, ScreeningLevel.HIGH])
def test_the_override_allows_medium_and_high(world, twelve_year_old, level):
    assert screen(twelve_year_old, world.users.coordinator, level=level, learning_disability=True).level == level


def test_an_older_child_without_a_learning_disability_may_be_graded_low_with_indicators(world):
    assert screen(world.child, world.users.coordinator, level=ScreeningLevel.LOW).level == ScreeningLevel.LOW


def test_an_indicator_ticked_as_both_recent_and_historical_is_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        screen(
            world.child,
            world.users.coordinator,
            recent_indicators=[Indicator.CARRYING_WEAPON],
            historical_indicators=[Indicator.CARRYING_WEAPON],
        )
    assert "not both: Carrying a weapon" in errors_of(excinfo)["historical_indicators"][0]


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"kind": "neither"}, "kind", "not a known code"),
        ({"level": "extreme"}, "level", "not a known code"),
        ({"recent_indicators": ["vibes"]}, "recent_indicators", "Unknown code: vibes"),
        ({"flags": ["other"]}, "flags", "Unknown code: other"),
        ({"screened_at": None}, "screened_at", "Enter when"),
        ({"screened_at": timezone.now() + dt.timedelta(days=1)}, "screened_at", "now or in the past"),
        ({"review_date": None}, "review_date", "Enter when the screening will be reviewed"),
        ({"review_date": dt.date(2000, 1, 1)}, "review_date", "on or after the screening date"),
    ],
)
def test_bad_screening_answers_are_refused_by_field(world, overrides, field, text):
    with pytest.raises(ValidationError) as excinfo:
        screen(world.child, world.users.coordinator, **overrides)
    assert any(text in message for message in errors_of(excinfo)[field])


def test_no_risk_needs_no_review_date(world):
    screening = screen(
        world.child, world.users.coordinator, level=ScreeningLevel.NO_RISK, recent_indicators=[], review_date=None
    )
    assert screening.review_date is None


def test_screenings_are_never_overwritten_and_the_latest_by_date_is_current(world):
    first = screen(world.child, world.users.coordinator, screened_at=timezone.now() - dt.timedelta(days=60))
    second = screen(world.child, world.users.social_worker, level=ScreeningLevel.HIGH)
    # An older screening entered afterwards goes into the history, not on top of it.
    backdated = screen(world.child, world.users.manager, screened_at=timezone.now() - dt.timedelta(days=30))
    assert Screening.objects.filter(child=world.child).count() == 3
    first.refresh_from_db()
    assert first.level == ScreeningLevel.MEDIUM
    assert latest_screening(Screening.objects.all(), world.child) == second
    assert list(Screening.objects.filter(child=world.child)) == [second, backdated, first]


# --- Referrals --------------------------------------------------------------------------------------


def refer(world, user=None, **overrides):
    fields = {"to": ReferralTo.EXPLOITATION_TEAM, "reason": "Synthetic reason for referral"}
    fields.update(overrides)
    return make_referral(world.child, acting_user=user or world.users.coordinator, **fields)


def test_a_referral_is_made_with_its_history_and_audited_without_the_reason(world):
    referral = refer(world)
    assert (referral.status, referral.version) == (ReferralStatus.MADE, 1)
    assert [c.status for c in referral.status_changes.all()] == [ReferralStatus.MADE]
    [event] = audit_for(referral)
    assert event.changes["reason"] == [None, "[sensitive]"]
    assert "Synthetic reason" not in str(event.changes)


def test_police_can_refer(world):
    assert refer(world, user=world.users.police, to=ReferralTo.MASH).made_by == world.users.police


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"to": "school"}, "to"), ({"reason": "  "}, "reason")],
)
def test_bad_referral_answers_are_refused_by_field(world, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        refer(world, **overrides)
    assert field in errors_of(excinfo)
    assert not Referral.objects.exists()


def test_a_second_open_referral_to_the_same_team_is_refused(world):
    refer(world)
    with pytest.raises(ValidationError) as excinfo:
        refer(world)
    assert "already an open referral" in errors_of(excinfo)["to"][0]
    assert refer(world, to=ReferralTo.MASH).to == ReferralTo.MASH  # the other team is fine


def test_a_referral_moves_through_its_statuses_with_history_and_audit(world):
    referral = refer(world)
    accepted = update_referral_status(
        referral, status=ReferralStatus.ACCEPTED, expected_version=1, acting_user=world.users.manager
    )
    closed = update_referral_status(
        accepted,
        status=ReferralStatus.CLOSED,
        note="Work finished",
        expected_version=2,
        acting_user=world.users.manager,
    )
    assert (closed.status, closed.version) == (ReferralStatus.CLOSED, 3)
    history = list(closed.status_changes.values_list("previous_status", "status"))
    assert history == [("", "made"), ("made", "accepted"), ("accepted", "closed")]
    events = audit_for(closed)
    assert [e.changes.get("status") for e in events] == [[None, "made"], ["made", "accepted"], ["accepted", "closed"]]
    assert events[-1].changes["note"] == [None, "[sensitive]"]
    # A closed referral means a new concern is a new referral.
    assert refer(world).status == ReferralStatus.MADE


def test_a_stale_version_is_a_conflict_and_nothing_changes(world):
    referral = refer(world)
    update_referral_status(
        referral, status=ReferralStatus.ACCEPTED, expected_version=1, acting_user=world.users.manager
    )
    with pytest.raises(ConflictError):
        update_referral_status(
            referral,
            status=ReferralStatus.DECLINED,
            note="Not met",
            expected_version=1,
            acting_user=world.users.coordinator,
        )
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (ReferralStatus.ACCEPTED, 2)
    assert referral.status_changes.count() == 2


def test_declining_needs_a_note(world):
    referral = refer(world)
    with pytest.raises(ValidationError) as excinfo:
        update_referral_status(
            referral, status=ReferralStatus.DECLINED, expected_version=1, acting_user=world.users.manager
        )
    assert "Enter why the referral was declined" in errors_of(excinfo)["note"][0]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([ReferralStatus.DECLINED], ReferralStatus.ACCEPTED),
        ([ReferralStatus.CLOSED], ReferralStatus.ACCEPTED),
        ([ReferralStatus.ACCEPTED], ReferralStatus.DECLINED),
        ([], ReferralStatus.MADE),
    ],
)
def test_impossible_status_changes_are_refused(world, path, refused):
    referral = refer(world)
    for status in path:
        referral = update_referral_status(
            referral, status=status, note="n", expected_version=referral.version, acting_user=world.users.manager
        )
    with pytest.raises(ValidationError) as excinfo:
        update_referral_status(
            referral, status=refused, note="n", expected_version=referral.version, acting_user=world.users.manager
        )
    assert "cannot become" in errors_of(excinfo)["status"][0]
