"""The permission matrix test (issue 4), driven by the one table in tests/permission_matrix.py."""

import copy
import datetime as dt
import io
import json
from types import SimpleNamespace

import pdfplumber
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.utils import timezone

from access.models import ApiToken, AuditEvent, Role
from access.tokens import create_client, issue_token
from api.main import api as ninja_api
from children.models import Child
from children.views import CHILD_SEARCH
from core.searches import save_search
from episodes.codes import FoundBy, LogEntryKind
from episodes.models import EpisodeLogEntry, MissingEpisode, RiskGradeChange
from governance.views import AUDIT_SEARCH
from identity.actions import add_group_mapping
from intake.actions import create_provisional_child, import_notifications
from intake.models import ImportBatch, Notification, ProvisionalChild
from intake.parsing import read_objects
from interviews.codes import ConsentToShare, Outcome
from interviews.models import InterviewFactor, ReturnInterview
from meetings.actions import add_action, call_meeting
from meetings.codes import MeetingKind
from network import actions as network_actions
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind
from notifications.actions import notify
from notifications.codes import NotificationKind
from philomena.actions import add_photo, save_profile
from public.actions import save_page, submit_concern
from public.codes import MissingNow, ReporterRole
from reports.models import StoredReport
from reports.periods import ReportKind
from returns.imports import queue_import, run_queued_import
from risk.actions import make_referral, record_screening
from risk.codes import AlertKind, ReferralTo, ScreeningKind, ScreeningLevel
from risk.models import Alert
from sharing.actions import request_emergency_access, share_interview_intelligence, share_record
from sharing.codes import ChildConsent, LawfulBasis
from sharing.models import Share
from tests.factories import ChildFactory, EpisodeFactory, InterviewFactory, UserFactory
from tests.permission_matrix import (
    BY_KEY,
    GROUPS,
    MARKERS,
    MATRIX,
    MATRIX_NOTIFICATION,
    PROTECTED_VALUES,
    PUBLIC_SLUG,
    USERS,
    Entry,
)
from tests.philomena.conftest import png_bytes, upload
from tests.world import build_world
from webhooks.actions import create_subscription
from webhooks.models import WebhookDelivery

API_PREFIX = "/api/v1"


# --- every URL is in the table ---------------------------------------------------------------------------


def _page_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            names |= _page_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>")
    return names


def _api_operations() -> set[str]:
    operations = set()
    for prefix, router in ninja_api._routers:
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = f"{prefix.rstrip('/')}{route}" if route else prefix.rstrip("/")
                    operations.add(f"{method} {API_PREFIX}{'/' + full.lstrip('/') if full else ''}")
    return operations


def served_keys() -> set[str]:
    """Every page by URL name, and every API operation (the ninja URL patterns of operations stand for the
    operations, listed by method and path)."""
    operation_names = {
        f"api:{op.view_func.__name__}"
        for _, r in ninja_api._routers
        for pv in r.path_operations.values()
        for op in pv.operations
    }
    pages = _page_names(get_resolver()) - operation_names
    return pages | _api_operations()


def test_every_url_is_in_the_matrix():
    missing = sorted(served_keys() - set(BY_KEY))
    assert not missing, f"URLs with no entry in tests/permission_matrix.py: {missing}"


def _probe(request):  # pragma: no cover - never called
    raise AssertionError


# A URL configuration with one URL more than the project's, to prove a URL with no entry is caught.
urlpatterns = [path("", include("homeward.urls")), path("matrix-probe/", _probe, name="matrix-probe")]


def test_a_new_url_without_an_entry_is_caught(settings):
    settings.ROOT_URLCONF = __name__
    assert sorted(served_keys() - set(BY_KEY)) == ["matrix-probe"]


def test_the_matrix_names_only_urls_that_exist():
    stale = sorted(set(BY_KEY) - served_keys())
    assert not stale, f"entries in tests/permission_matrix.py for URLs the project no longer serves: {stale}"


