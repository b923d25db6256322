"""The `network` benchmark: pattern detection on a large synthetic data set.

`python -m bench --only network --children 50000` generates the children (with the planted
exploitation clusters and the noise), then times children missing together, hotspots and the network
ranking over everything, again as one police force and one council would see it, and the network page.
Everything is rolled back afterwards unless --keep is given.
"""

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast

from django.db import connection, transaction
from django.db.models import Count
from django.test import RequestFactory

from access.http import AuthenticatedHttpRequest
from access.models import Agency, Role, RoleAssignment, User
from bench.registry import BenchmarkOptions, Rollback, benchmark
from children.models import Child
from episodes.models import MissingEpisode
from network.models import ChildPersonLink, ChildPlaceLink
from network.patterns import PERSON, build_network, children_missing_together, hotspots
from network.scoping import child_links_for, network_episodes_for
from network.views import network_view
from synthetic.generator import generate

T = TypeVar("T")


def _timed(figures: dict[str, float], name: str, function: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = function()
    figures[name] = round(time.perf_counter() - started, 3)
    return result


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _user(agency: Agency, role: str) -> User:
    user = User.objects.create(username=f"bench.network.{role}.{agency.pk}", agency=agency)
    RoleAssignment.objects.create(user=user, role=role)
    return user


def _detect(figures: dict[str, float], prefix: str, episodes, person_links, place_links, now) -> dict[str, Any]:
    since = now - timedelta(days=365)
    together = _timed(
        figures,
        f"{prefix}missing_together_seconds",
        lambda: children_missing_together(episodes, person_links, place_links, since=since, now=now),
    )
    found = _timed(figures, f"{prefix}hotspots_seconds", lambda: hotspots(episodes, place_links, since=since))
    network = _timed(
        figures,
        f"{prefix}network_ranking_seconds",
        lambda: build_network(person_links, place_links, episodes, together=together.pairs, now=now),
    )
    return {"together": together, "hotspots": found, "network": network}


@benchmark("network")
def network_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """Pattern detection (missing together, hotspots, network ranking) on generated children."""
    figures: dict[str, float] = {}
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            options.report(f"  network: generating {options.children:,} children")
            report = _timed(figures, "generate_seconds", lambda: generate(options.children, options.seed))
            now = report.now
            # A live database has planner statistics (autovacuum analyses after big loads); a fresh bulk load
            # inside this transaction has none, and PostgreSQL would plan the scoped queries blind.
            _timed(figures, "analyze_seconds", _analyze)
            options.report("  network: detecting patterns over all the data")
            found = _detect(
                figures,
                "all_",
                MissingEpisode.objects.all(),
                ChildPersonLink.objects.all(),
                ChildPlaceLink.objects.all(),
                now,
            )
            planted_adults = report.network.adults if report.network else set()
            ranked = [entry.pk for entry in found["network"].ranked(PERSON)]
            busiest = (
                MissingEpisode.objects.values("police_force").annotate(n=Count("pk")).order_by("-n", "police_force")
            )
            force = Agency.objects.get(pk=cast(int, busiest[0]["police_force"]))  # every episode has a force
            largest = (
                Child.objects.values("placement_council").annotate(n=Count("pk")).order_by("-n", "placement_council")
            )
            council = Agency.objects.get(pk=largest[0]["placement_council"])
            officer, coordinator = _user(force, Role.POLICE), _user(council, Role.COORDINATOR)
            scoped = {}
            for prefix, user in (("police_", officer), ("council_", coordinator)):
                options.report(f"  network: detecting patterns as {user.username}")
                links = child_links_for(user)
                scoped[prefix] = _detect(figures, prefix, network_episodes_for(user), links.persons, links.places, now)
            request = RequestFactory().get("/network/")
            request.user = officer
            response = _timed(
                figures, "police_network_page_seconds", lambda: network_view(cast(AuthenticatedHttpRequest, request))
            )
            result = {
                "children": options.children,
                "seed": options.seed,
                "episodes": MissingEpisode.objects.count(),
                "person_links": ChildPersonLink.objects.count(),
                "place_links": ChildPlaceLink.objects.count(),
                "planted_clusters": len(report.network.clusters) if report.network else 0,
                "planted_adults_ranked_first": bool(planted_adults)
                and set(ranked[: len(planted_adults)]) == planted_adults,
                "all_missing_together_pairs": len(found["together"].pairs),
                "all_missing_together_groups": len(found["together"].groups),
                "all_hotspot_places": len(found["hotspots"].places),
                "all_network_nodes": found["network"].graph.number_of_nodes(),
                "all_network_edges": found["network"].graph.number_of_edges(),
                "all_network_clusters": len(found["network"].clusters),
                "police_force": force.name,
                "police_missing_together_pairs": len(scoped["police_"]["together"].pairs),
                "police_network_nodes": scoped["police_"]["network"].graph.number_of_nodes(),
                "council": council.name,
                "council_network_nodes": scoped["council_"]["network"].graph.number_of_nodes(),
                "police_network_page_status": response.status_code,
                "police_network_page_bytes": len(response.content),
                **figures,
            }
            if not options.keep:
                raise Rollback
    except Rollback:
        pass
    return {**result, "kept": options.keep}
