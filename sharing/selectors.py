"""What a user may share about a child and with whom, and what a police intelligence share shows.

Every query starts from the scoped lookups (episodes_for, interviews_for, can_share, shares_for), so the lists
offer only items the user may share and recipients that make sense for the child.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from access.models import Agency, AgencyKind, Role, User
from access.scoping import SHARE_RECEIVING_ROLES
from children.models import Child
from core.templatetags.govuk import govuk_datetime
from episodes.scoping import episodes_for
from interviews.scoping import interviews_for
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place
from sharing.codes import WHAT_HINTS, ShareWhat
from sharing.models import Share
from sharing.scoping import can_share, works_for_childs_council

LINKS = "links"


@dataclass(frozen=True)
class ShareOption:
    """One thing the user may share: a `what` and its item, offered as one radio."""

    value: str
    label: str
    what: str
    item: object = None

    @property
    def hint(self) -> str:
        return WHAT_HINTS[self.what]


def share_options(
    user: User,
    child: Child,
    *,
    episode_id: str | None = None,
    interview_id: str | None = None,
    person_id: str | None = None,
) -> list[ShareOption]:
    """Everything the user may share about the child, newest first; narrowed to one item when the page was
    opened from that item (an episode, an interview or a person of concern)."""
    narrowed = any((episode_id, interview_id, person_id))
    options: list[ShareOption] = []
    if not narrowed or episode_id:
        episodes = episodes_for(user).filter(child=child).order_by("-last_seen_at", "-pk")
        if episode_id:
            episodes = episodes.filter(pk=_int(episode_id))
        for episode in episodes:
            if can_share(user, child, ShareWhat.EPISODE_SUMMARY, episode=episode):
                when = f"last seen {govuk_datetime(episode.last_seen_at)}"
                options.append(
                    ShareOption(
                        f"{ShareWhat.EPISODE_SUMMARY}:{episode.pk}",
                        f"Missing episode summary: {when}",
                        ShareWhat.EPISODE_SUMMARY,
                        episode,
                    )
                )
    if not narrowed or interview_id:
        interviews = interviews_for(user).filter(child=child).select_related("child").order_by("-due_by", "-pk")
        if interview_id:
            interviews = interviews.filter(pk=_int(interview_id))
        for interview in interviews:
            if can_share(user, child, ShareWhat.INTERVIEW_SUMMARY, interview=interview):
                when = f"due by {govuk_datetime(interview.due_by)}"
                for what, label in (
                    (ShareWhat.INTERVIEW_SUMMARY, "Return interview summary"),
                    (ShareWhat.FULL_INTERVIEW, "Full return interview"),
                ):
                    options.append(ShareOption(f"{what}:{interview.pk}", f"{label}: {when}", what, interview))
    if user.has_role(Role.POLICE) and (not narrowed or person_id):
        persons = PersonOfConcern.objects.filter(owning_agency_id=user.agency_id, child_links__child=child).distinct()
        if person_id:
            persons = persons.filter(pk=_int(person_id))
        for person in persons.order_by("display_name", "pk"):
            if can_share(user, child, ShareWhat.POLICE_INTELLIGENCE, person=person):
                options.append(
                    ShareOption(
                        f"{ShareWhat.POLICE_INTELLIGENCE}:{person.pk}",
                        f"Police intelligence: {person.display_name}",
                        ShareWhat.POLICE_INTELLIGENCE,
                        person,
                    )
                )
        if not narrowed and can_share(user, child, ShareWhat.POLICE_INTELLIGENCE):
            options.append(
                ShareOption(
                    f"{ShareWhat.POLICE_INTELLIGENCE}:{LINKS}",
                    f"Police intelligence: every person and place your force has linked to {child.full_name}",
                    ShareWhat.POLICE_INTELLIGENCE,
                )
            )
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
            episode_id=share.episode_id,
            interview_id=share.interview_id,
            person_id=share.person_id,
            to_agency_id=share.to_agency_id,
            to_user_id=share.to_user_id,
        )
        .exists()
    )


@dataclass
class SharedIntelligence:
    """What a police intelligence share shows: the person of concern (if one), and the links."""

    person: PersonOfConcern | None = None
    person_links: list[ChildPersonLink] = field(default_factory=list)
    place_links: list[ChildPlaceLink] = field(default_factory=list)


def shared_intelligence(share: Share) -> SharedIntelligence:
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