# --- the records the matrix is checked against -----------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_records(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and the matrix's records, built once per module (per xdist worker) rather than for each of the
    thousands of cases.

    They are written inside a transaction opened here and rolled back when the module ends. Each test runs inside
    it in a savepoint of its own (pytest-django's `db`, as in any test), so whatever a test writes is undone with
    its savepoint and the next test sees the records exactly as built, on SQLite and PostgreSQL alike.
    """
    settings_for_module = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # as tests/conftest.py's autouse fixture
        HOMEWARD_PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private_media"),
        HOMEWARD_WEBHOOK_ALLOW_HTTP=True,  # the matrix's subscription points at a local http address
    )
    settings_for_module.enable()
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            records = _build_matrix(build_world())
        except BaseException:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)
            settings_for_module.disable()
            raise
    yield records
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)
    settings_for_module.disable()


@pytest.fixture
def matrix(matrix_records, db):
    """Each test's own copy of the records (the rows are shared and rolled back; the Python objects are copied, so a
    test that changes one in memory does not change it for the next), as Django's setUpTestData does."""
    return copy.deepcopy(matrix_records)


def _build_matrix(world):
    users = world.users
    users.auditor = UserFactory(username="auditor.north", agency=world.north, roles=[Role.AUDITOR])
    users.mash = UserFactory(username="mash.north", agency=world.north, roles=[Role.MASH])
    users.mash_south = UserFactory(username="mash.south", agency=world.south, roles=[Role.MASH])
    users.editor = UserFactory(username="editor.north", agency=world.north, roles=[Role.CONTENT_EDITOR])
    users.editor_south = UserFactory(username="editor.south", agency=world.south, roles=[Role.CONTENT_EDITOR])
    users.exploitation = UserFactory(username="mace.north", agency=world.north, roles=[Role.EXPLOITATION])
    now = timezone.now()
    child = world.child
    episode = EpisodeFactory(
        child=child,
        police_force=world.police_north,
        created_by=users.police,
        police_reference="WP-2026-777001",
        last_seen_at=now - dt.timedelta(days=4),
        returned_at=now - dt.timedelta(days=3),
        found_place="Home",
        found_by=FoundBy.POLICE,
        circumstances=MARKERS["episode"],
    )
    episode.risk_changes.update(reason=MARKERS["risk_reason"])
    interview = InterviewFactory(
        child=child,
        provider=world.provider,
        assigned_to=users.practitioner,
        due_by=episode.returned_at + dt.timedelta(hours=72),
        offered_at=episode.returned_at + dt.timedelta(hours=10),
        offered_by="Sam Tester",
        outcome=Outcome.ACCEPTED,
        completed_at=episode.returned_at + dt.timedelta(hours=30),
        completed_by=users.practitioner,
        consent_to_share=ConsentToShare.YES,
        covering=[episode],
        narrative=MARKERS["interview"],
    )
    alert = Alert.objects.create(
        child=child,
        kind=AlertKind.HIGH_RISK,
        episode=episode,
        dedupe_key=f"matrix:{episode.pk}",
        detail="Graded high",
        raised_at=now - dt.timedelta(days=3),
        for_role=Role.COORDINATOR,
    )
    screening = record_screening(
        child,
        screened_at=now - dt.timedelta(hours=2),
        kind=ScreeningKind.CCE,
        level=ScreeningLevel.MEDIUM,
        acting_user=users.coordinator,
        review_date=timezone.localdate() + dt.timedelta(days=30),
        notes=MARKERS["screening"],
    )
    referral = make_referral(child, to=ReferralTo.MASH, reason=MARKERS["referral"], acting_user=users.coordinator)
    today = timezone.localdate()
    link = {
        "source": LinkSource.SEEN_WITH,
        "linked_on": today - dt.timedelta(days=3),
        "confidence": Confidence.CONFIRMED,
    }
    intel_person = network_actions.add_person(
        acting_user=users.police,
        kind=PersonKind.ADULT,
        display_name=f"Matrix subject {MARKERS['intelligence']}",
        description=MARKERS["intelligence"],
        phone_numbers="07700 900555",
        police_only=True,
    )
    intel_link = network_actions.link_child_to_person(
        acting_user=users.police, child=child, person=intel_person, notes=MARKERS["intelligence"], **link
    )
    place = network_actions.add_place(
        acting_user=users.coordinator, kind=PlaceKind.TAKEAWAY, name="Matrix takeaway", address="1 Test Street"
    )
    place_link = network_actions.link_child_to_place(acting_user=users.coordinator, child=child, place=place, **link)
    # Likely duplicates (issue 14): the intelligence subject recorded twice by the force, and the takeaway twice by
    # the council, each copy linked to Jordan.
    intel_twice = network_actions.add_person(
        acting_user=users.police,
        kind=PersonKind.ADULT,
        display_name=f"Matrix subject again {MARKERS['intelligence']}",
        phone_numbers="07700 900555",
        police_only=True,
    )
    network_actions.link_child_to_person(acting_user=users.police, child=child, person=intel_twice, **link)
    place_twice = network_actions.add_place(
        acting_user=users.coordinator, kind=PlaceKind.TAKEAWAY, name="Matrix takeaway again", address="1 Test St."
    )
    network_actions.link_child_to_place(acting_user=users.coordinator, child=child, place=place_twice, **link)
    save_profile(child, acting_user=users.coordinator, notes=MARKERS["philomena"])
    version = add_photo(child, photo=upload(png_bytes()), acting_user=users.coordinator, expected_version=1)
    share = share_record(
        acting_user=users.coordinator,
        child=child,
        what="episode_summary",
        episode=episode,
        to_agency=world.school,
        lawful_basis=LawfulBasis.CHILDREN_ACT_S47,
        child_consent=ChildConsent.NOT_SOUGHT,
        child_consent_reason="Seeking consent would put the child at risk",
        purpose=MARKERS["share"],
    )
    # What Jordan's interview named, passed by the practitioner to Northmoor Police (the child's words withheld).
    intelligence_share = share_interview_intelligence(
        acting_user=users.practitioner,
        interview=interview,
        to_agency=world.police_north,
        vehicles=["A blue hatchback"],
        child_consent=ChildConsent.NOT_SOUGHT,
        child_consent_reason="Seeking consent would put the child at risk",
        purpose="Disrupt the adult named in the interview",
    )
    emergency_access = request_emergency_access(
        acting_user=users.health, reason="Matrix: found at A&E", child_id=world.south_child.pk
    )
    stored_report = StoredReport.objects.create(
        council=world.north,
        kind=ReportKind.MONTHLY,
        period_start=dt.date(2025, 1, 1),
        generated_at=now,
        suppression=0,
        pdf=b"%PDF-1.4 (a stored partnership report)",
        size=38,
    )
    # A MACE panel about Jordan (tests/permission_matrix.py says who is invited), with an action for the social worker.
    meeting = call_meeting(
        kind=MeetingKind.MACE_PANEL,
        held_at=now + dt.timedelta(days=2),
        place="Matrix House",
        chair=users.coordinator,
        children=[child],
        agencies=[world.north, world.police_north, world.school, world.provider],
        people=[users.social_worker],
        acting_user=users.coordinator,
    )
    meeting_action = add_action(
        meeting,
        what="Matrix action",
        owner=users.social_worker,
        due_on=today + dt.timedelta(days=7),
        child=child,
        acting_user=users.coordinator,
    )
    # A search for Jordan saved by Northmoor's coordinator (Post/Redirect/Get): its results page, by token.
    EpisodeLogEntry.objects.create(
        episode=episode,
        kind=LogEntryKind.SIGHTING,
        occurred_at=episode.last_seen_at + dt.timedelta(hours=1),
        note=MARKERS["episode"],
        recorded_by=users.police,
        recorded_by_agency=world.police_north,
        recorded_at=now,
    )
    [notification] = notify(
        NotificationKind.CHILD_MISSING, [users.coordinator], about="matrix", link=f"/episodes/{episode.pk}/"
    )
    saved_search = save_search(users.coordinator, CHILD_SEARCH, {"q": "Jordan", "reporting": False})
    saved_audit_search = save_search(users.auditor, AUDIT_SEARCH, {"child": "N000123", "username": "", "action": ""})
    # Northmoor's published public page, and a concern from the public in its MASH queue (issue 16).
    public_page = save_page(
        None,
        council=world.north,
        title="If your child is missing",
        summary="Call 999 if they are in danger",
        body="Call **101** to report a missing child.",
        slug=PUBLIC_SLUG,
        order=10,
        review_by=timezone.localdate() + dt.timedelta(days=90),
        publish=True,
        acting_user=users.editor,
    )
    concern = submit_concern(
        world.north,
        reporter_name="Matrix Reporter",
        reporter_role=ReporterRole.YOUTH,
        reporter_email="matrix@example.test",
        missing_now=MissingNow.NOT_KNOWN,
        worry=MARKERS["concern"],
    )
    group_mapping = add_group_mapping(
        acting_user=users.admin, group="/homeward/northmoor/coordinators", agency=world.north, role=Role.COORDINATOR
    )
    issue_token(users.social_worker, scopes=["children:read"], acting_user=users.admin)
    api_token = ApiToken.objects.filter(user=users.social_worker).latest("pk")
    system_client = create_client(
        name="Northmoor CMS", agency=world.north, role=Role.COORDINATOR, acting_user=users.admin
    )
    subscription, _secret = create_subscription(
        client=system_client, url="http://127.0.0.1:9/hooks", events=["episode.reported"], acting_user=users.admin
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event="episode.reported",
        object_type="episode",
        object_id=episode.pk,
        data={"episode_id": episode.pk, "child_id": child.pk},
        occurred_at=timezone.now(),
        status="failed",
    )
    # Northmoor's coordinator uploaded SSDA903 files naming Jordan's child ID in a row with a problem (issue 17).
    return_import = run_queued_import(
        queue_import(
            acting_user=users.coordinator,
            header="CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n",
            episodes="CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n",
            missing="CHILD,DOB,MISSING,MIS_START,MIS_END\nN000123,04/03/2011,M,01/05/2025,02/05/2025\n",
        ).pk
    )
    # Jordan recorded a second time, misspelt: the data quality list's likely duplicate, reviewed on the merge page.
    duplicate = ChildFactory(
        first_name="Jordon",
        last_name="Exampel",
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        responsible_council=world.north,
        la_child_id="N000999",
    )
    # Police notifications (issue 12): a notification in Northmoor Police's match queue proposing Jordan, and an
    # upload of Northmoor Police's waiting for its user's decision.
    import_notifications(
        lambda: read_objects([MATRIX_NOTIFICATION]),
        acting_user=users.police,
        force=world.police_north,
        source="api",
    )
    queued_notification = Notification.objects.get(police_reference="41-MATRIX-1")
    # A child Homeward did not know, reported by Northmoor Police, who created a provisional record for Northmoor.
    import_notifications(
        lambda: read_objects(
            [
                {
                    **MATRIX_NOTIFICATION,
                    "police_reference": "41-MATRIX-2",
                    "first_name": "Provisional",
                    "last_name": "Matrixchild",
                    "date_of_birth": "2012-02-02",
                }
            ]
        ),
        acting_user=users.police,
        force=world.police_north,
        source="api",
    )
    unknown = Notification.objects.get(police_reference="41-MATRIX-2")
    provisional_child = create_provisional_child(
        unknown,
        responsible_council=world.north,
        living_arrangement="other",
        expected_version=unknown.version,
        acting_user=users.police,
    )
    provisional_record = ProvisionalChild.objects.get(child=provisional_child)
    import_batch = ImportBatch.objects.create(
        police_force=world.police_north,
        created_by=users.police,
        source="upload",
        filename="matrix.csv",
        state=ImportBatch.State.NEEDS_DECISION,
    )
    return SimpleNamespace(
        queued_notification=queued_notification,
        provisional_record=provisional_record,
        import_batch=import_batch,
        world=world,
        users=users,
        return_import=return_import,
        child=child,
        api_token=api_token,
        system_client=system_client,
        subscription=subscription,
        delivery=delivery,
        duplicate=duplicate,
        public_page=public_page,
        concern=concern,
        saved_search=saved_search,
        saved_audit_search=saved_audit_search,
        stored_report=stored_report,
        episode=episode,
        interview=interview,
        alert=alert,
        risk_change=episode.risk_changes.first(),
        notification=notification,
        screening=screening,
        referral=referral,
        intel_person=intel_person,
        intel_link=intel_link,
        place=place,
        place_link=place_link,
        intel_twice=intel_twice,
        place_twice=place_twice,
        photo=version.photo,
        share=share,
        intelligence_share=intelligence_share,
        emergency_access=emergency_access,
        staff_user=users.social_worker,  # an account Northmoor's administrator looks after
        group_mapping=group_mapping,
        meeting=meeting,
        meeting_action=meeting_action,
    )


