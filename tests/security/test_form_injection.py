"""Hostile text through the web forms, end to end (issue 4): HTML, SQL, Unicode tricks and very long text typed
into a form is either saved exactly or refused with an error on that field, and every page that shows it back
(the record's page, the form re-shown with an error, the grab-pack) shows it escaped, never as markup.

FORM_CASES says, for each form, how to fill it in validly, where the saved value is read back and which page
shows it. `test_every_free_text_field_is_covered` fails for a text field of any form (tests/security/
test_form_fields.py finds them all) that is neither here nor in NOT_STORED (search boxes and sign-in fields,
which are never saved and are checked by test_search_boxes_echo_hostile_text_escaped)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from children.models import Child
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from network.models import PersonOfConcern, Place
from philomena.models import ProfileVersion
from risk.models import Screening
from tests.factories import EpisodeFactory
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
    "long": "y" * 20_000,
}
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


@dataclass(frozen=True)
class FormCase:
    url: Callable  # (world, records) -> the form's address
    data: Callable  # (world, records) -> a valid submission
    saved: Callable  # (world, records, response) -> the saved record, or None if nothing saved
    shown: Callable  # (world, records, record) -> the addresses that show the saved value
    user: str = "coordinator"
    setup: Callable | None = None  # (world, records) -> None: bring the record to where the form applies
    per_field: dict = field(default_factory=dict)  # field -> answers that field needs alongside it


def _latest(model):
    return lambda world, records, response: model.objects.order_by("-pk").first()


def _episode_pages(world, records, episode):
    return [reverse("episodes:detail", args=[episode.pk]), reverse("children:detail", args=[episode.child_id])]


FORM_CASES: dict[str, FormCase] = {
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
# Saved free text not yet driven end to end here (the field-level NUL and length checks in test_form_fields.py do
# cover them): links, alerts, referrals, sharing and emergency access. Listed so the gap is visible.
NOT_YET_END_TO_END = {
    "PersonLinkForm",
    "PlaceLinkForm",
    "_LinkForm",
    "EndLinkForm",
    "AcknowledgeAlertForm",
    "ReferralForm",
    "ReferralStatusForm",
    "ShareForm",
    "WithdrawShareForm",
    "EmergencyAccessForm",
    "ReviewEmergencyAccessForm",
}


def test_every_free_text_field_is_covered():
    uncovered = sorted(
        f"{form.__name__}.{name}"
        for form, name, _ in TEXT_FIELDS
        if form.__name__ not in FORM_CASES
        and form.__name__ not in NOT_YET_END_TO_END
        and (form.__name__, name) not in NOT_STORED
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
    stored = getattr(record, field)
    assert stored == value or stored == value.strip().upper() or stored == value.strip(), (form_name, field, kind)
    for url in case.shown(world, records, record):
        page = client.get(url)
        assert page.status_code == 200, url
        if page["Content-Type"].startswith("text/html"):
            _assert_escaped(_body(page), url)


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
    response = getattr(client, method)(reverse(name), {field: HOSTILE[kind]})
    assert response.status_code in {200, 400}, (name, response.status_code)
    _assert_escaped(_body(response), name)
    nul = getattr(client, method)(reverse(name), {field: "a\x00b"})
    assert nul.status_code in {200, 400}, (name, "NUL", nul.status_code)
