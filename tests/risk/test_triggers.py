"""Every trigger at its boundary, and each firing exactly once however often the child is evaluated."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from access.models import AuditEvent, Role
from episodes.codes import RiskGrade
from episodes.models import RiskGradeChange
from interviews.codes import Disclosure
from risk.codes import AlertKind
from risk.models import Alert
from risk.triggers import due_alerts, evaluate_child
from tests.factories import ChildFactory
from tests.risk.conftest import NOW, episode, interview_with, returned

DAY = dt.timedelta(days=1)
LONDON = ZoneInfo("Europe/London")


def alerts(child, kind):
    return list(Alert.objects.filter(child=child, kind=kind))


def evaluate_often(child, now=NOW, times=3):
    for _ in range(times):
        evaluate_child(child, now=now)


# --- Repeat missing ---------------------------------------------------------------------------------


def test_two_episodes_in_the_window_are_not_repeat_missing(world):
    returned(world, NOW - 40 * DAY)
    returned(world, NOW - 2 * DAY)
    evaluate_often(world.child)
    assert alerts(world.child, AlertKind.REPEAT_MISSING) == []


def test_the_third_episode_in_the_window_raises_one_alert_naming_it(world):
    returned(world, NOW - 40 * DAY)
    returned(world, NOW - 20 * DAY)
    third = returned(world, NOW - 2 * DAY)
    evaluate_often(world.child)
    [alert] = alerts(world.child, AlertKind.REPEAT_MISSING)
    assert alert.episode == third
    assert alert.dedupe_key == f"repeat:{third.pk}"
    assert alert.for_role == Role.COORDINATOR
    assert alert.detail.startswith("3 episodes in the 90 days")


@pytest.mark.parametrize(("days_between", "fires"), [(89, True), (90, True), (91, False)])
def test_repeat_window_boundary_89_90_91_days(world, days_between, fires):
    """The window ends at the latest episode's time last seen and includes exactly 90 days before it."""
    latest_seen = NOW - 2 * DAY
    returned(world, latest_seen - days_between * DAY)
    returned(world, latest_seen - 30 * DAY)
    returned(world, latest_seen)
    evaluate_often(world.child)
    assert bool(alerts(world.child, AlertKind.REPEAT_MISSING)) is fires


def test_later_episodes_in_the_same_run_do_not_raise_it_again(world):
    returned(world, NOW - 60 * DAY)
    returned(world, NOW - 50 * DAY)
    third = returned(world, NOW - 40 * DAY)
    evaluate_child(world.child, now=NOW - 39 * DAY)
    returned(world, NOW - 10 * DAY)
    episode(world, last_seen_at=NOW - 3 * DAY)  # the fifth, still missing
    evaluate_often(world.child)
    [alert] = alerts(world.child, AlertKind.REPEAT_MISSING)
    assert alert.episode == third


def test_a_child_who_drops_below_and_crosses_again_gets_a_new_alert(world):
    for days_ago in (300, 290, 280):
        returned(world, NOW - days_ago * DAY)
    evaluate_child(world.child, now=NOW - 279 * DAY)
    for days_ago in (30, 20):
        returned(world, NOW - days_ago * DAY)
    evaluate_child(world.child, now=NOW)
    assert len(alerts(world.child, AlertKind.REPEAT_MISSING)) == 1  # two in the window: below again
    third = returned(world, NOW - 2 * DAY)
    evaluate_often(world.child)
    assert [a.episode for a in alerts(world.child, AlertKind.REPEAT_MISSING)][-1] == third
    assert len(alerts(world.child, AlertKind.REPEAT_MISSING)) == 2


def test_a_repeat_pattern_older_than_the_look_back_raises_nothing(world):
    for days_ago in (100, 90, 80):
        returned(world, NOW - days_ago * DAY)
    evaluate_often(world.child)
    assert alerts(world.child, AlertKind.REPEAT_MISSING) == []


def test_the_repeat_thresholds_are_settings(world, settings):
    settings.HOMEWARD_REPEAT_MISSING_COUNT = 2
    settings.HOMEWARD_REPEAT_MISSING_WINDOW_DAYS = 30
    returned(world, NOW - 40 * DAY)
    evaluate_child(world.child, now=NOW)
    second = returned(world, NOW - 2 * DAY)
    evaluate_often(world.child)
    assert alerts(world.child, AlertKind.REPEAT_MISSING) == []  # 38 days apart: outside a 30-day window
    third = returned(world, NOW - 1 * DAY)
    evaluate_often(world.child)
    [alert] = alerts(world.child, AlertKind.REPEAT_MISSING)
    assert alert.episode == third != second


# --- High risk --------------------------------------------------------------------------------------


def test_an_episode_graded_high_raises_one_alert(world):
    high = episode(world, last_seen_at=NOW - 3 * dt.timedelta(hours=1), grade=RiskGrade.HIGH)
    evaluate_often(world.child)
    [alert] = alerts(world.child, AlertKind.HIGH_RISK)
    assert (alert.episode, alert.dedupe_key, alert.for_role) == (high, f"high:{high.pk}", Role.COORDINATOR)