def _url(entry: Entry, records: SimpleNamespace) -> str:
    values = {
        name: _arg(getattr(records, v)) if isinstance(v, str) and hasattr(records, v) else v
        for name, v in entry.args.items()
    }
    if entry.is_api:
        _method, path = entry.key.split(" ", 1)
        return path.format(**values)
    return reverse(entry.key, kwargs=values)


def _arg(record):
    """A record's id in a URL: its pk, or the record itself where it is an opaque token (a saved search)."""
    return record if isinstance(record, str) else record.pk


def _text(response) -> str:
    body = b"".join(response) if response.streaming else response.content
    return body.decode("utf-8", errors="replace")


def _pdf_text(response) -> str:
    """What a PDF download says, read back from the PDF (its text streams are compressed)."""
    assert response["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def _assert_shows_exactly_its_field_groups(response, entry: Entry, user: str) -> None:
    """An allowed user sees the field groups `sees` gives them, and none of the others."""
    text = _pdf_text(response) if entry.pdf else _text(response)
    missing = [group for group, users in entry.sees.items() if user in users and not _shows(text, group)]
    leaked = [group for group in GROUPS if user not in entry.sees.get(group, ()) and _shows(text, group)]
    assert not missing, f"{entry.key} as {user}: {missing} should be shown"
    assert not leaked, f"{entry.key} as {user}: {leaked} must not be shown"


def _shows(text: str, group: str) -> bool:
    """Any of the group's values shows it (an API answer names the child by council child ID only)."""
    return any(value in text for value in GROUPS[group])


def _assert_reveals_nothing(response) -> None:
    text = _text(response)
    leaked = [value for value in PROTECTED_VALUES if value in text]
    assert not leaked, f"denied response carries protected values {leaked}"


# --- every user against every entry ----------------------------------------------------------------------

USER_CASES = [
    pytest.param(entry, user, id=f"{entry.key}-{user}") for entry in MATRIX if not entry.write for user in USERS
]
KNOWN_FINDINGS: dict[str, str] = {}


def _with_findings(params):
    result = []
    for param in params:
        reason = KNOWN_FINDINGS.get(param.id)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        result.append(pytest.param(*param.values, id=param.id, marks=marks))
    return result


@pytest.mark.parametrize(("entry", "user"), _with_findings(USER_CASES))
def test_user_gets_what_the_matrix_says(matrix, entry: Entry, user: str):
    who = getattr(matrix.users, user)
    url = _url(entry, matrix)
    if entry.is_api:
        headers = {"Authorization": f"Bearer {issue_token(who)}"}
        if entry.body is None:
            response = Client().get(url, headers=headers)
        else:
            response = Client().post(url, json.dumps(entry.body), content_type="application/json", headers=headers)
    else:
        client = Client()
        client.force_login(who)
        response = getattr(client, entry.method)(url, entry.query)
    expected = entry.expected(user)
    assert response.status_code == expected, f"{entry.key} as {user}: {response.status_code}, expected {expected}"
    if user not in entry.allowed:
        _assert_reveals_nothing(response)
    else:
        _assert_shows_exactly_its_field_groups(response, entry, user)


# --- API writes, for every user -------------------------------------------------------------------------


@pytest.fixture
def writable(matrix):
    """The matrix's records plus what the writes act on: an open episode of Jordan's (to grade and close), and
    an accepted interview assigned to the practitioner, covering a returned episode (to assign, offer and write
    up). Their free text carries no marker: the writes' answers are checked for their status, not fields."""
    world, users, now = matrix.world, matrix.users, timezone.now()
    open_episode = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=users.police,
        last_seen_at=now - dt.timedelta(hours=8),
    )
    covered_episode = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=users.police,
        last_seen_at=now - dt.timedelta(days=20),
        returned_at=now - dt.timedelta(days=19),
        found_place="Home",
        found_by=FoundBy.POLICE,
    )
    open_interview = InterviewFactory(
        child=world.child,
        provider=world.provider,
        assigned_to=users.practitioner,
        due_by=covered_episode.returned_at + dt.timedelta(hours=72),
        offered_at=covered_episode.returned_at + dt.timedelta(hours=10),
        offered_by="Sam Tester",
        outcome=Outcome.ACCEPTED,
        covering=[covered_episode],
    )
    return SimpleNamespace(
        **vars(matrix),
        open_episode=open_episode,
        covered_episode=covered_episode,
        open_interview=open_interview,
        placed_child=world.placed_child,
        police_north=world.police_north,
        north=world.north,
        school=world.school,
        practitioner=users.practitioner,
        coordinator=users.coordinator,
        **{f"hours_ago_{h}": (now - dt.timedelta(hours=h)).isoformat() for h in (1, 4, 5)},
    )


