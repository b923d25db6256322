"""The demo's likely duplicates: a few of the demo council's children recorded a second time, with a misspelt name
(a letter doubled or swapped, as re-keying does), so the data quality list has pairs to review and merge.

Made through the real action (children.actions.add_child) as the demo coordinator; a second run changes nothing
(the copies' council child IDs start DUP-).
"""

from access.models import User
from children.actions import CHILD_FIELDS, add_child
from children.models import Child

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