def test_an_episode_once_graded_high_raises_it_even_after_the_grade_comes_down(world):
    past = returned(world, NOW - 5 * DAY, grade=RiskGrade.MEDIUM)
    RiskGradeChange.objects.create(
        episode=past,
        grade=RiskGrade.HIGH,
        previous_grade=RiskGrade.MEDIUM,
        changed_at=NOW - 5 * DAY,
        changed_by=world.users.police,
    )
    RiskGradeChange.objects.create(
        episode=past,
        grade=RiskGrade.MEDIUM,
        previous_grade=RiskGrade.HIGH,
        changed_at=NOW - 5 * DAY,
        changed_by=world.users.police,
    )
    evaluate_often(world.child)
    [alert] = alerts(world.child, AlertKind.HIGH_RISK)
    assert alert.episode == past
    assert "Graded high during the episode, now medium" in alert.detail


def test_medium_and_low_grades_raise_no_high_risk_alert(world):
    returned(world, NOW - 5 * DAY, grade=RiskGrade.LOW)
    episode(world, last_seen_at=NOW - dt.timedelta(hours=2), grade=RiskGrade.MEDIUM)
    evaluate_often(world.child)
    assert alerts(world.child, AlertKind.HIGH_RISK) == []


def test_a_high_risk_episode_returned_before_the_look_back_raises_nothing(world):
    returned(world, NOW - 40 * DAY, grade=RiskGrade.HIGH)
    evaluate_often(world.child)
    assert alerts(world.child, AlertKind.HIGH_RISK) == []


# --- Missing duration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing_for", "thresholds"),
    [
        (dt.timedelta(hours=23, minutes=59), []),
        (dt.timedelta(hours=24), [24]),
        (dt.timedelta(hours=71, minutes=59), [24]),
        (dt.timedelta(hours=72), [24, 72]),
    ],
)
def test_duration_escalations_at_23_59_and_24_00(world, missing_for, thresholds):
    missing = episode(world, last_seen_at=NOW - missing_for)
    evaluate_often(world.child)
    raised = alerts(world.child, AlertKind.MISSING_DURATION)
    assert sorted(a.threshold_hours for a in raised) == thresholds
    for alert in raised:
        assert alert.dedupe_key == f"duration:{missing.pk}:{alert.threshold_hours}"
        assert alert.for_role == Role.TEAM_MANAGER
        assert alert.title == f"Missing for over {alert.threshold_hours} hours"


def test_each_duration_escalation_fires_once_as_the_clock_runs(world):
    last_seen = NOW - dt.timedelta(hours=80)
    episode(world, last_seen_at=last_seen)
    for hours in range(0, 100, 1):  # the sweep every hour
        evaluate_child(world.child, now=last_seen + dt.timedelta(hours=hours))
    assert sorted(a.threshold_hours for a in alerts(world.child, AlertKind.MISSING_DURATION)) == [24, 72]


def test_a_returned_episode_raises_no_duration_escalation(world):
    returned(world, NOW - 5 * DAY)  # away five hours, returned long ago
    episode_long = episode(world, last_seen_at=NOW - 4 * DAY, returned_after=dt.timedelta(hours=30))
    evaluate_often(world.child)
    assert alerts(world.child, AlertKind.MISSING_DURATION) == []
    assert episode_long.returned_at is not None


def test_escalation_times_and_role_are_settings(world, settings):
    settings.HOMEWARD_MISSING_ESCALATION_HOURS = [6]
    settings.HOMEWARD_ESCALATION_ROLE = "coordinator"
    episode(world, last_seen_at=NOW - dt.timedelta(hours=6))
    evaluate_often(world.child)
    [alert] = alerts(world.child, AlertKind.MISSING_DURATION)
    assert (alert.threshold_hours, alert.for_role) == (6, Role.COORDINATOR)


# --- Young child ------------------------------------------------------------------------------------


@pytest.fixture
def young(world):
    """A child whose 13th birthday is 15 November 2026, two days before NOW."""
    return ChildFactory(
        first_name="Robin",
        responsible_council=world.north,
        placement_council=world.north,
        date_of_birth=dt.date(2013, 11, 15),
    )


@pytest.mark.parametrize(
    ("last_seen_local", "fires"),
    [
        (dt.datetime(2026, 11, 14, 23, 59, tzinfo=LONDON), True),  # aged 12 years 364 days
        (dt.datetime(2026, 11, 15, 0, 0, tzinfo=LONDON), False),  # the 13th birthday
    ],
)
def test_young_child_boundary_12_years_364_days_and_13(world, young, last_seen_local, fires):
    missing = episode(world, child=young, last_seen_at=last_seen_local)
    evaluate_often(young)
    raised = alerts(young, AlertKind.YOUNG_CHILD)
    assert bool(raised) is fires
    if fires:
        assert raised[0].dedupe_key == f"young:{missing.pk}"
        assert raised[0].detail.startswith("Aged 12 when last seen")