def _resolve(value, records: SimpleNamespace):
    """A body value: `@name` is that record's id (or the value the fixture made), `@name.field` the record's field
    as stored now."""
    if isinstance(value, list):
        return [_resolve(item, records) for item in value]
    if not (isinstance(value, str) and value.startswith("@")):
        return value
    name, _, attribute = value[1:].partition(".")
    found = getattr(records, name)
    if attribute:
        return getattr(type(found).objects.get(pk=found.pk), attribute)
    return found.pk if hasattr(found, "pk") else found


def _database_state() -> dict:
    """What a write could change: the rows of every case table and their versions, and the audit trail (token
    issuing aside)."""
    return {
        "children": list(Child.objects.order_by("pk").values_list("pk", "version", "updated_at")),
        "alerts": list(Alert.objects.order_by("pk").values_list("pk", "acknowledged_at")),
        "shares": list(Share.objects.order_by("pk").values_list("pk", "version")),
        "episodes": list(MissingEpisode.objects.order_by("pk").values_list("pk", "version", "updated_at")),
        "grades": RiskGradeChange.objects.count(),
        "interviews": list(ReturnInterview.objects.order_by("pk").values_list("pk", "version", "updated_at")),
        "factors": InterviewFactor.objects.count(),
        # Every call is audited (api_call, issue 17), refused or not: that is the call's record, not a write.
        "audit": AuditEvent.objects.exclude(action__in=[AuditEvent.Action.TOKEN, AuditEvent.Action.API_CALL]).count(),
    }


