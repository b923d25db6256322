"""Named benchmarks for `manage.py run_benchmarks`: each one measures something and returns a JSON-able dict.

Add a benchmark by decorating a function with `@benchmark("name")` in any app's `benchmarks.py`
(the command imports them all); it receives the command's
`BenchmarkOptions` and returns its results (the command adds the database, date and versions).
A benchmark that writes data must leave none behind unless `options.keep` is set.
"""

import platform
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

import django
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from children.models import Child
from synthetic.generator import generate


@dataclass(frozen=True)
class BenchmarkOptions:
    children: int = 20_000
    seed: int = 2026
    keep: bool = False  # commit what a benchmark writes instead of rolling it back
    report: Callable[[str], None] = print  # progress messages for the person running it


BenchmarkFunction = Callable[[BenchmarkOptions], dict[str, Any]]
BENCHMARKS: dict[str, BenchmarkFunction] = {}


def benchmark(name: str) -> Callable[[BenchmarkFunction], BenchmarkFunction]:
    def register(function: BenchmarkFunction) -> BenchmarkFunction:
        if name in BENCHMARKS:
            raise ValueError(f"A benchmark named {name!r} is already registered")
        BENCHMARKS[name] = function
        return function

    return register


def environment() -> dict[str, Any]:
    """Where a result was measured: kept with every result so figures are compared like for like."""
    return {
        "database_vendor": connection.vendor,
        "database_version": ".".join(str(part) for part in connection.get_database_version()),
        "date": timezone.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": platform.machine(),
    }


def run(name: str, options: BenchmarkOptions) -> dict[str, Any]:
    if name not in BENCHMARKS:
        raise KeyError(name)
    return {"benchmark": name, **BENCHMARKS[name](options), **environment()}


class _Rollback(Exception):
    pass


@benchmark("generate")
def generate_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """Synthetic data generation into the configured database, rolled back afterwards by default."""
    existing = Child.objects.count()
    if existing:
        options.report(
            f"Note: the database already holds {existing:,} children; the benchmark adds to them "
            f"{'and keeps the result' if options.keep else 'inside a transaction it rolls back'}."
        )

    def progress(done: int, wanted: int) -> None:
        if done == wanted or done % 20_000 == 0:
            options.report(f"  generate: {done:,} of {wanted:,} children")

    try:
        with transaction.atomic():
            report = generate(options.children, options.seed, progress=progress)
            if not options.keep:
                raise _Rollback
    except _Rollback:
        pass
    return {**report.as_dict(), "existing_children": existing, "kept": options.keep}


# --- My work (the task inbox) ------------------------------------------------------------------------------

INBOX_RUNS = 7


def _timed_page(view: Callable, user: Any, path: str) -> tuple[float, int]:
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    request.user = user
    started = perf_counter()
    response = view(request)
    elapsed = perf_counter() - started
    assert response.status_code in (200, 403), response.status_code
    return elapsed, len(response.content)


def _median_page(view: Callable, user: Any, path: str) -> tuple[float, int]:
    _timed_page(view, user, path)  # warm up
    timings = [_timed_page(view, user, path) for _ in range(INBOX_RUNS)]
    return round(statistics.median(t for t, _ in timings), 4), timings[-1][1]


@benchmark("inbox")
def inbox_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """My work (the task inbox) for the busiest council's coordinator, manager (team view) and practitioner,
    against a trivial page of the same shell (the CSRF failure page) in the same run: server time and size."""
    from access.models import Agency, Role, RoleAssignment, User
    from core.inbox import MINE, TEAM, inbox_page
    from core.views import csrf_failure, my_work
    from interviews.models import ReturnInterview
    from risk.triggers import raise_recent_alerts

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

            def user(name: str, agency: Any, role: str) -> Any:
                made = User.objects.create(username=f"bench.inbox.{name}", agency=agency)
                RoleAssignment.objects.create(user=made, role=role)
                return User.objects.select_related("agency").get(pk=made.pk)

            coordinator = user("coordinator", council, Role.COORDINATOR)
            manager = user("manager", council, Role.TEAM_MANAGER)
            provider = council.local_agencies.filter(kind="rhi_provider").first() or council
            practitioner = user("practitioner", provider, Role.RHI_PRACTITIONER)
            waiting = ReturnInterview.objects.awaiting_offer().filter(child__responsible_council=council)
            ReturnInterview.objects.filter(pk__in=waiting.values("pk")[:200]).update(assigned_to=practitioner)
            now = timezone.now()
            pages = {
                "trivial_page": (csrf_failure, coordinator, "/"),
                "coordinator_my_work": (my_work, coordinator, "/"),
                "coordinator_my_work_page_5": (my_work, coordinator, "/?page=5"),
                "manager_team_view": (my_work, manager, "/?view=team"),
                "practitioner_my_work": (my_work, practitioner, "/"),
            }
            timings = {}
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
                "runs_per_timing": INBOX_RUNS,
                **timings,
                **{
                    f"{name}_ratio_to_trivial": round(timings[f"{name}_seconds"] / trivial, 2)
                    for name in pages
                    if name != "trivial_page"
                },
            }
            if not options.keep:
                raise _Rollback
    except _Rollback:
        pass
    return {**result, "kept": options.keep}
