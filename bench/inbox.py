"""The `inbox` benchmark: My work (the task inbox, core.inbox) for each role at council scale (docs/inbox.md).

`python -m bench --only inbox [--children 20000]` uses the children already in the database when there are at
least --children of them (a data set made by `generate_synthetic`), else generates them and raises their recent
alerts. In the busiest council it then opens My work as the coordinator (page 1, page 5 and the team view), a
team manager (their own and the team view), the synthetic social worker with the most children allocated, a
police officer of the council's force and the synthetic return interview practitioner with the most interviews
assigned. For each page: the queries it runs (deterministic), its size, and its server time through the view
(one run to warm up, then RUNS runs: the median, the fastest, and the median CPU time of this process), each also
as a ratio to a trivial page of the same shell (the CSRF failure page) measured in the same run, with the load
average before and after (the machine may be shared: compare ratios, not seconds). Everything written is rolled
back unless --keep is given.
"""

import os
import statistics
from collections.abc import Callable
from time import perf_counter, process_time
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.models import Agency, AgencyKind, Role, RoleAssignment, User
from bench.registry import BenchmarkOptions, Rollback, benchmark
from children.models import Child
from core.inbox import MINE, TEAM, inbox_page
from core.views import csrf_failure, my_work
from interviews.models import ReturnInterview
from risk.triggers import raise_recent_alerts
from synthetic.generator import generate

RUNS = 15

Page = Callable[[], HttpResponse]


def _measure(page: Page, status: int = 200) -> dict[str, float | int]:
    """Queries, bytes and server time of one page: the median and the fastest of RUNS runs (on a shared machine
    the fastest is the least disturbed by the neighbours), and the median CPU time of this process (Python's
    share; the database's own work runs in its server and is not in it)."""
    with CaptureQueriesContext(connection) as queries:
        response = page()  # also the warm-up run
    assert response.status_code == status, response.status_code
    timings, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = perf_counter(), process_time()
        page()
        timings.append(perf_counter() - started)
        cpu.append(process_time() - started_cpu)
    return {
        "queries": len(queries),
        "bytes": len(response.content),
        "seconds": round(statistics.median(timings), 4),
        "fastest_seconds": round(min(timings), 4),
        "cpu_seconds": round(statistics.median(cpu), 4),
    }


def _user(name: str, agency: Agency, role: str) -> User:
    made = User.objects.create(username=f"bench.inbox.{name}", agency=agency)
    RoleAssignment.objects.create(user=made, role=role)
    return made


def _busiest(users, related: str, condition: Q) -> User | None:
    """The user (of `users`) with the most rows of `related` meeting `condition`."""
    return users.annotate(n=Count(related, filter=condition)).order_by("-n", "pk").first()


def _page(who: User, path: str, view: Callable[..., HttpResponse] = my_work) -> Page:
    """The page as a request sees it: the user loaded afresh each time (nothing cached from an earlier run)."""

    def run() -> HttpResponse:
        request = RequestFactory().get(path)
        request.user = User.objects.select_related("agency").get(pk=who.pk)
        return view(request)

    return run


def _load() -> list[float]:
    return [round(figure, 2) for figure in os.getloadavg()]


@benchmark("inbox")
def inbox_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """My work for each role of the busiest council (coordinator, manager, social worker, police, practitioner)
    against a trivial page of the same shell in the same run: queries, size and server time."""
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            existing = Child.objects.count()
            if existing < options.children:
                options.report(f"  inbox: generating {options.children:,} children")
                generate(options.children, options.seed)
                raise_recent_alerts()
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
            else:
                options.report(f"  inbox: using the {existing:,} children in the database")
            busiest = Child.objects.values("responsible_council").annotate(n=Count("episodes")).order_by("-n")[0]
            council = Agency.objects.get(pk=busiest["responsible_council"])
            coordinator = _user("coordinator", council, Role.COORDINATOR)
            manager = _user("manager", council, Role.TEAM_MANAGER)
            force = council.police_force or Agency.objects.filter(kind=AgencyKind.POLICE).order_by("pk").first()
            assert force is not None  # the generator makes the forces before the councils
            officer = _user("officer", force, Role.POLICE)
            social_worker = _busiest(
                User.objects.filter(agency=council, role_assignments__role=Role.SOCIAL_WORKER),
                "allocated_children",
                Q(allocated_children__responsible_council=council),
            ) or _user("social_worker", council, Role.SOCIAL_WORKER)
            practitioner = _busiest(
                User.objects.filter(role_assignments__role=Role.RHI_PRACTITIONER, is_active=True),
                "assigned_interviews",
                Q(assigned_interviews__completed_at__isnull=True),
            )
            if practitioner is None:
                provider = Agency.objects.filter(kind=AgencyKind.RHI_PROVIDER).order_by("pk").first() or council
                practitioner = _user("practitioner", provider, Role.RHI_PRACTITIONER)
                waiting = ReturnInterview.objects.awaiting_offer().filter(child__responsible_council=council)
                ReturnInterview.objects.filter(pk__in=waiting.values("pk")[:200]).update(assigned_to=practitioner)
            pages: dict[str, Page] = {
                "trivial_page": _page(coordinator, "/", csrf_failure),
                "coordinator_my_work": _page(coordinator, "/"),
                "coordinator_my_work_page_5": _page(coordinator, "/?page=5"),
                "coordinator_team_view": _page(coordinator, "/?view=team"),
                "manager_my_work": _page(manager, "/"),
                "manager_team_view": _page(manager, "/?view=team"),
                "social_worker_my_work": _page(social_worker, "/"),
                "police_my_work": _page(officer, "/"),
                "practitioner_my_work": _page(practitioner, "/"),
            }
            load_before = _load()
            measured = {name: _measure(run, 403 if name == "trivial_page" else 200) for name, run in pages.items()}
            load_after = _load()
            now = timezone.now()
            result = {
                "children": Child.objects.count(),
                "seed": options.seed,
                "council": council.name,
                "coordinator_tasks": inbox_page(coordinator, now, scope=MINE).total,
                "team_tasks": inbox_page(manager, now, scope=TEAM).total,
                "social_worker_tasks": inbox_page(social_worker, now, scope=MINE).total,
                "police_tasks": inbox_page(officer, now, scope=MINE).total,
                "practitioner_tasks": inbox_page(practitioner, now, scope=MINE).total,
                "runs_per_timing": RUNS,
                "load_average_before": load_before,
                "load_average_after": load_after,
                **{f"{name}_{key}": value for name, figures in measured.items() for key, value in figures.items()},
                **{
                    f"{name}_{kind}ratio_to_trivial": round(
                        measured[name][f"{kind}seconds"] / (measured["trivial_page"][f"{kind}seconds"] or 1e-9), 1
                    )
                    for name in pages
                    if name != "trivial_page"
                    for kind in ("", "fastest_", "cpu_")
                },
            }
            if not options.keep:
                raise Rollback
    except Rollback:
        pass
    return {**result, "kept": options.keep}