WRITE_CASES = [pytest.param(entry, user, id=f"{entry.key}-{user}") for entry in MATRIX if entry.write for user in USERS]


@pytest.mark.parametrize(("entry", "user"), WRITE_CASES)
def test_api_write_as_each_user(writable, entry: Entry, user: str):
    """Each user, with a token and a valid body, either succeeds or is refused with the matrix's status; a
    refused write changes nothing and its answer carries no protected value."""
    headers = {"Authorization": f"Bearer {issue_token(getattr(writable.users, user))}"}
    method = entry.key.split(" ")[0].lower()
    assert entry.body is not None  # every API write in the matrix has a body
    body = json.dumps({name: _resolve(value, writable) for name, value in entry.body.items()})
    before = _database_state()
    response = getattr(Client(), method)(_url(entry, writable), body, content_type="application/json", headers=headers)
    expected = entry.expected(user)
    assert response.status_code == expected, f"{entry.key} as {user}: {response.status_code} {response.content[:300]}"
    if user not in entry.allowed:
        assert _database_state() == before, f"{entry.key} as {user} was refused but changed the database"
        _assert_reveals_nothing(response)
    else:
        assert _database_state() != before


# --- every web form POST, for every user -----------------------------------------------------------------

# The project's own tables (not sessions, django-axes or django-tasks' queue): what a refused post must not change.
PROJECT_APPS = (
    "access",
    "accounts",
    "identity",
    "children",
    "episodes",
    "interviews",
    "risk",
    "network",
    "philomena",
    "public",
    "sharing",
    "meetings",
    "returns",
    "analytics",
    "reports",
    "governance",
    "core",
)


