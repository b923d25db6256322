"""Who may see and record persons of concern, places and their links to children: the network app's scoped
lookups, built on the kernel (`access.scoping`) and the children and episodes apps' own."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from access.models import Role, User
from access.scoping import COUNCIL_CASE_ROLES, get_or_404
from children.models import Child
from children.scoping import caseload_children_for, in_caseload
from episodes.models import EpisodeQuerySet, MissingEpisode
from episodes.scoping import episodes_for
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place

# Police-only intelligence is visible only to these roles, and only in the force that recorded it.
POLICE_INTELLIGENCE_ROLES = (Role.POLICE,)
NETWORK_ROLES = (*COUNCIL_CASE_ROLES, *POLICE_INTELLIGENCE_ROLES)
# Who may search the partnership register by an exact identifier: the network's users, and exploitation teams and
# MACE panel members (who see the records found, never a child: they have no caseload and link no child).
REGISTER_SEARCH_ROLES = (*NETWORK_ROLES, Role.EXPLOITATION)


@dataclass(frozen=True)
class ChildLinks:
    persons: QuerySet[ChildPersonLink]
    places: QuerySet[ChildPlaceLink]


def _sees_network(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.agency_id is not None and user.has_role(*NETWORK_ROLES)


def _searches_register(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.agency_id is not None
        and user.has_role(*REGISTER_SEARCH_ROLES)
    )


def can_search_register(user: User) -> bool:
    """Find persons and places anywhere in the partnership register by an exact identifier."""
    return _searches_register(user)


def _intelligence_visible(user: User, prefix: str = "") -> Q:
    """Not police-only; or police-only, recorded by the user's own force, and the user is police."""
    visible = Q(**{f"{prefix}police_only": False})
    if user.has_role(*POLICE_INTELLIGENCE_ROLES):
        visible |= Q(**{f"{prefix}police_only": True, f"{prefix}owning_agency_id": user.agency_id})
    return visible


def intelligence_visible(user: User, prefix: str = "") -> Q:
    """The condition on a record (or, with a prefix, a related one) for intelligence the user may see."""
    return _intelligence_visible(user, prefix)


def _child_links(user: User, model: type[ChildPersonLink | ChildPlaceLink], target: str) -> QuerySet:
    if not _sees_network(user):
        return model.objects.none()
    return model.objects.filter(
        _intelligence_visible(user),
        _intelligence_visible(user, f"{target}__"),
        child__in=caseload_children_for(user).values("pk"),
    )


def child_links_for(user: User) -> ChildLinks:
    """Links (active and ended) the user may see: to a child in their own caseload, and neither the link nor
    its person or place police-only intelligence of another agency."""
    return ChildLinks(
        persons=_child_links(user, ChildPersonLink, "person"), places=_child_links(user, ChildPlaceLink, "place")
    )


def persons_for(user: User) -> QuerySet[PersonOfConcern]:
    """Persons linked to a child in the user's caseload by a link they can see, and those their agency recorded;
    never another agency's police-only intelligence."""
    if not _sees_network(user):
        return PersonOfConcern.objects.none()
    linked = _child_links(user, ChildPersonLink, "person").filter(person=OuterRef("pk"))
    return PersonOfConcern.objects.filter(
        _intelligence_visible(user), Q(Exists(linked)) | Q(owning_agency_id=user.agency_id), merged_into__isnull=True
    )


def places_for(user: User) -> QuerySet[Place]:
    """Places linked to a child in the user's caseload by a link they can see, and those their agency recorded;
    never another agency's police-only intelligence."""
    if not _sees_network(user):
        return Place.objects.none()
    linked = _child_links(user, ChildPlaceLink, "place").filter(place=OuterRef("pk"))
    return Place.objects.filter(
        _intelligence_visible(user), Q(Exists(linked)) | Q(owning_agency_id=user.agency_id), merged_into__isnull=True
    )


def partnership_persons_for(user: User) -> QuerySet[PersonOfConcern]:
    """Every person in the partnership register a network user (or an exploitation team or MACE panel member)
    may find by an exact identifier, and a network user link a child to: all agencies' records, never another
    agency's police-only intelligence. Finding a person shows the record, never the children other agencies
    linked to it (those stay behind `child_links_for`)."""
    if not _searches_register(user):
        return PersonOfConcern.objects.none()
    return PersonOfConcern.objects.filter(_intelligence_visible(user), merged_into__isnull=True)


