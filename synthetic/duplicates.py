"""The demo's likely duplicates: a few of the demo council's children recorded a second time, with a misspelt name
(a letter doubled or swapped, as re-keying does), so the data quality list has pairs to review and merge.

Made through the real action (children.actions.add_child) as the demo coordinator; a second run changes nothing
(the copies' council child IDs start DUP-). The partnership register has its likely duplicates too: a place the
council recorded twice (the same address, keyed differently), linked to two of its children, which the
coordinator's "Possible duplicates" page proposes to merge (network.duplicates); the police's planted intelligence
has a person recorded twice (synthetic.network).
"""

import datetime as dt

from django.utils import timezone

from access.models import User
from children.actions import CHILD_FIELDS, add_child
from children.models import Child
from network.actions import add_place, link_child_to_place
from network.codes import Confidence, LinkSource, PlaceKind
from network.models import Place

DUPLICATES = 3
PREFIX = "DUP-"


def misspell(name: str) -> str:
    """A re-keying slip: the last two letters swapped ("Jordan" -> "Jordna"), or a letter doubled."""
    if len(name) >= 4 and name[-1] != name[-2]:
        return name[:-2] + name[-1] + name[-2]
    return name + name[-1]


def add_demo_duplicates(coordinator: User) -> int:
    """Record DUPLICATES of the demo council's children again, misspelt (once; idempotent)."""
    council_id = coordinator.agency_id
    if Child.objects.filter(responsible_council_id=council_id, la_child_id__startswith=PREFIX).exists():
        return 0
    originals = Child.objects.filter(
        responsible_council_id=council_id, placement_council_id=council_id, merged_into__isnull=True
    ).order_by("pk")[:DUPLICATES]
    made = 0
    for child in originals:
        fields = {name: getattr(child, name) for name in CHILD_FIELDS}
        fields.update(
            la_child_id=f"{PREFIX}{child.la_child_id}"[:30],
            upn="",
            first_name=misspell(child.first_name),
            social_worker_id=None,
        )
        add_child(acting_user=coordinator, **fields)
        made += 1
    return made


# The place recorded twice: the same address and postcode, the name keyed two ways.
PLACE_TWICE = (
    ("Eastgate Kebab House", "14 Eastgate Street, Northtown"),
    ("Eastgate Kebab Hse", "14 Eastgate St, Northtown"),
)
PLACE_POSTCODE = "NM4 7AB"


def add_demo_place_duplicates(coordinator: User) -> int:
    """Record PLACE_TWICE as two places, each linked to one of the demo council's children (once; idempotent)."""
    council_id = coordinator.agency_id
    if Place.objects.filter(name=PLACE_TWICE[0][0]).exists():
        return 0
    children = (
        Child.objects.filter(responsible_council_id=council_id, merged_into__isnull=True, episodes__isnull=False)
        .distinct()
        .order_by("pk")[:2]
    )
    made = 0
    for (name, address), child in zip(PLACE_TWICE, children, strict=False):
        place = add_place(
            acting_user=coordinator, kind=PlaceKind.TAKEAWAY, name=name, address=address, postcode=PLACE_POSTCODE
        )
        link_child_to_place(
            acting_user=coordinator,
            child=child,
            place=place,
            source=LinkSource.SEEN_WITH,
            linked_on=timezone.localdate() - dt.timedelta(days=10 + made),
            confidence=Confidence.CONFIRMED,
        )
        made += 1
    return made
