"""My work (core:my-work) as a task inbox: every app's tasks for the user merged soonest due first, paged, with
counts per kind; the team view for coordinators and managers; the roles with no tasks get an explanation."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access.models import Role
from core.inbox import MINE, TEAM, TaskCount, inbox_page
from episodes.work import (
    children_newly_over_repeat_threshold,
    count_and_fetch_repeat,
    count_repeat,
    fetch_repeat,
)
from interviews.codes import Outcome
from risk.codes import AlertKind
from risk.models import Alert
from tests.factories import ChildFactory, EpisodeFactory, InterviewFactory, UserFactory
from tests.web.conftest import returned_episode
from tests.web.helpers import assert_redirects_to_sign_in, page_title

URL = reverse("core:my-work")


def open_episode_for(world, child, *, ago: dt.timedelta, force=None, **extra):
    return EpisodeFactory(
        child=child,
        police_force=force or world.police_north,
        created_by=world.users.police,
        last_seen_at=timezone.now() - ago,
        **extra,
    )


def episodes_ago(world, child, days_ago: list[int]):
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


def alert_for(child, *, role=Role.COORDINATOR, hours_ago=1, key="test"):
    return Alert.objects.create(
        child=child,
        kind=AlertKind.HIGH_RISK,
        dedupe_key=key,
        detail="Graded high",
        raised_at=timezone.now() - dt.timedelta(hours=hours_ago),
        for_role=role,
    )


def tasks(user, scope=MINE, **kwargs):
    return inbox_page(user, timezone.now(), scope=scope, **kwargs).tasks


def test_anonymous_user_is_sent_to_sign_in(client, world):
    assert_redirects_to_sign_in(client.get(URL), URL)


def test_tasks_from_every_app_merged_soonest_due_first(client, world):
    now = timezone.now()
    overdue = InterviewFactory(child=world.child, provider=world.provider, due_by=now - dt.timedelta(hours=5))
    due = InterviewFactory(child=world.placed_child, provider=world.provider, due_by=now + dt.timedelta(hours=20))
    alert = alert_for(world.child, hours_ago=30)  # due to be decided 24 hours after it was raised: overdue
    missing = open_episode_for(world, world.placed_child, ago=dt.timedelta(hours=3))
    InterviewFactory(child=world.south_child, due_by=now - dt.timedelta(hours=9))  # another council's
    client.force_login(world.users.coordinator)
    response = client.get(URL)
    inbox = response.context["inbox"]
    assert [task.reference for task in inbox.tasks] == [
        f"alert:{alert.pk}",  # due 6 hours ago
        f"return-interview:{overdue.pk}",  # due 5 hours ago
        f"return-interview:{due.pk}",
        f"episode:{missing.pk}",  # due at the first escalation, 21 hours from now
    ]
    assert [task.overdue for task in inbox.tasks] == [True, True, False, False]
    counts = {source.name: (count.total, count.overdue) for source, count in inbox.counts}
    assert counts["interview_offer"] == (2, 1) and counts["alert"] == (1, 1) and counts["missing_now"] == (1, 0)
    assert (inbox.total, inbox.overdue) == (4, 2)
    html = response.content.decode()
    assert "Summary: 4 tasks, 2 overdue" in html
    assert "Casey Outside" not in html
    assert reverse("interviews:assign", args=[overdue.pk]) in html  # the coordinator may hand it on
    assert reverse("risk:assign", args=[alert.pk]) in html


def test_the_practitioners_rows_open_the_interview_itself(client, world):
    mine = InterviewFactory(child=world.child, provider=world.provider, assigned_to=world.users.practitioner)
    accepted = InterviewFactory(
        child=world.placed_child,
        provider=world.provider,
        assigned_to=world.users.practitioner,
        offered_at=timezone.now() - dt.timedelta(hours=2),
        outcome=Outcome.ACCEPTED,
    )
    InterviewFactory(child=world.placed_child, provider=world.provider, assigned_to=world.users.other_practitioner)
    client.force_login(world.users.practitioner)
    response = client.get(URL)
    rows = response.context["inbox"].tasks
    assert [task.link for task in rows] == [
        reverse("interviews:detail", args=[mine.pk]),
        reverse("interviews:detail", args=[accepted.pk]),
    ]
    assert rows[1].title == "Write up the return interview"
    assert not any(task.reassign_link for task in rows)
    assert reverse("children:detail", args=[world.child.pk]) not in response.content.decode()
    assert not response.context["can_see_team"]


def test_alerts_are_mine_when_for_my_role_or_handed_to_me(world):
    coordinators = alert_for(world.child, key="a")
    managers = alert_for(world.child, role=Role.TEAM_MANAGER, key="b")
    handed = alert_for(world.child, key="c")
    handed.assigned_to = world.users.social_worker
    handed.save()
    assert [t.reference for t in tasks(world.users.coordinator)] == [f"alert:{coordinators.pk}"]
    assert [t.reference for t in tasks(world.users.manager)] == [f"alert:{managers.pk}"]
    assert [t.reference for t in tasks(world.users.social_worker)] == [f"alert:{handed.pk}"]
    team = {t.reference for t in tasks(world.users.manager, TEAM)}
    assert team == {f"alert:{a.pk}" for a in (coordinators, managers, handed)}
    for outsider in (world.users.coordinator_south, world.users.police_south, world.users.analyst):
        assert tasks(outsider) == []


def test_the_team_view_is_for_coordinators_and_managers(client, world):
    sw = world.users.social_worker
    theirs = InterviewFactory(child=ChildFactory(responsible_council=world.north, social_worker=sw))
    assigned = InterviewFactory(child=world.child, provider=world.provider, assigned_to=world.users.practitioner)
    assert [t.reference for t in tasks(sw)] == [f"return-interview:{theirs.pk}"]
    # The coordinator's own are those nobody has yet; the team view shows every one.
    assert {t.reference for t in tasks(world.users.coordinator)} == {f"return-interview:{theirs.pk}"}
    team = {t.reference for t in tasks(world.users.coordinator, TEAM)}
    assert team == {f"return-interview:{theirs.pk}", f"return-interview:{assigned.pk}"}
    client.force_login(world.users.manager)
    response = client.get(URL, {"view": "team"})
    assert response.context["scope"] == TEAM
    assert "My team's work" in response.content.decode()
    client.force_login(sw)
    assert client.get(URL, {"view": "team"}).context["scope"] == MINE  # not offered: their own work


def test_paged_with_counts_and_a_kind_filter(client, world, settings):
    settings.HOMEWARD_INBOX_PAGE_SIZE = 2
    now = timezone.now()
    interviews = [
        InterviewFactory(child=world.child, provider=world.provider, due_by=now + dt.timedelta(hours=h))
        for h in (1, 2, 3, 4, 5)
    ]
    alert_for(world.child, hours_ago=2)
    client.force_login(world.users.coordinator)
    page2 = client.get(URL, {"page": "2"}).context["inbox"]
    assert (page2.page, page2.pages, page2.total) == (2, 3, 6)
    assert [t.reference for t in page2.tasks] == [f"return-interview:{i.pk}" for i in interviews[2:4]]
    last = client.get(URL, {"page": "99"}).context["inbox"]
    assert last.page == 3 and len(last.tasks) == 2
    only = client.get(URL, {"kind": "interview_offer", "page": "3"})
    assert [t.reference for t in only.context["inbox"].tasks] == [f"return-interview:{interviews[4].pk}"]
    assert client.get(URL, {"kind": "nonsense"}).context["kind"] == ""


def test_repeat_missing_children_and_missing_now(world, settings):
    episodes_ago(world, world.child, [60, 30, 2])
    episodes_ago(world, world.placed_child, [80, 70, 60])  # over the threshold, but not recently
    repeat = children_newly_over_repeat_threshold(world.users.coordinator, timezone.now())
    assert [c.full_name for c in repeat] == ["Jordan Example"]
    assert [c.episodes_in_window for c in repeat] == [3]
    open_episode_for(world, world.child, ago=dt.timedelta(hours=30))
    refs = [t.kind for t in tasks(world.users.coordinator)]
    assert refs == ["missing_now", "repeat_missing"]  # an overdue escalation first, the undated last
    police = [t.kind for t in tasks(world.users.police)]
    assert police == ["missing_now"]
    assert tasks(world.users.police_south) == []


def test_the_repeat_missing_children_are_counted_and_listed_by_one_query(world):
    """Their per-child counts are the costly part: My work runs them once (a window count with the first rows),
    with the same count and rows as counting and fetching apart, on every page, past the last too."""
    for child in (world.child, world.placed_child, ChildFactory(responsible_council=world.north)):
        episodes_ago(world, child, [30, 20, 2])
    coordinator, now = world.users.coordinator, timezone.now()
    count, rows = count_and_fetch_repeat(coordinator, now, MINE, 2)
    assert count == count_repeat(coordinator, now, MINE) == TaskCount(3, 0)
    assert rows == fetch_repeat(coordinator, now, MINE, 2) and len(rows) == 2
    every = fetch_repeat(coordinator, now, MINE, 3)
    for page, shown in ((1, every[:2]), (2, every[2:]), (99, every[2:])):
        with CaptureQueriesContext(connection) as queries:
            inbox = inbox_page(coordinator, now, kind="repeat_missing", page=page, size=2)
        assert (inbox.total, inbox.tasks) == (3, shown), page
        per_child = [q for q in queries.captured_queries if "episodes_in_window" in q["sql"]]
        assert len(per_child) == 1, page


@pytest.mark.parametrize(
    ("user", "explains"),
    [
        ("analyst", "aggregate and pseudonymised figures"),
        ("admin", "users and reference data"),
    ],
)
def test_roles_without_tasks_get_an_explanation_and_no_case_data(client, world, user, explains):
    open_episode_for(world, world.child, ago=dt.timedelta(hours=3))
    InterviewFactory(child=world.child, provider=world.provider)
    client.force_login(getattr(world.users, user))
    html = client.get(URL).content.decode()
    assert explains in html.replace("&#x27;", "'")
    for name in ("Jordan Example", "Riley Sample", "Casey Outside"):
        assert name not in html
    assert page_title("My work") in html


def test_a_user_with_no_role_is_told_to_ask_for_one(client, world):
    client.force_login(UserFactory(username="nobody", agency=world.north, roles=[]))
    assert "Ask your administrator" in client.get(URL).content.decode()


def test_my_work_runs_a_fixed_number_of_queries(client, world):
    """No N+1: five times the rows costs no more queries."""

    def make_rows(count: int) -> None:
        for number in range(count):
            child = ChildFactory(responsible_council=world.north)
            episodes_ago(world, child, [30, 20])
            open_episode_for(world, child, ago=dt.timedelta(hours=2))
            InterviewFactory(child=child, provider=world.provider)
            alert_for(child, key=f"k{number}")

    client.force_login(world.users.coordinator)
    make_rows(1)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    make_rows(4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.context["inbox"].total == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def long_overdue_interview(world, child, *, days: int):
    """An offer never made, due `days` ago, covering a real return (so it can be closed as not offered)."""
    episode = returned_episode(
        child,
        world.police_north,
        world.users.police,
        last_seen_ago=dt.timedelta(days=days + 4),
        away_for=dt.timedelta(hours=5),
    )
    return InterviewFactory(
        child=child, provider=world.provider, due_by=timezone.now() - dt.timedelta(days=days), covering=[episode]
    )


def test_what_can_still_be_done_comes_first_and_long_overdue_offers_are_set_apart(client, world, settings):
    """Issue 15: an interview due a year ago no longer heads My work as "overdue by 370 days"; it is counted and
    listed apart, longest overdue first, with a link that closes it as not offered, and never crowds a doable
    task off the page however many there are."""
    settings.HOMEWARD_INBOX_PAGE_SIZE = 2
    settings.HOMEWARD_LONG_OVERDUE_DAYS = 28
    now = timezone.now()
    year = long_overdue_interview(world, world.child, days=370)
    month = long_overdue_interview(world, world.placed_child, days=29)
    forty = long_overdue_interview(world, world.child, days=40)
    recent = InterviewFactory(child=world.child, provider=world.provider, due_by=now - dt.timedelta(days=27))
    soon = InterviewFactory(child=world.placed_child, provider=world.provider, due_by=now + dt.timedelta(hours=5))
    alert = alert_for(world.child, hours_ago=2)
    client.force_login(world.users.coordinator)
    response = client.get(URL)
    inbox = response.context["inbox"]
    # What can still be done, overdue (within the 28 days) and soonest due first, on the pages...
    assert [t.reference for t in inbox.tasks] == [f"return-interview:{recent.pk}", f"return-interview:{soon.pk}"]
    assert (inbox.total, inbox.overdue, inbox.pages) == (3, 1, 2)
    assert client.get(URL, {"page": "2"}).context["inbox"].tasks[0].reference == f"alert:{alert.pk}"
    # ... and the three too late to do apart: counted, the first page-size of them listed, longest overdue first.
    counts = {source.name: count for source, count in inbox.counts}
    assert (counts["interview_offer"].total, counts["interview_offer"].long_overdue) == (2, 3)
    assert inbox.long_overdue_total == 3
    # No more than a page of them, longest overdue first.
    assert [t.reference for t in inbox.long_overdue] == [f"return-interview:{year.pk}", f"return-interview:{forty.pk}"]
    close = reverse("interviews:offer", args=[year.pk]) + "?outcome=not_offered"
    assert inbox.long_overdue[0].close_link == close
    html = response.content.decode()
    assert "Summary: 3 tasks, 1 overdue; 3 too late, to close" in html
    assert html.index('id="tasks"') < html.index('id="long-overdue"')  # lower on the page
    assert "Too late to do: close with a reason (3)" in html
    assert close.replace("&", "&amp;") in html or close in html
    assert "Showing the 2 longest overdue; the data quality page lists them all." in html
    # The threshold is a setting: at 400 days nothing is long overdue, and the year-old offer heads the list.
    settings.HOMEWARD_LONG_OVERDUE_DAYS = 400
    assert tasks(world.users.coordinator)[0].reference == f"return-interview:{year.pk}"
    settings.HOMEWARD_LONG_OVERDUE_DAYS = 28
    # The manager's team view sets them apart the same way; a manager may not close them (no link).
    client.force_login(world.users.manager)
    team = client.get(URL, {"view": "team"}).context["inbox"]
    assert team.long_overdue_total == 3 and f"return-interview:{month.pk}" in {
        t.reference for t in inbox_page(world.users.manager, now, scope=TEAM, size=5).long_overdue
    }
    assert all(not t.close_link for t in team.long_overdue)


def test_a_long_overdue_offer_is_closed_as_not_offered_with_a_reason(client, world):
    late = long_overdue_interview(world, world.child, days=370)
    client.force_login(world.users.coordinator)
    link = inbox_page(world.users.coordinator, timezone.now()).long_overdue[0].close_link
    page = client.get(link)
    assert page.status_code == 200
    assert page.context["form"]["outcome"].value() == Outcome.NOT_OFFERED
    assert "Close the return interview as not offered" in page.content.decode()
    # The reason is required: the error names the field, and nothing is written.
    refused = client.post(link, {"version": late.version, "outcome": Outcome.NOT_OFFERED, "not_offered_reason": ""})
    assert "not_offered_reason" in refused.context["form"].errors
    late.refresh_from_db()
    assert late.outcome == ""
    done = client.post(
        link, {"version": late.version, "outcome": Outcome.NOT_OFFERED, "not_offered_reason": "Too late to offer"}
    )
    assert done.status_code == 302
    late.refresh_from_db()
    assert (late.outcome, late.not_offered_reason) == (Outcome.NOT_OFFERED, "Too late to offer")
    after = inbox_page(world.users.coordinator, timezone.now())
    assert after.long_overdue_total == 0 and not after.long_overdue
    # An outsider (another council's coordinator) cannot open the page at all.
    client.force_login(world.users.coordinator_south)
    assert client.get(link).status_code == 404


def test_long_overdue_offers_cost_one_query_however_many(client, world):
    client.force_login(world.users.coordinator)
    long_overdue_interview(world, world.child, days=100)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for days in range(40, 50):
        long_overdue_interview(world, ChildFactory(responsible_council=world.north), days=days)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.context["inbox"].long_overdue_total == 11
    assert len(many.captured_queries) == len(few.captured_queries)
