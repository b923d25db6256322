"""The cross-border alert: a child linked to a person or place already linked to children of another council.

Raised on the risk app's alert mechanism through `children.hooks.register_alert_source` (network and risk
are siblings: neither imports the other). For a child C and each person or place T it is linked to:

- C's link to T is active, not police-only, and not to a family member or carer not of concern, and T itself
  is not police-only intelligence (a coordinator never learns of police intelligence this way);
- at least one other child, whose responsible council is not C's, has such a link to T;
- the latest of those links (C's and the others') is dated within HOMEWARD_ALERT_LOOKBACK_DAYS of today, so
  history loaded in bulk (imports, the synthetic generator, the API replaying old links) raises nothing for
  what is long past.

The alert says how many children elsewhere and which councils to contact: never their names or ids. Key
`crossborder:<person|place>:<id>`: once per child and person or place, however many children join later.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from children.hooks import DueFromApp
from children.models import Child
from network.codes import Relationship
from network.models import ChildPersonLink, ChildPlaceLink

KIND = "cross_border_link"  # risk.codes.AlertKind.CROSS_BORDER_LINK
MAX_COUNCILS_NAMED = 3


def _links(model, target: str):
    links = model.objects.filter(ended_at__isnull=True, police_only=False, **{f"{target}__police_only": False})
    if target == "person":
        links = links.exclude(relationship=Relationship.FAMILY_CARER)
    return links


def cross_border_alerts(child_id: int, now: datetime) -> list[DueFromApp]:
    """The cross-border alerts due for the child (see the module doc)."""
    council = Child.objects.filter(pk=child_id).values_list("responsible_council_id", flat=True).first()
    if council is None:
        return []
    since = timezone.localdate(now) - timedelta(days=settings.HOMEWARD_ALERT_LOOKBACK_DAYS)
    due = []
    for target, model, what in (("person", ChildPersonLink, "person"), ("place", ChildPlaceLink, "place")):
        links = _links(model, target)
        # The child's latest link to each person or place (ordered so the latest date wins).
        own_links = links.filter(child_id=child_id).order_by(f"{target}_id", "linked_on")
        own = dict(own_links.values_list(f"{target}_id", "linked_on"))
        if not own:
            continue
        others: dict[int, dict[int, tuple]] = defaultdict(dict)
        rows = (
            links.filter(**{f"{target}_id__in": list(own)})
            .exclude(child__responsible_council_id=council)
            .exclude(child_id=child_id)
            .values_list(f"{target}_id", "child_id", "linked_on", "child__responsible_council__name")
        )
        for target_id, other, linked_on, council_name in rows:
            seen = others[target_id].get(other)
            if seen is None or linked_on > seen[0]:
                others[target_id][other] = (linked_on, council_name or "another council")
        for target_id, children in sorted(others.items()):
            latest = max([own[target_id], *(linked_on for linked_on, _ in children.values())])
            if latest < since:
                continue
            count = len(children)
            councils = sorted({name for _, name in children.values()})
            named = ", ".join(councils[:MAX_COUNCILS_NAMED]) + (" and others" if len(councils) > 3 else "")
            plural = "child" if count == 1 else "children"
            due.append(
                DueFromApp(
                    kind=KIND,
                    dedupe_key=f"crossborder:{target}:{target_id}",
                    detail=f"This child is linked to a {what} also linked to {count} {plural} of another council. "
                    f"Contact {named}.",
                )
            )
    return due
