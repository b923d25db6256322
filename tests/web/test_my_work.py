"""My work (core:my-work): the three case lists, their order and counts, and who sees which."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.work import children_newly_over_repeat_threshold, interviews_due_and_overdue, open_episodes_longest_first
from episodes.codes import RiskGrade
from interviews.codes import Outcome
from tests.factories import ChildFactory, EpisodeFactory, InterviewFactory
from tests.web.conftest import returned_episode
from tests.web.helpers import assert_redirects_to_sign_in, page_title

URL = reverse("core:my-work")


def names(rows, key=None) -> list[str]:
    return [(key(row) if key else row).full_name for row in rows]


def open_episode_for(world, child, *, ago: dt.timedelta, force=None, **extra):
    return EpisodeFactory(
        child=child,
        police_force=force or world.police_north,
        created_by=world.users.police,
        last_seen_at=timezone.now() - ago,
        **extra,
    )


def episodes_ago(world, child, days_ago: list[int]):
    """Returned episodes last seen the given number of days ago, in the Northmoor force."""
    return [
        returned_episode(
            child,
            world.police_north,
            world.users.police,
            last_seen_ago=dt.timedelta(days=days, hours=1),
            away_for=dt.timedelta(hours=5),
        )
        for days in days_ago
    ]


def test_anonymous_user_is_sent_to_sign_in(client, world):
    assert_redirects_to_sign_in(client.get(URL), URL)


def test_open_episodes_longest_missing_first_with_duration_risk_and_reference(client, world):
    shorter = open_episode_for(
        world, world.child, ago=dt.timedelta(hours=10), risk_grade=RiskGrade.HIGH, police_reference="WP-2026-000010"
    )
    longer = open_episode_for(
        world, world.placed_child, ago=dt.timedelta(days=2, hours=3, minutes=10), police_reference="WP-2026-000020"
    )
    open_episode_for(world, world.south_child, ago=dt.timedelta(days=5), force=world.police_south)
    client.force_login(world.users.coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.context["open_episodes"]
    assert [row["episode"] for row in rows] == [longer, shorter]
    assert [row["missing_for"] for row in rows] == ["2 days 3 hours", "10 hours"]
    html = response.content.decode()
    assert "Open missing episodes (2)" in html
    assert html.index("Riley Sample") < html.index("Jordan Example")
    assert '<strong class="govuk-tag govuk-tag--red">High</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--orange">Medium</strong>' in html
    assert "WP-2026-000010" in html and "WP-2026-000020" in html
    assert reverse("children:detail", args=[world.child.pk]) in html
    assert "Casey Outside" not in html


def test_empty_lists_say_so(client, world):
    client.force_login(world.users.coordinator)
    html = client.get(URL).content.decode()
    assert "Open missing episodes (0)" in html
    assert "No children you work with are missing now." in html
    assert "Return interviews due and overdue (0)" in html
    assert "No return interviews are waiting to be offered." in html
    assert "Children newly over the repeat missing threshold (0)" in html
    assert "No children have newly gone over the threshold." in html


def test_interviews_overdue_first_then_due_and_offered_ones_left_out(client, world):
    now = timezone.now()
    due = InterviewFactory(child=world.child, provider=world.provider, due_by=now + dt.timedelta(hours=20, minutes=30))
    overdue = InterviewFactory(
        child=world.placed_child,
        provider=world.provider,
        assigned_to=world.users.practitioner,
        due_by=now - dt.timedelta(hours=5, minutes=10, seconds=30),
    )
    InterviewFactory(child=world.child, provider=world.provider, due_by=now, offered_at=now, offered_by="A. Worker")
    InterviewFactory(child=world.child, provider=world.provider, due_by=now, outcome=Outcome.NOT_OFFERED)
    InterviewFactory(child=world.south_child, provider=world.provider, due_by=now - dt.timedelta(hours=1))
    client.force_login(world.users.coordinator)
    response = client.get(URL)
    rows = response.context["due_interviews"]
    assert [row["interview"] for row in rows] == [overdue, due]
    assert [row["status"] for row in rows] == ["overdue", "due"]
    assert rows[0]["time_left"] == "Overdue by 5 hours 10 minutes"
    assert rows[1]["time_left"] in ("20 hours 29 minutes left", "20 hours 30 minutes left")
    html = response.content.decode()
    assert "Return interviews due and overdue (2)" in html
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert str(world.users.practitioner) in html and "Not assigned" in html
    assert "Casey Outside" not in html


def test_repeat_missing_threshold_counts_in_window_and_needs_a_recent_episode(client, world):
    newest = ChildFactory(first_name="Newest", last_name="Repeat", responsible_council=world.north)
    episodes_ago(world, newest, [60, 30, 10, 1])  # 4 in 90 days, latest yesterday
    episodes_ago(world, world.child, [80, 40, 3])  # 3 in 90 days, latest 3 days ago
    episodes_ago(world, world.placed_child, [20, 2])  # only 2
    edge = ChildFactory(first_name="Edge", last_name="Window", responsible_council=world.north)
    episodes_ago(world, edge, [91, 40, 5])  # the oldest is outside the 90 days: 2 in the window
    stale = ChildFactory(first_name="Stale", last_name="Repeat", responsible_council=world.north)
    episodes_ago(world, stale, [70, 50, 20])  # 3 in 90 days but none in the last 14
    episodes_ago(world, world.south_child, [30, 20, 1])  # not a Northmoor child
    client.force_login(world.users.coordinator)
    response = client.get(URL)
    repeat = response.context["repeat_children"]
    assert names(repeat) == ["Newest Repeat", "Jordan Example"]
    assert [child.episodes_in_window for child in repeat] == [4, 3]
    assert repeat[1].latest_episode == world.child.episodes.order_by("-last_seen_at").first()
    html = response.content.decode()
    assert "Children newly over the repeat missing threshold (2)" in html
    for absent in ("Edge Window", "Stale Repeat", "Riley Sample", "Casey Outside"):
        assert absent not in html


def test_repeat_threshold_follows_the_settings(world, settings):
    settings.HOMEWARD_REPEAT_MISSING_COUNT = 2
    episodes_ago(world, world.placed_child, [20, 2])
    result = children_newly_over_repeat_threshold(world.users.coordinator, timezone.now())
    assert names(result) == ["Riley Sample"]
    settings.HOMEWARD_REPEAT_MISSING_RECENT_DAYS = 1
    assert children_newly_over_repeat_threshold(world.users.coordinator, timezone.now()) == []


def test_repeat_count_uses_only_episodes_the_user_may_see(world):
    """Police count the episodes their own force holds: two of Riley's three are in another force."""
    episodes_ago(world, world.placed_child, [30])
    for days in (20, 2):
        returned_episode(
            world.placed_child,
            world.police_south,
            world.users.police_south,
            last_seen_ago=dt.timedelta(days=days),
            away_for=dt.timedelta(hours=2),
        )
    assert names(children_newly_over_repeat_threshold(world.users.coordinator, timezone.now())) == ["Riley Sample"]
    assert children_newly_over_repeat_threshold(world.users.police, timezone.now()) == []