def partnership_places_for(user: User) -> QuerySet[Place]:
    """Every place in the partnership register a network user may find and link (as `partnership_persons_for`)."""
    if not _searches_register(user):
        return Place.objects.none()
    return Place.objects.filter(_intelligence_visible(user), merged_into__isnull=True)


def network_episodes_for(user: User) -> EpisodeQuerySet:
    """The episodes pattern detection looks at: the user's episodes of children in their own caseload (not
    children they reach only through a share or emergency access)."""
    if not _sees_network(user):
        return MissingEpisode.objects.none()
    return episodes_for(user).filter(child__in=caseload_children_for(user).values("pk"))


def network_children_for(user: User) -> QuerySet[Child]:
    """The children whose persons and places the user may see and link: their own caseload, for network roles."""
    return caseload_children_for(user) if _sees_network(user) else Child.objects.none()


def sees_network_child(user: User, child_id: int) -> bool:
    """Whether network_children_for(user) holds the child (the caseload answer is asked once per request)."""
    return _sees_network(user) and in_caseload(user, child_id)


def get_network_child_for_user(user: User, child_id: object) -> Child:
    """A child in the user's own caseload, whose persons and places they may see and link (else 404)."""
    if not _sees_network(user):
        raise Http404("No such record, or you do not have access to it.")
    return get_or_404(network_children_for(user), child_id)


def get_person_for_user(user: User, person_id: object) -> PersonOfConcern:
    return get_or_404(persons_for(user).select_related("owning_agency", "created_by"), person_id)


def get_place_for_user(user: User, place_id: object) -> Place:
    return get_or_404(places_for(user).select_related("owning_agency", "created_by"), place_id)


def get_person_link_for_user(user: User, link_id: object) -> ChildPersonLink:
    return get_or_404(child_links_for(user).persons.select_related("child", "person"), link_id)


def get_place_link_for_user(user: User, link_id: object) -> ChildPlaceLink:
    return get_or_404(child_links_for(user).places.select_related("child", "place"), link_id)


def can_use_network(user: User) -> bool:
    """Record and see persons of concern, places, hotspots and the network: council case roles and police."""
    return _sees_network(user)


def can_record_police_intelligence(user: User) -> bool:
    return user.has_role(*POLICE_INTELLIGENCE_ROLES)


def force_has_links(user: User, child: Child) -> bool:
    """Whether the user's force recorded any person or place link for the child."""
    return (
        ChildPersonLink.objects.filter(child=child, owning_agency_id=user.agency_id).exists()
        or ChildPlaceLink.objects.filter(child=child, owning_agency_id=user.agency_id).exists()
    )


# Who may merge duplicates in the partnership register, and mark a pair as not duplicates: the council's
# missing children's coordinator and the police (who hold the intelligence). Every other role is refused.
REGISTER_MERGE_ROLES = (Role.COORDINATOR, *POLICE_INTELLIGENCE_ROLES)


def can_merge_register(user: User) -> bool:
    """Merge likely duplicate persons or places of the partnership register (and dismiss a proposed pair)."""
    return _sees_network(user) and user.has_role(*REGISTER_MERGE_ROLES)


def mergeable_persons_for(user: User) -> QuerySet[PersonOfConcern]:
    """The persons a user who may merge may be proposed, compare and merge: the unmerged records they see in full
    (`persons_for`: their agency's, and those linked to a child in their caseload). Another agency's record they
    could only find by an identifier is not shown to them in full, so they cannot merge it: a police force, whose
    caseload is every child of its area, merges the same adult recorded by two councils of the area."""
    return persons_for(user) if can_merge_register(user) else PersonOfConcern.objects.none()


def mergeable_places_for(user: User) -> QuerySet[Place]:
    """The places a user who may merge may be proposed, compare and merge (as `mergeable_persons_for`)."""
    return places_for(user) if can_merge_register(user) else Place.objects.none()


def merged_survivor_for(user: User, model: type[PersonOfConcern] | type[Place], pk: object) -> int | None:
    """The id of the record a merged person or place was merged into, when the user may see both (else None):
    the merged record's page redirects there."""
    if not _sees_network(user):
        return None
    try:
        record = model.objects.filter(_intelligence_visible(user), merged_into__isnull=False).get(pk=int(str(pk)))
    except (model.DoesNotExist, ValueError):
        return None
    survivor = record.merged_into_id
    assert survivor is not None  # filtered on merged_into above
    visible = persons_for(user) if model is PersonOfConcern else places_for(user)
    return survivor if visible.filter(pk=survivor).exists() else None
