"""Alerts on My work, the Risk section of the child's record, and the screening prompt on an interview."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from episodes.codes import RiskGrade
from interviews.codes import Disclosure
from risk.actions import acknowledge_alert, make_referral, record_screening, update_referral_status
from risk.codes import (
    AlertDecision,
    AlertKind,
    ExploitationFlag,
    ReferralStatus,
    ReferralTo,
    ScreeningKind,
    ScreeningLevel,
)
from risk.models import Alert
from risk.triggers import evaluate_child
from tests.risk.conftest import episode, interview_with

SCREEN_PROMPT = "Complete an exploitation screening"


@pytest.fixture
def missing(world):
    """Jordan missing 30 hours at high risk: a high-risk alert (coordinator) and a 24-hour escalation (manager)."""
    open_episode = episode(world, last_seen_at=timezone.now() - dt.timedelta(hours=30), grade=RiskGrade.HIGH)
    evaluate_child(world.child)
    return open_episode


@pytest.fixture
def disclosed(world):
    """A return interview two days ago that disclosed county lines; its alert raised."""
    interview = interview_with(
        world, disclosures=[Disclosure.COUNTY_LINES], completed_at=timezone.now() - dt.timedelta(days=2)
    )
    evaluate_child(world.child)
    return interview


def my_work(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("core:my-work"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def alert_tasks(client, user) -> list:
    """The alerts on the user's My work (the task inbox), as tasks."""
    client.force_login(user)
    response = client.get(reverse("core:my-work"), {"kind": "alert"})
    assert response.status_code == 200
    inbox = response.context.get("inbox")
    return [task for task in inbox.tasks if task.kind == "alert"] if inbox else []


# --- My work ----------------------------------------------------------------------------------------


def test_the_coordinators_my_work_lists_their_alerts_not_the_managers(client, world, missing):
    tasks = alert_tasks(client, world.users.coordinator)
    high = Alert.objects.get(kind=AlertKind.HIGH_RISK)
    assert [task.title for task in tasks] == ["Decide on the alert: High risk grade"]
    assert tasks[0].subject == "Jordan Example"
    assert tasks[0].link == reverse("risk:acknowledge", args=[high.pk])


def test_the_managers_my_work_lists_the_duration_escalation(client, world, missing):
    tasks = alert_tasks(client, world.users.manager)
    assert [task.title for task in tasks] == ["Decide on the alert: Missing for over 24 hours"]


def test_an_acknowledged_alert_leaves_my_work(client, world, missing):
    high = Alert.objects.get(kind=AlertKind.HIGH_RISK)
    acknowledge_alert(high, decision=AlertDecision.STRATEGY_DISCUSSION_HELD, acting_user=world.users.coordinator)
    assert alert_tasks(client, world.users.coordinator) == []


@pytest.mark.parametrize("username", ["coordinator_south", "social_worker"])
def test_other_users_my_work_has_no_jordan_alerts(client, world, missing, username):
    assert alert_tasks(client, getattr(world.users, username)) == []


@pytest.mark.parametrize("username", ["police", "practitioner"])
def test_roles_that_acknowledge_nothing_have_no_alerts_section(client, world, missing, username):
    assert 'id="count-alert"' not in my_work(client, getattr(world.users, username))


# --- The child's record -----------------------------------------------------------------------------


def child_page(client, user, child) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(reverse("children:detail", args=[child.pk]))
    return response.status_code, response.content.decode()


def test_the_child_record_shows_open_alerts_screening_referrals_and_links(client, world, missing):
    record_screening(
        world.child,
        screened_at=timezone.now() - dt.timedelta(hours=2),
        kind=ScreeningKind.CCE,
        level=ScreeningLevel.HIGH,
        flags=[ExploitationFlag.COUNTY_LINES, ExploitationFlag.CCE],
        review_date=timezone.localdate() + dt.timedelta(days=28),
        acting_user=world.users.social_worker,
    )
    referral = make_referral(world.child, to=ReferralTo.MASH, reason="Synthetic", acting_user=world.users.police)
    status, html = child_page(client, world.users.social_worker, world.child)
    assert status == 200
    risk = section(html, "risk-heading")
    assert "High risk grade" in risk and "Missing for over 24 hours" in risk
    assert "High" in risk and "Child criminal exploitation (CCE)" in risk
    assert "Flags: Child criminal exploitation, County lines" in risk
    assert reverse("risk:referral", args=[referral.pk]) in risk
    assert reverse("risk:screen", args=[world.child.pk]) in risk
    assert reverse("risk:refer", args=[world.child.pk]) in risk
    assert SCREEN_PROMPT not in risk


