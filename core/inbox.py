"""The task inbox's registry: each app registers the tasks it hands people (interviews to offer or write up, alerts
to decide, shares to acknowledge, meeting actions...) from its `AppConfig.ready`, so My work (core.views) knows no
domain app and a new app adds its own kind of task without editing this module or the page.

A source answers two questions for a user, for either their own work (`MINE`) or their team's (`TEAM`, for the
managers and coordinators a source lets see it): how many tasks there are (and how many overdue), counted in the
database; and the first `limit` of them, soonest due first. My work merges the sources' first rows into one page,
so the page costs a fixed number of queries per source however much is waiting (docs/inbox.md).

What can still be done comes first. A source whose tasks can be closed once it is too late for them (a return
interview due more than `HOMEWARD_LONG_OVERDUE_DAYS` ago is closed as not offered, with a reason) gives a
`fetch_long_overdue`: its `count` and `fetch` then leave those tasks out (`TaskCount.long_overdue` counts them),
and My work shows them in a group of their own below the list, each with its `close_link`, so a year of
backlog never pushes today's work off the first page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings

MINE = "mine"
TEAM = "team"
SCOPES = (MINE, TEAM)


@dataclass(frozen=True)
class Task:
    """One thing waiting for someone. `link` opens the record the work is done on (for a return interview
    practitioner, the interview itself); `reassign_link` is the page that hands it to a colleague, when the
    user may."""

    kind: str  # the source's name, such as "interview_offer"
    title: str  # what to do, such as "Offer a return interview"
    subject: str  # whom or what it is about: usually the child's name
    due: datetime | None
    overdue: bool
    link: str
    owner: str = ""  # who holds it now, in words ("Not assigned" when nobody does)
    reassign_link: str = ""
    reference: str = ""  # the record's id for the API, such as "interview:12"
    close_link: str = ""  # for a long-overdue task: the page that closes it (with a reason)
    close_label: str = ""  # that link's words, such as "Close as not offered"


@dataclass(frozen=True)
class TaskCount:
    """`total` and `overdue` count the tasks that can still be done; `long_overdue` the ones past
    `long_overdue_before(now)` that a source with `fetch_long_overdue` sets apart (not in `total`)."""

    total: int
    overdue: int
    long_overdue: int = 0


@dataclass(frozen=True)
class TaskSource:
    """An app's kind of task. `applies(user, scope)` says whether the user has any part in it (no query);
    `count(user, now, scope)` and `fetch(user, now, scope, limit)` run scoped queries (the owning app's
    scoping.py). `fetch` returns at most `limit` tasks, soonest due first, undated last. A source that sets
    `fetch_long_overdue(user, now, scope, limit)` leaves the tasks due before `long_overdue_before(now)` out of
    `count`'s total and of `fetch`, counts them in `TaskCount.long_overdue`, and returns them from this one
    (longest overdue first), each with a `close_link`.

    A source whose count costs as much as its rows (one heavy query, such as the repeat missing children's) may
    also give `count_and_fetch(user, now, scope, limit)`: the count and the first `limit` tasks from one query.
    My work then asks it once instead of `count` and `fetch`, for as many rows as the page asked for needs."""

    name: str
    label: str  # the kind in the summary: "Return interviews to offer"
    applies: Callable[[Any, str], bool]
    count: Callable[[Any, datetime, str], TaskCount]
    fetch: Callable[[Any, datetime, str, int], list[Task]]
    order: int = 100
    fetch_long_overdue: Callable[[Any, datetime, str, int], list[Task]] | None = None
    count_and_fetch: Callable[[Any, datetime, str, int], tuple[TaskCount, list[Task]]] | None = None


def long_overdue_before(now: datetime) -> datetime:
    """Tasks due before this are long overdue (`HOMEWARD_LONG_OVERDUE_DAYS`): too late to do, only to close."""
    return now - timedelta(days=settings.HOMEWARD_LONG_OVERDUE_DAYS)


_sources: dict[str, TaskSource] = {}


def register_task_source(source: TaskSource) -> None:
    """Add an app's kind of task. Registering the same name again replaces it."""
    _sources[source.name] = source


def task_sources(user: Any, scope: str = MINE) -> list[TaskSource]:
    """The sources that give this user tasks in this scope, in order."""
    return [s for s in sorted(_sources.values(), key=lambda s: (s.order, s.name)) if s.applies(user, scope)]


def sees_team_view(user: Any) -> bool:
    """Whether any source offers this user a team view (managers and coordinators)."""
    return bool(task_sources(user, TEAM))


_LAST = datetime.max.replace(tzinfo=UTC)  # undated tasks sort after every dated one
_MOST_PAGES_AHEAD = 1_000  # the most pages' rows a count_and_fetch source is asked for at once


def _sort_key(task: Task) -> tuple:
    return (task.due is None, task.due or _LAST, task.kind, task.reference)


@dataclass(frozen=True)
class InboxPage:
    counts: list[tuple[TaskSource, TaskCount]]
    tasks: list[Task]
    page: int
    pages: int
    total: int
    overdue: int
    long_overdue: list[Task]  # the first of the tasks set apart as long overdue, longest overdue first
    long_overdue_total: int


def inbox_page(user: Any, now: datetime, *, scope: str = MINE, kind: str = "", page: int = 1, size: int = 25):
    """One page of the user's tasks across every source (or the one named `kind`), soonest due first, with each
    source's counts. A page past the last shows the last. Long-overdue tasks (see the module's docstring) are
    not in the pages: the first `size` of them, longest overdue first, come apart in `long_overdue`, fetched
    once whatever the page, from the sources that set them apart."""
    sources = task_sources(user, scope)
    # A source that counts and fetches in one query is asked once, for the rows of the page asked for (capped:
    # a page number past the last is brought back to the last below, and then its rows are fetched if needed).
    asked = min(max(1, page), _MOST_PAGES_AHEAD) * size
    fetched: dict[str, list[Task]] = {}
    counts = []
    for source in sources:
        if source.count_and_fetch is not None:
            count, fetched[source.name] = source.count_and_fetch(user, now, scope, asked)
        else:
            count = source.count(user, now, scope)
        counts.append((source, count))
    chosen = [source for source in sources if not kind or source.name == kind]
    total = sum(count.total for source, count in counts if source in chosen)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    wanted = page * size  # the first `wanted` of the merged list need at most `wanted` rows from each source

    def rows(source: TaskSource, count: TaskCount) -> list[Task]:
        have = fetched.get(source.name)
        if have is not None and len(have) >= min(wanted, count.total):
            return have[:wanted]
        return source.fetch(user, now, scope, wanted)

    # A source with nothing waiting is not asked for rows: its count (just taken, in the same scope) says so.
    merged = sorted(
        (task for source, count in counts if source in chosen and count.total for task in rows(source, count)),
        key=_sort_key,
    )
    long_total = sum(count.long_overdue for source, count in counts if source in chosen)
    long_overdue = sorted(
        (
            task
            for source, count in counts
            if source in chosen and source.fetch_long_overdue is not None and count.long_overdue
            for task in source.fetch_long_overdue(user, now, scope, size)
        ),
        key=_sort_key,
    )[:size]
    return InboxPage(
        counts=counts,
        tasks=merged[(page - 1) * size : wanted],
        page=page,
        pages=pages,
        total=total,
        overdue=sum(count.overdue for source, count in counts if source in chosen),
        long_overdue=long_overdue,
        long_overdue_total=long_total,
    )


# The page My work shows a user with no kind of task: registered by the kernel (access), which knows the roles.
_no_tasks_pages: list[Callable[[Any], dict]] = []


def register_no_tasks_page(context: Callable[[Any], dict]) -> None:
    """`context(user)` gives `role_notes` (what the user's roles can do instead) and `can_find_children`."""
    _no_tasks_pages[:] = [context]


def no_tasks_context(user: Any) -> dict:
    return _no_tasks_pages[0](user) if _no_tasks_pages else {"role_notes": [], "can_find_children": False}
