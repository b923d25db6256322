"""The risk pages: alerts, acknowledging one, screening, a screening's history, referrals.

Every page: an insider gets 200, an outsider 404 (or 403 for a record they can see but may not act on)
with no child's name in the page, and an anonymous visitor is sent to sign in.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from episodes.codes import RiskGrade
from interviews.codes import Disclosure
from risk.actions import make_referral, record_screening, update_referral_status
from risk.codes import AlertDecision, AlertKind, Indicator, ReferralStatus, ReferralTo, ScreeningKind, ScreeningLevel
from risk.models import Alert, Referral, Screening
from risk.triggers import evaluate_child
from tests.factories import ChildFactory
from tests.risk.conftest import episode, interview_with
from tests.web.helpers import assert_redirects_to_sign_in, date_time_boxes

JORDAN = "Jordan Example"
CONFLICT = "Someone else changed this record after you opened it"


@pytest.fixture
def records(world):
    """Jordan missing 30 hours at high risk (Northmoor Police), with an interview that disclosed CCE; a
    screening and an open referral."""
    now = timezone.now()
    open_episode = episode(world, last_seen_at=now - dt.timedelta(hours=30), grade=RiskGrade.HIGH)
    interview = interview_with(world, disclosures=[Disclosure.CCE], completed_at=now - dt.timedelta(days=2))
    evaluate_child(world.child)
    screening = record_screening(
        world.child,
        screened_at=now - dt.timedelta(days=10),
        kind=ScreeningKind.CCE,
        level=ScreeningLevel.MEDIUM,
        recent_indicators=[Indicator.MULTIPLE_PHONES],
        historical_indicators=[Indicator.SCHOOL_EXCLUSION],
        review_date=timezone.localdate() + dt.timedelta(days=20),
        notes="Synthetic screening notes",
        acting_user=world.users.social_worker,
    )
    referral = make_referral(
        world.child,
        to=ReferralTo.EXPLOITATION_TEAM,
        reason="Synthetic referral reason",
        acting_user=world.users.coordinator,
    )
    return SimpleNamespace(
        episode=open_episode,
        interview=interview,
        high=Alert.objects.get(kind=AlertKind.HIGH_RISK),
        duration=Alert.objects.get(kind=AlertKind.MISSING_DURATION, threshold_hours=24),
        disclosure=Alert.objects.get(kind=AlertKind.EXPLOITATION_DISCLOSED),
        screening=screening,
        referral=referral,
    )


def urls(records, world) -> dict[str, str]:
    return {
        "alerts": reverse("risk:alerts"),
        "acknowledge": reverse("risk:acknowledge", args=[records.high.pk]),
        "screen": reverse("risk:screen", args=[world.child.pk]),
        "screening": reverse("risk:screening", args=[records.screening.pk]),
        "refer": reverse("risk:refer", args=[world.child.pk]),
        "referral": reverse("risk:referral", args=[records.referral.pk]),
    }


PAGES = ["alerts", "acknowledge", "screen", "screening", "refer", "referral"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, records, name):
    url = urls(records, world)[name]
    assert_redirects_to_sign_in(client.get(url), url)
    assert_redirects_to_sign_in(client.post(url, {}), url)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("username", ["coordinator", "social_worker", "manager"])
def test_council_insiders_see_every_page_with_the_childs_name(client, world, records, name, username):
    client.force_login(getattr(world.users, username))
    response = client.get(urls(records, world)[name])
    assert response.status_code == 200
    assert JORDAN in response.content.decode()


# (user, page) -> the status an outsider gets: 404 for a record they may not see, 403 for a page or an
# action their role does not allow on a record they can see.
OUTSIDERS = [
    ("coordinator_south", "acknowledge", 404),
    ("coordinator_south", "screen", 404),
    ("coordinator_south", "screening", 404),
    ("coordinator_south", "refer", 404),
    ("coordinator_south", "referral", 404),
    ("police_south", "acknowledge", 404),
    ("police_south", "screen", 404),
    ("police_south", "screening", 404),
    ("police_south", "refer", 404),
    ("police_south", "referral", 404),
    ("police", "screen", 403),  # sees Jordan, but screening is social care's
    ("police", "screening", 404),
    ("police", "referral", 200),  # referrals are multi-agency: police see them (and may not change them)
    ("school_dsl", "alerts", 403),
    ("school_dsl", "acknowledge", 404),
    ("school_dsl", "screen", 403),  # a pupil they can see, but not screen
    ("school_dsl", "screening", 404),
    ("school_dsl", "refer", 403),
    ("school_dsl", "referral", 404),
    ("practitioner", "alerts", 403),
    ("practitioner", "acknowledge", 404),
    ("practitioner", "screening", 404),
    ("practitioner", "referral", 404),
    ("health", "alerts", 403),
    ("analyst", "alerts", 403),
    ("admin", "alerts", 403),
    ("admin", "acknowledge", 404),
    ("admin", "screen", 404),
    ("admin", "refer", 404),
    ("analyst", "screening", 404),
    ("health", "referral", 404),
]


@pytest.mark.parametrize(("username", "name", "status"), OUTSIDERS)
def test_outsiders_are_refused_without_learning_the_childs_name(client, world, records, username, name, status):
    client.force_login(getattr(world.users, username))
    response = client.get(urls(records, world)[name])
    assert response.status_code == status
    if status != 200:
        assert JORDAN not in response.content.decode()
        assert "Jordan" not in response.content.decode()


def test_the_alerts_list_of_another_council_does_not_show_jordan(client, world, records):
    client.force_login(world.users.coordinator_south)
    response = client.get(reverse("risk:alerts"))
    assert response.status_code == 200
    assert "Jordan" not in response.content.decode()


# --- Alerts and acknowledging -------------------------------------------------------------------------


def test_the_alerts_list_shows_open_alerts_with_whose_they_are(client, world, records):
    client.force_login(world.users.coordinator)
    html = client.get(reverse("risk:alerts")).content.decode()
    for alert in (records.high, records.duration, records.disclosure):
        assert reverse("risk:acknowledge", args=[alert.pk]) in html
    assert "Missing for over 24 hours" in html
    assert "Social work manager" in html


def test_police_see_their_episodes_alerts_but_not_the_interviews(client, world, records):
    client.force_login(world.users.police)
    html = client.get(reverse("risk:alerts")).content.decode()
    assert reverse("risk:acknowledge", args=[records.high.pk]) in html
    assert reverse("risk:acknowledge", args=[records.disclosure.pk]) not in html
    assert client.get(reverse("risk:acknowledge", args=[records.disclosure.pk])).status_code == 404


def test_acknowledging_an_alert(client, world, records):
    client.force_login(world.users.coordinator)
    url = reverse("risk:acknowledge", args=[records.high.pk])
    page = client.get(url)
    assert b"Record decision" in page.content
    response = client.post(url, {"decision": AlertDecision.STRATEGY_DISCUSSION_PLANNED, "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("children:detail", args=[world.child.pk])
    records.high.refresh_from_db()
    assert records.high.decision == AlertDecision.STRATEGY_DISCUSSION_PLANNED
    # Afterwards the page shows the decision, and no form.
    html = client.get(url).content.decode()
    assert "Strategy discussion planned" in html
    assert 'name="decision"' not in html


def test_no_further_action_without_a_reason_shows_the_error_on_the_field(client, world, records):
    client.force_login(world.users.coordinator)
    url = reverse("risk:acknowledge", args=[records.high.pk])
    response = client.post(url, {"decision": AlertDecision.NO_FURTHER_ACTION, "reason": ""})
    assert response.status_code == 200
    assert "Enter why the decision is no further action" in [
        i["text"] for i in response.context["form"].error_summary()
    ]
    assert 'href="#id_reason"' in response.content.decode()
    records.high.refresh_from_db()
    assert not records.high.is_acknowledged


def test_a_second_acknowledgement_from_a_stale_page_is_refused(client, world, records):
    client.force_login(world.users.coordinator)
    url = reverse("risk:acknowledge", args=[records.high.pk])
    client.post(url, {"decision": AlertDecision.REFERRED_MASH})
    response = client.post(url, {"decision": AlertDecision.OTHER, "reason": "Again"})
    assert response.status_code == 200
    assert "already acknowledged" in response.content.decode()


def test_the_duration_escalation_is_the_managers_to_acknowledge(client, world, records):
    url = reverse("risk:acknowledge", args=[records.duration.pk])
    client.force_login(world.users.coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="decision"' not in page.content.decode()
    assert "for the social work manager" in page.content.decode()
    assert client.post(url, {"decision": AlertDecision.REFERRED_MASH}).status_code == 403
    client.force_login(world.users.manager)
    assert client.post(url, {"decision": AlertDecision.REFERRED_MASH}).status_code == 302


def test_police_may_see_but_not_acknowledge_an_alert(client, world, records):
    client.force_login(world.users.police)
    url = reverse("risk:acknowledge", args=[records.high.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": AlertDecision.REFERRED_MASH}).status_code == 403


def test_viewing_an_alert_is_audited(client, world, records):
    client.force_login(world.users.coordinator)
    client.get(reverse("risk:acknowledge", args=[records.high.pk]))
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="alert", actor=world.users.coordinator
    ).exists()


# --- Screening ----------------------------------------------------------------------------------------


def screening_answers(**overrides) -> dict:
    answers = {
        **date_time_boxes("screened_at", timezone.now() - dt.timedelta(hours=1)),
        "kind": ScreeningKind.BOTH,
        "recent_indicators": [Indicator.MISSING_REGULARLY, Indicator.UNEXPLAINED_GIFTS_MONEY],
        "historical_indicators": [Indicator.SELF_HARM],
        "learning_disability": "no",
        "level": ScreeningLevel.HIGH,
        "flags": ["cse", "county_lines"],
        "review_date_0": "1",
        "review_date_1": "2",
        "review_date_2": str(timezone.localdate().year + 1),
        "notes": "Synthetic notes",
    }
    answers.update(overrides)
    return answers


def test_the_screening_form_is_accessible_gov_uk_checkboxes(client, world, records):
    client.force_login(world.users.coordinator)
    html = client.get(reverse("risk:screen", args=[world.child.pk])).content.decode()
    assert html.count('class="govuk-checkboxes"') >= 3  # recent, historical, flags
    assert "<legend" in html and "Indicators seen recently" in html and "Indicators in the child" in html
    assert 'id="id_recent_indicators_0"' in html and 'for="id_recent_indicators_0"' in html


def test_recording_a_screening(client, world, records):
    client.force_login(world.users.coordinator)
    response = client.post(reverse("risk:screen", args=[world.child.pk]), screening_answers())
    new = Screening.objects.filter(child=world.child).order_by("-pk").first()
    assert response.status_code == 302
    assert response["Location"] == reverse("risk:screening", args=[new.pk])
    assert new.level == ScreeningLevel.HIGH and new.flag_codes() == ["county_lines", "cse"]
    html = client.get(response["Location"]).content.decode()
    assert "Current" in html and "Screening history" in html
    assert reverse("risk:screening", args=[records.screening.pk]) in html  # the earlier one, kept


def test_the_override_shows_on_the_level_field(client, world, records):
    young = ChildFactory(
        first_name="Robin", responsible_council=world.north, date_of_birth=timezone.localdate().replace(year=2016)
    )
    client.force_login(world.users.coordinator)
    response = client.post(reverse("risk:screen", args=[young.pk]), screening_answers(level=ScreeningLevel.LOW))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_level_0"' in html
    assert "is under 13" in html and "choose medium or high" in html
    assert not Screening.objects.filter(child=young).exists()


def test_an_earlier_screening_says_so(client, world, records):
    client.force_login(world.users.coordinator)
    client.post(reverse("risk:screen", args=[world.child.pk]), screening_answers())
    html = client.get(reverse("risk:screening", args=[records.screening.pk])).content.decode()
    assert "Earlier screening" in html
    assert "Synthetic screening notes" in html
    assert "More than one phone" in html


def test_viewing_a_screening_is_audited_without_its_notes(client, world, records):
    client.force_login(world.users.manager)
    client.get(reverse("risk:screening", args=[records.screening.pk]))
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_type="screening").get()
    assert event.child_id == world.child.pk and "Synthetic" not in str(event.changes) + event.summary


# --- Referrals ----------------------------------------------------------------------------------------


def test_making_a_referral(client, world, records):
    client.force_login(world.users.police)
    response = client.post(
        reverse("risk:refer", args=[world.child.pk]), {"to": ReferralTo.MASH, "reason": "Found in a trap house"}
    )
    referral = Referral.objects.get(to=ReferralTo.MASH)
    assert response.status_code == 302 and response["Location"] == reverse("risk:referral", args=[referral.pk])
    assert referral.made_by == world.users.police


def test_a_duplicate_open_referral_shows_the_error(client, world, records):
    client.force_login(world.users.coordinator)
    response = client.post(
        reverse("risk:refer", args=[world.child.pk]), {"to": ReferralTo.EXPLOITATION_TEAM, "reason": "Again"}
    )
    assert response.status_code == 200
    assert "already an open referral" in response.content.decode()


def test_updating_a_referral_offers_only_the_next_statuses(client, world, records):
    client.force_login(world.users.manager)
    url = reverse("risk:referral", args=[records.referral.pk])
    html = client.get(url).content.decode()
    assert 'value="accepted"' in html and 'value="declined"' in html and 'value="made"' not in html
    response = client.post(url, {"status": ReferralStatus.ACCEPTED, "note": "", "version": "1"})
    assert response.status_code == 302
    records.referral.refresh_from_db()
    assert records.referral.status == ReferralStatus.ACCEPTED
    html = client.get(url).content.decode()
    assert 'value="closed"' in html and 'value="declined"' not in html


def test_a_stale_referral_page_gets_a_conflict(client, world, records):
    update_referral_status(
        records.referral, status=ReferralStatus.ACCEPTED, expected_version=1, acting_user=world.users.coordinator
    )
    client.force_login(world.users.manager)
    response = client.post(
        reverse("risk:referral", args=[records.referral.pk]),
        {"status": ReferralStatus.DECLINED, "note": "Threshold not met", "version": "1"},
    )
    assert response.status_code == 409
    assert CONFLICT in response.content.decode()
    records.referral.refresh_from_db()
    assert records.referral.status == ReferralStatus.ACCEPTED


def test_police_may_see_but_not_update_a_councils_referral(client, world, records):
    client.force_login(world.users.police)
    url = reverse("risk:referral", args=[records.referral.pk])
    page = client.get(url).content.decode()
    assert "Synthetic referral reason" in page and 'name="status"' not in page
    assert client.post(url, {"status": ReferralStatus.ACCEPTED, "version": "1"}).status_code == 403


def test_a_closed_referral_has_no_form(client, world, records):
    update_referral_status(
        records.referral, status=ReferralStatus.CLOSED, expected_version=1, acting_user=world.users.coordinator
    )
    client.force_login(world.users.coordinator)
    assert 'name="status"' not in client.get(reverse("risk:referral", args=[records.referral.pk])).content.decode()