def test_closed_referrals_and_acknowledged_alerts_leave_the_child_record(client, world, missing):
    referral = make_referral(world.child, to=ReferralTo.MASH, reason="S", acting_user=world.users.coordinator)
    update_referral_status(referral, status=ReferralStatus.CLOSED, expected_version=1, acting_user=world.users.manager)
    for alert in Alert.objects.all():
        acknowledge_alert(alert, decision=AlertDecision.OTHER, reason="S", acting_user=world.users.manager)
    risk = section(child_page(client, world.users.manager, world.child)[1], "risk-heading")
    assert reverse("risk:referral", args=[referral.pk]) not in risk
    waiting = risk[risk.index("Alerts waiting") : risk.index("Earlier alerts")]
    assert "High risk grade" not in waiting and "None." in waiting
    assert "Earlier alerts (2)" in risk and "something else" in risk  # they stay in the child's history
    assert "The child has not been screened" in risk


def test_the_child_record_prompts_a_screening_after_an_exploitation_disclosure(client, world, disclosed):
    risk = section(child_page(client, world.users.coordinator, world.child)[1], "risk-heading")
    assert SCREEN_PROMPT in risk
    # A screening after the interview answers the prompt.
    record_screening(
        world.child,
        screened_at=timezone.now() - dt.timedelta(hours=1),
        kind=ScreeningKind.CCE,
        level=ScreeningLevel.MEDIUM,
        review_date=timezone.localdate() + dt.timedelta(days=28),
        acting_user=world.users.coordinator,
    )
    risk = section(child_page(client, world.users.coordinator, world.child)[1], "risk-heading")
    assert SCREEN_PROMPT not in risk


def test_police_see_their_alerts_and_referrals_on_the_child_record_but_not_screenings(
    client, world, missing, disclosed
):
    status, html = child_page(client, world.users.police, world.child)
    assert status == 200
    risk = section(html, "risk-heading")
    assert "High risk grade" in risk
    assert "Exploitation disclosed" not in risk  # what the child said stays with social care
    assert "Exploitation screening" not in risk and SCREEN_PROMPT not in risk
    assert reverse("risk:refer", args=[world.child.pk]) in risk
    assert reverse("risk:screen", args=[world.child.pk]) not in risk


@pytest.mark.parametrize("username", ["practitioner", "school_dsl"])
def test_roles_without_risk_work_see_no_risk_section(client, world, missing, disclosed, username):
    if username == "practitioner":
        disclosed.assigned_to = world.users.practitioner
        disclosed.save()
    status, html = child_page(client, getattr(world.users, username), world.child)
    assert status == 200
    assert 'id="risk-heading"' not in html


# --- The return interview page ------------------------------------------------------------------------


def interview_page(client, user, interview) -> str:
    client.force_login(user)
    response = client.get(reverse("interviews:detail", args=[interview.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_interview_page_prompts_a_screening_to_those_who_can_screen(client, world, disclosed):
    html = interview_page(client, world.users.coordinator, disclosed)
    assert SCREEN_PROMPT in html and reverse("risk:screen", args=[world.child.pk]) in html
    assert SCREEN_PROMPT not in interview_page(client, world.users.practitioner, disclosed)


def test_no_prompt_for_an_interview_without_exploitation_disclosures(client, world):
    interview = interview_with(
        world, disclosures=[Disclosure.SELF_HARM], completed_at=timezone.now() - dt.timedelta(days=1)
    )
    assert SCREEN_PROMPT not in interview_page(client, world.users.coordinator, interview)
