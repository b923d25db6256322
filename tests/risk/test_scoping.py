"""Who sees which alert, screening and referral, and who may act on them: one table per record type."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.http import Http404
from django.utils import timezone

from core.inbox import MINE
from episodes.codes import RiskGrade
from interviews.codes import Disclosure
from risk.actions import make_referral, record_screening
from risk.codes import ReferralTo, ScreeningKind, ScreeningLevel
from risk.scoping import (
    alerts_for,
    can_acknowledge_alert,
    can_refer,
    can_screen,
    can_update_referral,
    get_alert_for_user,
    referrals_for,
    screenings_for,
)
from risk.triggers import evaluate_child
from risk.work import alerts_to_decide
from tests.risk.conftest import episode, interview_with

ALL_USERS = [
    "coordinator",
    "social_worker",
    "manager",
    "coordinator_south",
    "police",
    "police_south",
    "school_dsl",
    "other_school_dsl",
    "practitioner",
    "other_practitioner",
    "health",
    "analyst",
    "admin",
]


@pytest.fixture
def records(world):
    """Jordan (Northmoor) missing 30 hours at high risk, held by Northmoor Police, with an interview that
    disclosed CSE; Riley (Southvale's, placed in Northmoor) missing at high risk, held by Southvale Police;
    Casey (Southvale) missing at high risk, held by Southvale Police. A screening and a referral each."""
    now = timezone.now()
    episode(world, last_seen_at=now - dt.timedelta(hours=30), grade=RiskGrade.HIGH)
    interview_with(world, disclosures=[Disclosure.CSE], completed_at=now - dt.timedelta(days=3))
    episode(
        world,
        child=world.placed_child,
        force=world.police_south,
        last_seen_at=now - dt.timedelta(hours=2),
        grade=RiskGrade.HIGH,
    )
    episode(
        world,
        child=world.south_child,
        force=world.police_south,
        last_seen_at=now - dt.timedelta(hours=2),
        grade=RiskGrade.HIGH,
    )
    for child in (world.child, world.placed_child, world.south_child):
        evaluate_child(child)
    screenings, referrals = {}, {}
    for name, user in (("child", world.users.coordinator), ("south_child", world.users.coordinator_south)):
        child = getattr(world, name)
        screenings[name] = record_screening(
            child,
            screened_at=now - dt.timedelta(hours=1),
            kind=ScreeningKind.CSE,
            level=ScreeningLevel.HIGH,
            review_date=timezone.localdate() + dt.timedelta(days=30),
            acting_user=user,
        )
        referrals[name] = make_referral(child, to=ReferralTo.MASH, reason="Synthetic", acting_user=user)
    return SimpleNamespace(screenings=screenings, referrals=referrals)


def kinds_seen(world, user) -> set[tuple[str, str]]:
    names = {world.child.pk: "child", world.placed_child.pk: "placed_child", world.south_child.pk: "south_child"}
    return {(names[a.child_id], a.kind) for a in alerts_for(user)}


JORDAN = {("child", "high_risk"), ("child", "missing_duration"), ("child", "exploitation_disclosed")}
RILEY = {("placed_child", "high_risk")}
CASEY = {("south_child", "high_risk")}
ALERTS_SEEN = {
    "coordinator": JORDAN | RILEY,  # own council's child and the child placed in its area, every kind
    "social_worker": JORDAN | RILEY,
    "manager": JORDAN | RILEY,
    "coordinator_south": RILEY | CASEY,
    "police": {("child", "high_risk"), ("child", "missing_duration")},  # its episode; not the interview's
    "police_south": RILEY | CASEY,  # the episodes it holds
}


@pytest.mark.parametrize("username", ALL_USERS)
def test_alerts_visible(world, records, username):
    assert kinds_seen(world, getattr(world.users, username)) == ALERTS_SEEN.get(username, set())


def test_an_interview_derived_alert_is_a_404_for_police(world, records):
    disclosure = alerts_for(world.users.coordinator).get(kind="exploitation_disclosed")
    with pytest.raises(Http404):
        get_alert_for_user(world.users.police, disclosure.pk)


def test_my_work_lists_alerts_for_the_users_own_roles(world, records):
    coordinator = {a.kind for a in list(alerts_to_decide(world.users.coordinator, MINE))}
    manager = {a.kind for a in list(alerts_to_decide(world.users.manager, MINE))}
    assert coordinator == {"high_risk", "exploitation_disclosed"}
    assert manager == {"missing_duration"}  # the escalation goes to the manager role
    assert list(alerts_to_decide(world.users.social_worker, MINE)) == []
    assert list(alerts_to_decide(world.users.police, MINE)) == []


@pytest.mark.parametrize(
    ("username", "kinds"),
    [
        ("coordinator", {"high_risk", "exploitation_disclosed"}),
        ("manager", {"missing_duration"}),
        ("social_worker", set()),
        ("police", set()),
        ("coordinator_south", set()),
    ],
)
def test_who_may_acknowledge_jordans_alerts(world, records, username, kinds):
    user = getattr(world.users, username)
    jordans = alerts_for(world.users.coordinator).filter(child=world.child)
    assert {a.kind for a in jordans if can_acknowledge_alert(user, a)} == kinds


SCREENINGS_SEEN = {
    "coordinator": {"child"},
    "social_worker": {"child"},
    "manager": {"child"},
    "coordinator_south": {"south_child"},
}


@pytest.mark.parametrize("username", ALL_USERS)
def test_screenings_visible_to_council_case_roles_only(world, records, username):
    seen = {
        name for name, s in records.screenings.items() if screenings_for(getattr(world.users, username)).filter(pk=s.pk)
    }
    assert seen == SCREENINGS_SEEN.get(username, set())


REFERRALS_SEEN = {
    "coordinator": {"child"},
    "social_worker": {"child"},
    "manager": {"child"},
    "coordinator_south": {"south_child"},
    "police": {"child"},  # a child it can see (its episode, and living in its area)
    "police_south": {"south_child"},
}


@pytest.mark.parametrize("username", ALL_USERS)
def test_referrals_visible(world, records, username):
    user = getattr(world.users, username)
    seen = {name for name, r in records.referrals.items() if referrals_for(user).filter(pk=r.pk)}
    assert seen == REFERRALS_SEEN.get(username, set())


def test_police_see_a_referral_they_made(world, records):
    made = make_referral(
        world.placed_child, to=ReferralTo.EXPLOITATION_TEAM, reason="S", acting_user=world.users.police
    )
    assert referrals_for(world.users.police).filter(pk=made.pk).exists()


@pytest.mark.parametrize(
    ("username", "screen", "refer"),
    [
        ("coordinator", True, True),
        ("social_worker", True, True),
        ("manager", True, True),
        ("coordinator_south", False, False),
        ("police", False, True),
        ("police_south", False, False),
        ("school_dsl", False, False),
        ("practitioner", False, False),
        ("analyst", False, False),
        ("admin", False, False),
    ],
)
def test_who_may_screen_and_refer_jordan(world, records, username, screen, refer):
    user = getattr(world.users, username)
    assert can_screen(user, world.child) is screen
    assert can_refer(user, world.child) is refer


def test_who_may_update_a_referral(world, records):
    jordans = records.referrals["child"]
    assert can_update_referral(world.users.manager, jordans)
    assert not can_update_referral(world.users.police, jordans)
    assert not can_update_referral(world.users.coordinator_south, jordans)
    by_police = make_referral(world.child, to=ReferralTo.EXPLOITATION_TEAM, reason="S", acting_user=world.users.police)
    assert can_update_referral(world.users.police, by_police)


def test_inactive_users_see_nothing(world, records):
    user = world.users.coordinator
    user.is_active = False
    user.save()
    assert not alerts_for(user).exists() and not screenings_for(user).exists() and not referrals_for(user).exists()
