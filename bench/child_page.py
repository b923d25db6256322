"""The `child_page` benchmark: the child record page (children.views.detail) at council scale (docs/performance.md).

`python -m bench --only child_page [--children 20000]` uses the children already in the database when there are at
least --children of them (a data set made by `generate_synthetic`, as `make load` does), else generates them. It
then opens the record of the busiest council's child with the most episodes (with two meetings about the child and
open actions added, so every section has something to show) as the council's coordinator, as a police officer of
the force that holds most of the child's episodes, and as a coordinator of another council (who gets a 404); the
record of the council's child with the fewest episodes (no meeting); and My work for the coordinator and a social
worker. For each: the queries the page runs (deterministic), its size, and its server time through the view (one
run to warm up, then RUNS runs: the median, the fastest, and the median CPU time of this process), each also as a
ratio to a trivial page of the same shell (the CSRF failure page) measured in the same run. Everything written is
rolled back unless --keep is given.
"""

import statistics
from collections.abc import Callable
from datetime import timedelta
from time import perf_counter, process_time
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.models import Agency, AgencyKind, Role, RoleAssignment, User
from bench.registry import BenchmarkOptions, Rollback, benchmark
from children.models import Child
from children.views import detail
from core.views import csrf_failure, my_work
from meetings.models import Meeting, MeetingAction, MeetingChild
from risk.triggers import raise_recent_alerts
from synthetic.generator import generate

RUNS = 15

Page = Callable[[], HttpResponse]


def _request(user: User, path: str):
    request = RequestFactory().get(path)
    request.user = user
    return request


def _measure(page: Page) -> dict[str, float | int]:
    """Queries, bytes and server time of one page: the median and the fastest of RUNS runs (on a shared machine the
    fastest is the least disturbed by the neighbours), and the median CPU time of this process (Python's share:
    the ORM, the templates; the database's own work runs in its server and is not in it)."""
    with CaptureQueriesContext(connection) as queries:
        response = page()  # also the warm-up run
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


def _not_found(page: Page) -> Page:
    def run() -> HttpResponse:
        try:
            return page()
        except Http404:
            return HttpResponse(b"", status=404)

    return run


def _user(name: str, agency: Agency, role: str) -> User:
    made = User.objects.create(username=f"bench.child_page.{name}", agency=agency)
    RoleAssignment.objects.create(user=made, role=role)
    return made


def _fresh(user: User) -> Callable[[], User]:
    """The user as a request sees them: loaded afresh (nothing cached on the object from an earlier request)."""
    return lambda: User.objects.select_related("agency").get(pk=user.pk)


def _add_meetings(child: Child, coordinator: User, owner: User) -> None:
    """Two meetings about the child (one held, one to come) with decisions and open actions."""
    now = timezone.now()
    assert owner.agency_id is not None  # made with an agency by _user
    for days, kind in ((-20, "strategy_discussion"), (5, "missing_review")):
        meeting = Meeting.objects.create(
            kind=kind,
            council_id=child.responsible_council_id,
            held_at=now + timedelta(days=days),
            place="Civic Centre",
            chair=coordinator,
            created_by=coordinator,
        )
        MeetingChild.objects.create(meeting=meeting, child=child, decisions="Keep the plan under review")
        for number in range(2):
            MeetingAction.objects.create(
                meeting=meeting,
                child=child,
                what=f"Follow-up {number + 1}",
                owner=owner,
                owner_agency_id=owner.agency_id,
                due_on=timezone.localdate(now) + timedelta(days=days + 7),
                created_by=coordinator,
            )


@benchmark("child_page")
def child_page_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """The child record page (and My work) at council scale: queries per page and server time as a ratio to a
    trivial page of the same shell in the same run."""
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            existing = Child.objects.count()
            if existing < options.children:
                options.report(f"  child_page: generating {options.children:,} children")
                generate(options.children, options.seed)
                raise_recent_alerts()
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
            else:
                options.report(f"  child_page: using the {existing:,} children in the database")
            busiest = Child.objects.values("responsible_council").annotate(n=Count("episodes")).order_by("-n")[0]
            council = Agency.objects.get(pk=busiest["responsible_council"])
            child = (
                Child.objects.filter(responsible_council=council, merged_into__isnull=True)
                .annotate(n=Count("episodes"))
                .order_by("-n", "pk")[0]
            )
            force_id = child.episodes.values("police_force").annotate(n=Count("pk")).order_by("-n")[0]["police_force"]
            other_council = Agency.objects.filter(kind=AgencyKind.COUNCIL).exclude(pk=council.pk).order_by("pk")[0]
            quiet = (
                Child.objects.filter(responsible_council=council, merged_into__isnull=True)
                .annotate(n=Count("episodes"))
                .order_by("n", "pk")[0]
            )
            coordinator = _user("coordinator", council, Role.COORDINATOR)
            assert force_id is not None  # every episode is held by a force
            officer = _user("officer", Agency.objects.get(pk=force_id), Role.POLICE)
            outsider = _user("outsider", other_council, Role.COORDINATOR)
            social_worker = _user("social_worker", council, Role.SOCIAL_WORKER)
            _add_meetings(child, coordinator, social_worker)

            def page(view: Callable[..., HttpResponse], who: User, path: str, *args: Any) -> Page:
                load = _fresh(who)
                return lambda: view(_request(load(), path), *args)

            pages: dict[str, Page] = {
                "trivial_page": page(csrf_failure, coordinator, "/"),
                "child_page_coordinator": page(detail, coordinator, f"/children/{child.pk}/", child.pk),
                "child_page_police": page(detail, officer, f"/children/{child.pk}/", child.pk),
                "child_page_quiet_child": page(detail, coordinator, f"/children/{quiet.pk}/", quiet.pk),
                "child_page_outsider_404": _not_found(page(detail, outsider, f"/children/{child.pk}/", child.pk)),
                "my_work_coordinator": page(my_work, coordinator, "/"),
                "my_work_social_worker": page(my_work, social_worker, "/"),
            }
            measured = {name: _measure(run) for name, run in pages.items()}
            result = {
                "children": Child.objects.count(),
                "seed": options.seed,
                "council": council.name,
                "child_episodes": child.episodes.count(),
                "child_interviews": child.return_interviews.count(),
                "quiet_child_episodes": quiet.episodes.count(),
                "runs_per_timing": RUNS,
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