def test_each_episode_of_a_young_child_raises_its_own_alert_once(world, young):
    first = returned(world, NOW - 20 * DAY, child=young)
    second = episode(world, child=young, last_seen_at=NOW - dt.timedelta(hours=1))
    young.date_of_birth = dt.date(2015, 1, 1)
    young.save()
    evaluate_often(young)
    assert {a.episode for a in alerts(young, AlertKind.YOUNG_CHILD)} == {first, second}


def test_the_young_child_age_is_a_setting(world, settings):
    settings.HOMEWARD_YOUNG_CHILD_AGE = 16  # Jordan is 15
    episode(world, last_seen_at=NOW - dt.timedelta(hours=1))
    evaluate_often(world.child)
    assert len(alerts(world.child, AlertKind.YOUNG_CHILD)) == 1


# --- Exploitation disclosed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        Disclosure.CSE,
        Disclosure.CCE,
        Disclosure.COUNTY_LINES,
        Disclosure.TRAFFICKING,
        Disclosure.SEXUAL_ABUSE,
        Disclosure.ONLINE_HARM,
    ],
)
def test_each_exploitation_disclosure_raises_one_alert(world, code):
    interview = interview_with(world, disclosures=[code], completed_at=NOW - DAY)
    evaluate_often(world.child)
    [alert] = alerts(world.child, AlertKind.EXPLOITATION_DISCLOSED)
    assert (alert.interview, alert.dedupe_key, alert.episode) == (interview, f"disclosure:{interview.pk}", None)
    assert Disclosure(code).label in alert.detail


@pytest.mark.parametrize(
    "code",
    [
        Disclosure.PHYSICAL_ABUSE,
        Disclosure.DOMESTIC_ABUSE,
        Disclosure.SELF_HARM,
        Disclosure.SUBSTANCE_MISUSE,
        Disclosure.RADICALISATION,
    ],
)
def test_other_disclosures_raise_no_exploitation_alert(world, code):
    interview_with(world, disclosures=[code], completed_at=NOW - DAY)
    evaluate_often(world.child)
    assert alerts(world.child, AlertKind.EXPLOITATION_DISCLOSED) == []


def test_an_interview_with_several_exploitation_disclosures_raises_one_alert(world):
    interview_with(world, disclosures=[Disclosure.CCE, Disclosure.COUNTY_LINES], completed_at=NOW - DAY)
    evaluate_often(world.child)
    [alert] = alerts(world.child, AlertKind.EXPLOITATION_DISCLOSED)
    assert "County lines" in alert.detail and "criminal exploitation" in alert.detail


def test_an_interview_held_before_the_look_back_raises_nothing(world):
    interview_with(world, disclosures=[Disclosure.CSE], completed_at=NOW - 31 * DAY)
    evaluate_often(world.child)
    assert alerts(world.child, AlertKind.EXPLOITATION_DISCLOSED) == []


# --- Evaluating a child -----------------------------------------------------------------------------


def test_evaluation_returns_only_new_alerts_and_audits_each_once(world):
    episode(world, last_seen_at=NOW - dt.timedelta(hours=30), grade=RiskGrade.HIGH)
    first = evaluate_child(world.child, now=NOW)
    assert sorted(a.kind for a in first) == [AlertKind.HIGH_RISK, AlertKind.MISSING_DURATION]
    assert evaluate_child(world.child, now=NOW) == []
    events = AuditEvent.objects.filter(object_type="alert")
    assert events.count() == 2
    assert all(
        e.actor is None and e.action == AuditEvent.Action.CREATE and e.child_id == world.child.pk for e in events
    )


def test_due_alerts_lists_alerts_already_raised_too(world):
    episode(world, last_seen_at=NOW - dt.timedelta(hours=30), grade=RiskGrade.HIGH)
    evaluate_child(world.child, now=NOW)
    assert len(due_alerts(world.child, NOW)) == 2


def test_evaluating_one_child_never_touches_another(world):
    episode(world, last_seen_at=NOW - dt.timedelta(hours=30), grade=RiskGrade.HIGH)
    episode(world, child=world.south_child, force=world.police_south, last_seen_at=NOW - dt.timedelta(hours=30))
    evaluate_child(world.child, now=NOW)
    assert not Alert.objects.filter(child=world.south_child).exists()


def test_an_existing_alert_is_never_duplicated_even_if_the_check_is_raced(world):
    """The unique constraint holds when two evaluations both miss the other's alert."""
    high = episode(world, last_seen_at=NOW - dt.timedelta(hours=2), grade=RiskGrade.HIGH)
    Alert.objects.create(
        child=world.child, kind=AlertKind.HIGH_RISK, dedupe_key=f"high:{high.pk}", raised_at=NOW, for_role="coordinator"
    )
    from risk.triggers import _raise, high_risk

    [due] = high_risk([high], NOW)
    assert _raise(world.child, due, NOW) is None
    assert Alert.objects.filter(child=world.child).count() == 1
