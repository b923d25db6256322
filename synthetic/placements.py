"""The demo's placement history (issue 15: every feature with something in it): a few of the demo council's
looked-after children who go missing are moved through children.actions.change_placement as the demo
coordinator, so their records show a current placement (provider, Ofsted URN, type, since) and the placements
before it. The first two lived at the same children's home (the same URN), as children placed together do.

Everything is synthetic (invented homes, URNs in the form Ofsted uses); a second run changes nothing (it looks for
placement history the coordinator recorded).
"""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from access.models import User
from children.actions import change_placement
from children.codes import LegalStatus, LivingArrangement, Placement
from children.models import Child, PlacementHistory

PLACED_CHILDREN = 4
# (provider, URN, placement type, living arrangement): where each child was first, then where they are now.
FIRST = [
    ("Oakwood House children's home", "SC100001", Placement.K2, LivingArrangement.CHILDRENS_HOME),
    ("Oakwood House children's home", "SC100001", Placement.K2, LivingArrangement.CHILDRENS_HOME),
    ("Northmoor Fostering Service", "", Placement.U4, LivingArrangement.FOSTER_CARE),
    ("Brookside Supported Living", "2123456", Placement.K3, LivingArrangement.SUPPORTED),
]
NOW = [
    ("Hillcrest Lodge children's home", "SC100002", Placement.K2, LivingArrangement.CHILDRENS_HOME),
    ("Northmoor Fostering Service", "", Placement.U4, LivingArrangement.FOSTER_CARE),
    ("Oakwood House children's home", "SC100001", Placement.K2, LivingArrangement.CHILDRENS_HOME),
    ("Hillcrest Lodge children's home", "SC100002", Placement.K2, LivingArrangement.CHILDRENS_HOME),
]


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
        .annotate(total=Count("episodes"))
        .order_by("-total", "pk")[:PLACED_CHILDREN]
    )
    today = timezone.localdate()
    made = 0
    for child, first, now in zip(children, FIRST, NOW, strict=False):
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
