"""Synthetic placements (issue 14): looked-after children living in children's homes are placed at invented homes,
several children a home, each with its placement history, so the same-placement pattern has something to find.

Every home's Ofsted URN is in the range SC990000 to SC999999, which this project uses for invented settings only
(documented in docs/placements.md); its name is an invented house name ending "(synthetic)". A home is in the
council area the child is placed in. A child is placed at a home when their latest period of care is in a
children's home (SSDA903 place K1, K2 or R1): the home's URN and postcode are written on the child, their history
and that care episode alike, so the statutory return and the placement agree. A child whose earlier placement
was also in a children's home gets a history row for it, at another home of the same council (children at the
same home at different times). The children of each planted exploitation cluster who live in children's homes in
the same council are placed at the same home first: the pattern shows them missing from the same placement.

Nothing here draws from the generator's own random streams: the rest of the data is the same with or without it.
"""

import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from children.models import Child, PlacementHistory
from returns.models import CareEpisode
from synthetic.names import SURNAMES

CHILDRENS_HOMES = frozenset({"K1", "K2", "R1"})  # SSDA903 places registered with Ofsted (an SC URN)

URN_FIRST, URN_LAST = 990000, 999999
CHILDREN_PER_HOME = 4
HOUSES = ("Oak", "Beech", "Willow", "Rowan", "Hawthorn", "Hazel", "Larch", "Alder", "Birch", "Elm", "Holly", "Ash")
BATCH = 2000


def home_urn(number: int) -> str:
    """The invented URN of the number-th synthetic home: SC990000, SC990001, ... (never a real setting's)."""
    urn = URN_FIRST + number
    if urn > URN_LAST:
        raise ValueError("More synthetic homes than the invented URN range holds")
    return f"SC{urn}"


def plant_placements(seed: int, first_child: int, clusters: Iterable[Iterable[int]] = ()) -> int:
    """Place the children described in the module doc, of this run only (ids from `first_child`: an earlier run's
    children keep their placements); returns the placement history rows written. Homes are numbered on from the
    last invented URN already used, so two runs never give one URN to two homes."""
    rng = random.Random(f"placements-{seed}")
    care = CareEpisode.objects.filter(child_id__gte=first_child, child__placement_council__isnull=False).order_by(
        "child_id", "decom", "pk"
    )
    periods: dict[int, list[CareEpisode]] = defaultdict(list)
    for episode in care.only("pk", "child_id", "decom", "dec", "place", "urn", "pl_post"):
        periods[episode.child_id].append(episode)
    in_homes = {
        child: episodes
        for child, episodes in periods.items()
        if episodes[-1].place in CHILDRENS_HOMES and episodes[-1].dec is None  # still in care there
    }
    if not in_homes:
        return 0
    children = Child.objects.in_bulk(sorted(in_homes))
    by_council: dict[int, list[int]] = defaultdict(list)
    for pk in sorted(in_homes):
        by_council[children[pk].placement_council_id].append(pk)
    homes: dict[int, list[tuple[str, str, str]]] = {}  # council: [(urn, name, postcode)]
    used = (
        PlacementHistory.objects.filter(urn__gte=home_urn(0), urn__lte=f"SC{URN_LAST}")
        .order_by("-urn")
        .values_list("urn", flat=True)
        .first()
    )
    number = int(used[2:]) - URN_FIRST + 1 if used else 0
    for council in sorted(by_council):
        members = by_council[council]
        count = max(1, -(-len(members) // CHILDREN_PER_HOME))
        postcodes = [children[pk].placement_postcode for pk in members if children[pk].placement_postcode]
        homes[council] = []
        for index in range(count):
            name = f"{HOUSES[index % len(HOUSES)]} House {rng.choice(SURNAMES)} Road (synthetic)"
            postcode = postcodes[index % len(postcodes)] if postcodes else ""
            homes[council].append((home_urn(number), name, postcode))
            number += 1
    placed: dict[int, int] = {}  # child: index of the home in its council's list
    for cluster in clusters:
        together: dict[int, list[int]] = defaultdict(list)
        for pk in cluster:
            if pk in children:
                together[children[pk].placement_council_id].append(pk)
        for council, members in together.items():
            if len(members) > 1:
                home = rng.randrange(len(homes[council]))
                placed.update(dict.fromkeys(members, home))
    for council, members in by_council.items():
        for pk in members:
            placed.setdefault(pk, rng.randrange(len(homes[council])))

    history: list[PlacementHistory] = []
    changed_care: list[CareEpisode] = []
    for pk, home in placed.items():
        child, episodes = children[pk], in_homes[pk]
        urn, name, postcode = homes[child.placement_council_id][home]
        current = episodes[-1]
        child.placement_urn, child.placement_provider, child.placement_type = urn, name, current.place
        child.placement_postcode, child.placement_from = postcode, current.decom
        current.urn, current.pl_post = urn, postcode
        changed_care.append(current)
        earlier = next((e for e in reversed(episodes[:-1]) if e.decom < current.decom), None)
        if earlier is not None and earlier.place in CHILDRENS_HOMES and len(homes[child.placement_council_id]) > 1:
            others = [h for index, h in enumerate(homes[child.placement_council_id]) if index != home]
            old_urn, old_name, old_postcode = rng.choice(others)
            earlier.urn, earlier.pl_post = old_urn, old_postcode
            changed_care.append(earlier)
            history.append(_row(child, old_urn, old_name, old_postcode, earlier.place, earlier.decom, current.decom))
        history.append(_row(child, urn, name, postcode, current.place, current.decom, current.dec))
    Child.objects.bulk_update(
        [children[pk] for pk in placed],
        ["placement_urn", "placement_provider", "placement_type", "placement_postcode", "placement_from"],
        batch_size=BATCH,
    )
    CareEpisode.objects.bulk_update(changed_care, ["urn", "pl_post"], batch_size=BATCH)
    PlacementHistory.objects.bulk_create(history, batch_size=BATCH)
    return len(history)


def _row(
    child: Child, urn: str, name: str, postcode: str, place: str, started: date, ended: date | None
) -> PlacementHistory:
    return PlacementHistory(
        child=child,
        provider=name,
        urn=urn,
        placement_type=place,
        council_id=child.placement_council_id,
        postcode=postcode,
        started_on=started,
        ended_on=ended,
    )
