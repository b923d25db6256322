"""What the network app lets a share name (sharing.Share, through the kernel's registry `access.share_kinds`):
police intelligence about one person of concern the force recorded, or (with no person) every person and place
the force has linked to the child. Loaded by `sharing.models` before it defines `Share` (ADR 0016).

A police intelligence share belongs to the force that made it: its police staff see and withdraw it, and it shows
its recipient the links the force had recorded up to the moment of sharing (`shared_intelligence`)."""

from dataclasses import dataclass, field
from typing import Any

from access.models import Role, User
from access.share_kinds import ShareableItem, ShareKind, register_item, register_kind
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern

PERSON = "person"  # the Share column
POLICE_INTELLIGENCE = "police_intelligence"  # Share.what

# What the recipient sees of the person of concern (the share page of sharing shows these, with the links).
PERSON_FIELDS_SHARED = frozenset({"display_name", "kind", "aliases", "description", "vehicles", "phone_numbers"})
LINK_FIELDS_SHARED = frozenset({"source", "ended_at", "linked_on", "confidence", "notes"})


@dataclass
class SharedIntelligence:
    """What a police intelligence share shows: the person of concern (if one), and the links."""

    person: PersonOfConcern | None = None
    person_links: list[ChildPersonLink] = field(default_factory=list)
    place_links: list[ChildPlaceLink] = field(default_factory=list)


def shared_intelligence(share: Any) -> SharedIntelligence:
    """Exactly what was shared, as it was when shared: the links the sharing force had recorded for the child
    (to the one person, or all of them) up to the moment of sharing."""
    links = {"child_id": share.child_id, "owning_agency_id": share.from_agency_id, "recorded_at__lte": share.shared_at}
    if share.person_id:
        person_links = ChildPersonLink.objects.filter(person_id=share.person_id, **links)
        return SharedIntelligence(
            person=share.person,
            person_links=list(person_links.select_related("person", "episode").order_by("-linked_on", "-pk")),
        )
    return SharedIntelligence(
        person_links=list(
            ChildPersonLink.objects.filter(**links).select_related("person", "episode").order_by("-linked_on", "-pk")
        ),
        place_links=list(
            ChildPlaceLink.objects.filter(**links).select_related("place", "episode").order_by("-linked_on", "-pk")
        ),
    )


def _visible_to(user: User) -> Any:
    from network.scoping import persons_for

    return persons_for(user)


def _candidates(user: User, child: Any) -> Any:
    """A force offers the persons of concern it recorded that are linked to the child."""
    if not user.has_role(Role.POLICE):
        return PersonOfConcern.objects.none()
    persons = PersonOfConcern.objects.filter(owning_agency_id=user.agency_id, child_links__child=child).distinct()
    return persons.order_by("display_name", "pk")


def _may_share_about(user: User, child: Any) -> bool:
    """Police whose force recorded persons or places linked to the child."""
    from network.scoping import force_has_links

    return user.has_role(Role.POLICE) and force_has_links(user, child)


def _may_share_intelligence(user: User, child: Any, person: PersonOfConcern | None) -> bool:
    """Police share intelligence their own force recorded: a person of concern linked to the child, or the
    force's links for the child."""
    from network.scoping import force_has_links

    if not user.has_role(Role.POLICE):
        return False
    if person is None:
        return force_has_links(user, child)
    return (
        person.owning_agency_id == user.agency_id
        and ChildPersonLink.objects.filter(child=child, person=person).exists()
    )


register_item(
    ShareableItem(
        field=PERSON,
        model="network.PersonOfConcern",
        app_label="network",
        label="person of concern",
        order=30,
        visible_to=_visible_to,
        candidates=_candidates,
        option_label=lambda person: person.display_name,
        may_share_about=_may_share_about,
        unseen_error="Choose a person of concern you can see",
        of_child=False,
    )
)
register_kind(
    ShareKind(
        code=POLICE_INTELLIGENCE,
        label="Police intelligence",
        app_label="network",
        order=30,
        item=PERSON,
        item_required=False,
        may_share=_may_share_intelligence,
        receiver_fields=PERSON_FIELDS_SHARED | LINK_FIELDS_SHARED,
        missing_item="Police intelligence is about a person of concern or the child's links",
        hint="Police-held information about a person of concern, or the child's links",
        no_item_option=lambda child: f"every person and place your force has linked to {child.full_name}",
        no_item_label="the child's links",
        held_by_sharing_agency=(Role.POLICE,),
        content=shared_intelligence,
        content_template="network/_shared_intelligence.html",
    )
)