def test_police_see_their_force_episodes_and_no_interviews(client, world):
    mine = open_episode_for(world, world.child, ago=dt.timedelta(hours=3))
    open_episode_for(world, world.placed_child, ago=dt.timedelta(hours=4), force=world.police_south)
    InterviewFactory(child=world.child, provider=world.provider)
    client.force_login(world.users.police)
    response = client.get(URL)
    assert [row["episode"] for row in response.context["open_episodes"]] == [mine]
    html = response.content.decode()
    assert "Open missing episodes (1)" in html
    assert "Return interviews due and overdue" not in html
    assert "Riley Sample" not in html


def test_practitioner_sees_only_their_assigned_interviews(client, world):
    now = timezone.now()
    mine = InterviewFactory(
        child=world.child, provider=world.provider, assigned_to=world.users.practitioner, due_by=now
    )
    accepted = InterviewFactory(
        child=world.placed_child,
        provider=world.provider,
        assigned_to=world.users.practitioner,
        offered_at=now - dt.timedelta(hours=3),
        offered_by="Me",
        outcome=Outcome.ACCEPTED,
    )
    InterviewFactory(child=world.south_child, provider=world.provider, assigned_to=world.users.other_practitioner)
    InterviewFactory(child=world.placed_child, provider=world.provider)
    client.force_login(world.users.practitioner)
    response = client.get(URL)
    assert [row["interview"] for row in response.context["due_interviews"]] == [mine]
    assert [row["interview"] for row in response.context["in_progress_interviews"]] == [accepted]
    html = response.content.decode()
    assert "Return interviews due and overdue (1)" in html
    assert "Interviews offered or accepted, not yet finished (1)" in html
    assert "Open missing episodes" not in html
    assert "Casey Outside" not in html


@pytest.mark.parametrize(
    ("user", "explains"),
    [
        ("school_dsl", "designated safeguarding lead"),
        ("analyst", "aggregate and pseudonymised figures"),
        ("health", "health practitioner"),
        ("admin", "users and reference data"),
    ],
)
def test_roles_without_case_work_get_an_explanation_and_no_case_data(client, world, user, explains):
    open_episode_for(world, world.child, ago=dt.timedelta(hours=3))
    InterviewFactory(child=world.child, provider=world.provider)
    episodes_ago(world, world.placed_child, [30, 20, 2])
    client.force_login(getattr(world.users, user))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert explains in html.replace("&#x27;", "'")
    assert "Open missing episodes" not in html
    for name in ("Jordan Example", "Riley Sample", "Casey Outside"):
        assert name not in html
    assert page_title("My work") in html


def test_my_work_runs_a_fixed_number_of_queries(client, world):
    """No N+1: five times the rows costs no more queries."""

    def make_rows(count: int) -> None:
        for _ in range(count):
            child = ChildFactory(responsible_council=world.north)
            episodes_ago(world, child, [30, 20])
            open_episode_for(world, child, ago=dt.timedelta(hours=2))
            InterviewFactory(child=child, provider=world.provider, assigned_to=world.users.practitioner)

    client.force_login(world.users.coordinator)
    make_rows(1)
    client.get(URL)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(URL)
    assert len(response.context["repeat_children"]) == 1
    make_rows(4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["repeat_children"]) == 5
    assert len(response.context["open_episodes"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_selectors_start_from_scoping(world):
    """The selectors give an outsider nothing."""
    open_episode_for(world, world.child, ago=dt.timedelta(hours=3))
    InterviewFactory(child=world.child, provider=world.provider)
    episodes_ago(world, world.child, [30, 20])
    now = timezone.now()
    for outsider in (world.users.coordinator_south, world.users.analyst, world.users.admin):
        assert open_episodes_longest_first(outsider) == []
        assert interviews_due_and_overdue(outsider, now) == []
        assert children_newly_over_repeat_threshold(outsider, now) == []
