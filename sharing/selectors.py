"""What a user may share about a child and with whom.

Every query starts from the scoped lookups (each shareable item's `candidates`, can_share, shares_for), so the
lists offer only items the user may share and recipients that make sense for the child.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from access import share_kinds
from access.models import Agency, AgencyKind, Role, User
from access.scoping import SHARE_RECEIVING_ROLES
from children.models import Child
from network.models import PersonOfConcern, Place
from sharing.models import Share
from sharing.scoping import can_share, works_for_childs_council

NO_ITEM = "links"  # the option of a kind whose item is optional, without one (police: the links)


@dataclass(frozen=True)
class ShareOption:
    """One thing the user may share: a `what` and its item, offered as one radio."""

    value: str
    label: str
    what: str
    item: object = None

    @property
    def hint(self) -> str:
        kind = share_kinds.kind(self.what)
        return kind.hint if kind is not None else ""


def share_options(user: User, child: Child, narrowed_to: Mapping[str, str | None] | None = None) -> list[ShareOption]:
    """Everything the user may share about the child, item by item (in the registry's order, each item's kinds
    together), newest first; narrowed to one item when the page was opened from that item (`narrowed_to`: the
    item's column, `episode`, and its id from the query string)."""
    narrowed = {field: value for field, value in (narrowed_to or {}).items() if value}
    options: list[ShareOption] = []
    for item in share_kinds.items():
        offered = [kind for kind in share_kinds.kinds_of(item.field) if kind.on_share_page]
        if not offered or (narrowed and item.field not in narrowed):
            continue
        candidates = item.candidates(user, child)
        if item.field in narrowed:
            candidates = candidates.filter(pk=_int(narrowed[item.field]))
        for record in candidates:
            for kind in offered:
                if can_share(user, child, kind.code, record):
                    label = f"{kind.label}: {item.option_label(record)}"
                    options.append(ShareOption(f"{kind.code}:{record.pk}", label, kind.code, record))
        if narrowed:
            continue
        for kind in offered:
            if not kind.item_required and kind.no_item_option is not None and can_share(user, child, kind.code):
                label = f"{kind.label}: {kind.no_item_option(child)}"
                options.append(ShareOption(f"{kind.code}:{NO_ITEM}", label, kind.code))
    return options


def _int(value: Any) -> int:  # whatever a query string gave
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _other_than_own(agencies: QuerySet[Agency], user: User) -> QuerySet[Agency]:
    """Leave out the user's own agency (a user at no agency leaves out nothing)."""
    return agencies if user.agency_id is None else agencies.exclude(pk=user.agency_id)


def recipient_agencies(user: User, child: Child) -> QuerySet[Agency]:
    """The agencies it makes sense to share with about this child, other than the user's own.

    A practitioner (outside the child's councils) shares only with the council of the child's social worker
    (the responsible council if none is allocated). Anyone else: the child's responsible and placement councils,
    the police forces covering them or holding the child's episodes, the child's school, and the health bodies
    and return interview providers in the child's councils' areas.
    """
    if not works_for_childs_council(user, child) and not user.has_role(Role.POLICE):
        social_worker = child.social_worker
        council_id = social_worker.agency_id if social_worker and social_worker.agency_id else None
        return _other_than_own(Agency.objects.filter(pk=council_id or child.responsible_council_id), user)
    councils = [child.responsible_council_id, child.placement_council_id]
    forces = set(
        Agency.objects.filter(pk__in=councils, police_force__isnull=False).values_list("police_force_id", flat=True)
    )
    forces |= set(child.episodes.values_list("police_force_id", flat=True))
    return _other_than_own(
        Agency.objects.filter(
            Q(pk__in=councils)
            | Q(kind=AgencyKind.POLICE, pk__in=forces)
            | Q(kind=AgencyKind.SCHOOL, pk=child.school_id)
            | Q(kind__in=[AgencyKind.HEALTH, AgencyKind.RHI_PROVIDER], local_authority_id__in=councils)
        ),
        user,
    ).order_by("kind", "name", "pk")


def recipient_users(user: User, child: Child) -> QuerySet[User]:
    """The people it makes sense to share with by name: at the recipient agencies, holding the role that
    receives shares there (a school's safeguarding lead, a health practitioner, police, council case roles,
    a provider's practitioners). A practitioner shares by name only with the child's social worker."""
    agencies = recipient_agencies(user, child)
    if not works_for_childs_council(user, child) and not user.has_role(Role.POLICE):
        allocated = child.social_worker_id
        users = User.objects.none() if allocated is None else User.objects.filter(pk=allocated, agency__in=agencies)
    else:
        by_role = Q()
        for kind, roles in SHARE_RECEIVING_ROLES.items():
            by_role |= Q(agency__kind=kind, role_assignments__role__in=roles)
        users = User.objects.filter(by_role, agency__in=agencies)
    return (
        users.filter(is_active=True)
        .exclude(pk=user.pk)
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "last_name", "first_name", "pk")
    )


def active_share_exists(share: Share) -> bool:
    """Whether the same item is already actively shared with the same recipient."""
    return (
        Share.objects.active()
        .filter(
            child_id=share.child_id,
            what=share.what,
            **{f"{item.field}_id": getattr(share, f"{item.field}_id") for item in share_kinds.items()},
            to_agency_id=share.to_agency_id,
            to_user_id=share.to_user_id,
        )
        .exists()
    )


def end_of_day(day: dt.date) -> dt.datetime:
    """A share "until 30 June" runs to the end of that day in the service's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def police_forces_of(child: Child) -> QuerySet[Agency]:
    """The police forces intelligence about this child goes to: those covering the child's responsible and
    placement councils, and those holding the child's missing episodes."""
    councils = [child.responsible_council_id, child.placement_council_id]
    forces = set(
        Agency.objects.filter(pk__in=councils, police_force__isnull=False).values_list("police_force_id", flat=True)
    )
    forces |= set(child.episodes.values_list("police_force_id", flat=True))
    return Agency.objects.filter(kind=AgencyKind.POLICE, pk__in=forces).order_by("name", "pk")


def intelligence_persons(child: Child) -> QuerySet[PersonOfConcern]:
    """The persons of concern an interview's intelligence may name: those linked to the child, not police-only
    (police-only intelligence is the force's own already)."""
    return PersonOfConcern.objects.filter(child_links__child=child, police_only=False).distinct()


def intelligence_places(child: Child) -> QuerySet[Place]:
    return Place.objects.filter(child_links__child=child, police_only=False).distinct()
