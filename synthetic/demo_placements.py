"""The demo's placement history (issue 15: every feature with something in it): a few of the demo council's
looked-after children who go missing are moved through children.actions.change_placement as the demo
coordinator, so their records show a current placement (provider, Ofsted URN, type, since) and the placements
before it. The first two lived at the same children's home (the same URN), as children placed together do.

The children's homes are two of the invented homes the generator placed children at in the council's area
(synthetic.placements: URNs in the invented range SC990000 to SC999999); a council with fewer has homes named
without a URN. A second run changes nothing (it looks for placement history the coordinator recorded).
"""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from access.models import Agency, User
from children.actions import change_placement
from children.codes import LegalStatus, LivingArrangement, Placement
from children.models import Child, PlacementHistory
from synthetic.placements import URN_LAST, home_urn

PLACED_CHILDREN = 4
FALLBACK_HOMES = [
    ("Oakwood House children's home (synthetic)", ""),
    ("Hillcrest Lodge children's home (synthetic)", ""),
]


def _homes(council: Agency) -> list[tuple[str, str]]:
    """Two children's homes (provider, URN) in the council's area: the generator's invented homes, if it made two."""
    homes = list(
        PlacementHistory.objects.filter(council=council, urn__gte=home_urn(0), urn__lte=f"SC{URN_LAST}")
        .values_list("provider", "urn")
        .distinct()
        .order_by("urn")[:2]
    )
    return homes if len(homes) == 2 else FALLBACK_HOMES


def _placements(council: Agency) -> tuple[list[tuple], list[tuple]]:
    """(provider, URN, placement type, living arrangement): where each child was first, then where they are now."""
    (first_home, first_urn), (second_home, second_urn) = _homes(council)
    home, other_home = (first_home, first_urn, Placement.K2), (second_home, second_urn, Placement.K2)
    fostering = ("Northmoor Fostering Service (synthetic)", "", Placement.U4)
    supported = ("Brookside Supported Living (synthetic)", "", Placement.K3)
    first = [
        (*home, LivingArrangement.CHILDRENS_HOME),
        (*home, LivingArrangement.CHILDRENS_HOME),
        (*fostering, LivingArrangement.FOSTER_CARE),
        (*supported, LivingArrangement.SUPPORTED),
    ]
    now = [
        (*other_home, LivingArrangement.CHILDRENS_HOME),
        (*fostering, LivingArrangement.FOSTER_CARE),
        (*home, LivingArrangement.CHILDRENS_HOME),
        (*other_home, LivingArrangement.CHILDRENS_HOME),
    ]
    return first, now


def add_demo_placements(coordinator: User) -> int:
    """Give PLACED_CHILDREN of the demo council's looked-after children two placements each (once; idempotent).
    Returns the number of placements recorded."""
    council = coordinator.agency
    if council is None or PlacementHistory.objects.filter(recorded_by=coordinator).exists():
        return 0
    children = list(
        Child.objects.filter(
            responsible_council=council,
            placement_council=council,
            legal_status=LegalStatus.LOOKED_AFTER,
            merged_into__isnull=True,
            episodes__isnull=False,
        )
        .exclude(pk__in=PlacementHistory.objects.values("child_id"))  # the generator placed them already
        .annotate(total=Count("episodes"))
        .order_by("-total", "pk")[:PLACED_CHILDREN]
    )
    today = timezone.localdate()
    made = 0
    first_placements, placements_now = _placements(council)
    for child, first, now in zip(children, first_placements, placements_now, strict=False):
        started = max(today - dt.timedelta(days=700), child.date_of_birth + dt.timedelta(days=1))
        moved = max(today - dt.timedelta(days=120), started + dt.timedelta(days=1))
        for (provider, urn, placement_type, arrangement), on in ((first, started), (now, moved)):
            child.refresh_from_db()
            change_placement(
                child,
                acting_user=coordinator,
                expected_version=child.version,
                started_on=on,
                placement_council=council,
                living_arrangement=arrangement,
                provider=provider,
                urn=urn,
                placement_type=placement_type,
                postcode=child.placement_postcode,
            )
            made += 1
    return made