def _every_row() -> dict:
    """Every row of the project's tables, as stored (an audit trail of reads aside: a refused user's view is not a
    write, and a page that shows a form's errors may audit that it was seen)."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.proxy or not model._meta.managed:
            continue
        rows = model._default_manager.order_by("pk")
        if model is AuditEvent:
            rows = rows.exclude(action__in=[AuditEvent.Action.VIEW, AuditEvent.Action.API_READ])
        state[model._meta.label] = list(rows.values_list())
    return state


FORM_CASES = [
    pytest.param(entry, user, id=f"POST {entry.key}-{user}")
    for entry in MATRIX
    if not entry.is_api and not entry.public
    for user in USERS
]


@pytest.mark.parametrize(("entry", "user"), FORM_CASES)
def test_form_post_as_each_user(matrix, entry: Entry, user: str):
    """Every page posted as every user, with an empty form (or the entry's posted search): a refused user (or one
    who may open the page but not act on it, `post_refused`) gets the matrix's 403 or 404 (or 405 where the page
    takes no post) and nothing is written; an allowed user's post is done or shows what is wrong with it; never a
    500 (the test client raises a view's exception)."""
    client = Client()
    client.force_login(getattr(matrix.users, user))
    url = _url(entry, matrix)
    before = _every_row()
    response = client.post(url, entry.query)
    status = response.status_code
    if user in entry.allowed and user not in entry.post_refused:
        # Done: a redirect, or a page (a posted search or download, audited; a one-time code shown). Refused for
        # what was sent: 400, or 409 for a stale version, and then nothing is written.
        assert status in {200, 302, 400, 405, 409}, f"POST {entry.key} as {user}: {status}"
        if status in {400, 405, 409}:
            assert _every_row() == before, f"POST {entry.key} as {user} answered {status} but wrote"
    else:
        expected = entry.post_refused.get(user) or entry.expected(user)
        assert status in {expected, 405}, f"POST {entry.key} as {user}: {status}, expected {expected}"
        assert _every_row() == before, f"POST {entry.key} as {user} was refused ({status}) but wrote"
        _assert_reveals_nothing(response)


# --- anonymous -------------------------------------------------------------------------------------------

ANON_CASES = [pytest.param(entry, id=f"{entry.key}-anonymous") for entry in MATRIX if not entry.public]


@pytest.mark.parametrize("entry", _with_findings(ANON_CASES))
def test_anonymous_is_refused(matrix, entry: Entry):
    url = _url(entry, matrix)
    if entry.is_api:
        method = entry.key.split(" ")[0].lower()
        body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
        response = getattr(Client(), method)(url, **body)
        assert response.status_code == 401
    else:
        response = getattr(Client(), entry.method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(django_settings.LOGIN_URL))
    _assert_reveals_nothing(response)
