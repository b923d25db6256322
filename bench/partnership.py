"""The `partnership` benchmark: the cross-border picture and the cross-border alert check at national scale.

`python -m bench --only partnership --children 60000` loads the national-shaped set (`generate_national`:
invented councils and forces, as many as England and Wales's from 52,500 children, ten years of history,
the exploitation clusters planted across each force area's councils, and the noise) inside a transaction it
rolls back, runs ANALYZE, and then measures, warm (one run to warm up, then the median and the fastest of RUNS
runs), each against a reference measured in the same run on the same data (these machines are shared: a ratio
holds where seconds do not):

- the partnership picture (`network.partnership.partnership_picture`) for an officer of each force with a
  planted cluster, against the network ranking of that officer's own scoped links (`build_network` over
  `child_links_for(officer)`: the picture the force had before the register was shared); and whether the
  planted adults rank first in it;
- the cross-border alert check (`network.alerts.cross_border_alerts`) for every child of the planted
  clusters and a sample of children with links, against one indexed lookup of the same child's links,
  with the database queries each check makes (a count, which does not vary from run to run).
"""

import random
import statistics
from collections.abc import Callable
from time import perf_counter
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from access.models import Agency, AgencyKind, Role, RoleAssignment, User
from bench.registry import BenchmarkOptions, Rollback, benchmark
from network.alerts import cross_border_alerts
from network.models import ChildPersonLink, ChildPlaceLink
from network.partnership import partnership_picture
from network.patterns import build_network
from network.scoping import child_links_for, network_episodes_for
from synthetic.national import NATIONAL_COUNCILS, NATIONAL_FORCES, generate_national

RUNS = 5
ALERT_SAMPLE = 200  # children with links, besides the planted clusters' own
CHILDREN_PER_COUNCIL = 300  # fewer children get fewer councils (and forces), up to the national 175 (and 43)


def national_shape(children: int) -> tuple[int, int]:
    """Councils and forces for `children`: England and Wales's at 52,500 children or more."""
    councils = max(2, min(NATIONAL_COUNCILS, children // CHILDREN_PER_COUNCIL))
    return councils, max(1, councils * NATIONAL_FORCES // NATIONAL_COUNCILS)


def _timed(function: Callable[[], Any], runs: int = RUNS) -> tuple[Any, float, float]:
    """Warm up once, then the result, the median and the fastest of `runs` timings (seconds)."""
    result = function()
    timings = []
    for _ in range(runs):
        started = perf_counter()
        result = function()
        timings.append(perf_counter() - started)
    return result, statistics.median(timings), min(timings)


def _officer(force: Agency) -> User:
    user = User.objects.create(username=f"bench.partnership.{force.pk}", agency=force)
    RoleAssignment.objects.create(user=user, role=Role.POLICE)
    return user


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _picture(force: Agency, planted: set[int]) -> dict[str, Any]:
    """The force's picture against its own ranking; `planted`: every planted adult (a group planted next door
    is in this force's picture too when one of its children is this force's: then its adults rank first too)."""
    officer = _officer(force)

    def own_ranking():
        links = child_links_for(officer)
        return build_network(links.persons, links.places, network_episodes_for(officer))

    picture, picture_median, picture_fastest = _timed(lambda: partnership_picture(officer, rows=50))
    own, own_median, own_fastest = _timed(own_ranking)
    adults = planted & {row.record.pk for row in picture.persons if row.record is not None}
    top = {row.record.pk for row in picture.persons[: len(adults)] if row.record is not None}
    with CaptureQueriesContext(connection) as queries:
        partnership_picture(officer, rows=50)
    return {
        "force": force.name,
        "picture_children": picture.children,
        "picture_councils": len(picture.councils),
        "picture_queries": len(queries),
        "planted_adults_shown": len(adults),
        "planted_adults_ranked_first": bool(adults) and top == adults,
        "picture_ms": _ms(picture_median),
        "picture_fastest_ms": _ms(picture_fastest),
        "own_ranking_ms": _ms(own_median),
        "own_ranking_fastest_ms": _ms(own_fastest),
        "own_ranking_nodes": own.graph.number_of_nodes(),
        "ratio": round(picture_median / own_median, 2),
    }


def _alert_checks(children: list[int], now) -> dict[str, Any]:
    def check_all() -> int:
        return sum(len(cross_border_alerts(child, now)) for child in children)

    def look_up_all() -> int:
        return sum(ChildPersonLink.objects.filter(child_id=child).count() for child in children)

    due, check_median, check_fastest = _timed(check_all)
    _, lookup_median, _ = _timed(look_up_all)
    with CaptureQueriesContext(connection) as queries:
        check_all()
    return {
        "children_checked": len(children),
        "alerts_due": due,
        "queries_per_child": round(len(queries) / len(children), 2),
        "check_ms_per_child": _ms(check_median / len(children)),
        "check_fastest_ms_per_child": _ms(check_fastest / len(children)),
        "lookup_ms_per_child": _ms(lookup_median / len(children)),
        "ratio": round(check_median / lookup_median, 2),
    }


@benchmark("partnership")
def partnership_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """The partnership picture and the cross-border alert check on the national-shaped set."""
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            options.report(f"  partnership: loading a national set of {options.children:,} children")
            started = perf_counter()
            councils, forces = national_shape(options.children)
            report = generate_national(options.children, options.seed, councils=councils, forces=forces)
            assert report.network is not None  # generate_national always plants
            result["generate_seconds"] = round(perf_counter() - started, 1)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            clusters = report.network.clusters
            pictures = []
            planted_adults = {pk for cluster in clusters for pk in cluster.adults}
            for force_id in sorted({cluster.force_id for cluster in clusters}):
                options.report(f"  partnership: the picture of force {force_id}")
                pictures.append(_picture(Agency.objects.get(pk=force_id), planted_adults))
            planted = sorted({child for cluster in clusters for child in cluster.children})
            linked = sorted(
                set(ChildPersonLink.objects.values_list("child_id", flat=True))
                | set(ChildPlaceLink.objects.values_list("child_id", flat=True))
            )
            sample = random.Random(options.seed).sample(linked, min(ALERT_SAMPLE, len(linked)))
            options.report("  partnership: the cross-border alert check")
            result.update(
                {
                    "children": options.children,
                    "seed": options.seed,
                    "councils": Agency.objects.filter(kind=AgencyKind.COUNCIL).count(),
                    "person_links": ChildPersonLink.objects.count(),
                    "place_links": ChildPlaceLink.objects.count(),
                    "planted_clusters": len(clusters),
                    "pictures": pictures,
                    "alerts_planted": _alert_checks(planted, report.now),
                    "alerts_sample": _alert_checks(sample, report.now),
                    "runs_per_timing": RUNS,
                }
            )
            if not options.keep:
                raise Rollback
    except Rollback:
        pass
    return {**result, "kept": options.keep}
