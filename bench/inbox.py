"""The `inbox` benchmark: My work (the task inbox, core.inbox) on a generated data set (docs/inbox.md).

`python -m bench --only inbox [--children 20000]` generates the children, raises their recent alerts, then times
My work (server time through the view: one run to warm up, then the median of RUNS runs) for the busiest council's
coordinator (page 1 and page 5), a manager's team view and a return interview practitioner, against a trivial page
of the same shell (the CSRF failure page) in the same run, with each page's size. Everything is rolled back unless
--keep is given.
"""

import statistics
from collections.abc import Callable
from time import perf_counter
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from access.models import Agency, AgencyKind, Role, RoleAssignment, User
from bench.registry import BenchmarkOptions, Rollback, benchmark
from children.models import Child
from core.inbox import MINE, TEAM, inbox_page
from core.views import csrf_failure, my_work
from interviews.models import ReturnInterview
from risk.triggers import raise_recent_alerts
from synthetic.generator import generate

RUNS = 7


def _timed_page(view: Callable[..., HttpResponse], user: User, path: str) -> tuple[float, int]:
    request = RequestFactory().get(path)
    request.user = user
    started = perf_counter()
    response = view(request)
    elapsed = perf_counter() - started
    assert response.status_code in (200, 403), response.status_code
    return elapsed, len(response.content)


def _median_page(view: Callable[..., HttpResponse], user: User, path: str) -> tuple[float, int]:
    _timed_page(view, user, path)  # warm up
    timings = [_timed_page(view, user, path) for _ in range(RUNS)]
    return round(statistics.median(t for t, _ in timings), 4), timings[-1][1]


def _user(name: str, agency: Agency, role: str) -> User:
    made = User.objects.create(username=f"bench.inbox.{name}", agency=agency)
    RoleAssignment.objects.create(user=made, role=role)
    return User.objects.select_related("agency").get(pk=made.pk)


@benchmark("inbox")
def inbox_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """My work for the busiest council's coordinator, manager (team view) and practitioner, against a trivial page
    of the same shell in the same run: server time and size."""
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            options.report(f"  inbox: generating {options.children:,} children")
            generate(options.children, options.seed)
            raise_recent_alerts()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            busiest = Child.objects.values("responsible_council").annotate(n=Count("episodes")).order_by("-n")[0]
            council = Agency.objects.get(pk=busiest["responsible_council"])
            coordinator = _user("coordinator", council, Role.COORDINATOR)
            manager = _user("manager", council, Role.TEAM_MANAGER)
            provider = Agency.objects.filter(kind=AgencyKind.RHI_PROVIDER).order_by("pk").first() or council
            practitioner = _user("practitioner", provider, Role.RHI_PRACTITIONER)
            waiting = ReturnInterview.objects.awaiting_offer().filter(child__responsible_council=council)
            ReturnInterview.objects.filter(pk__in=waiting.values("pk")[:200]).update(assigned_to=practitioner)
            now = timezone.now()
            pages: dict[str, tuple[Callable[..., HttpResponse], User, str]] = {
                "trivial_page": (csrf_failure, coordinator, "/"),
                "coordinator_my_work": (my_work, coordinator, "/"),
                "coordinator_my_work_page_5": (my_work, coordinator, "/?page=5"),
                "manager_team_view": (my_work, manager, "/?view=team"),
                "practitioner_my_work": (my_work, practitioner, "/"),
            }
            timings: dict[str, float | int] = {}
            for name, (view, who, path) in pages.items():
                seconds, size = _median_page(view, who, path)
                timings[f"{name}_seconds"] = seconds
                timings[f"{name}_bytes"] = size
            trivial = timings["trivial_page_seconds"] or 1e-9
            result = {
                "children": options.children,
                "seed": options.seed,
                "council": council.name,
                "coordinator_tasks": inbox_page(coordinator, now, scope=MINE).total,
                "team_tasks": inbox_page(manager, now, scope=TEAM).total,
                "runs_per_timing": RUNS,
                **timings,
                **{
                    f"{name}_ratio_to_trivial": round(timings[f"{name}_seconds"] / trivial, 2)
                    for name in pages
                    if name != "trivial_page"
                },
            }
            if not options.keep:
                raise Rollback
    except Rollback:
        pass
    return {**result, "kept": options.keep}
