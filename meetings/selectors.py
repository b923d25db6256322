"""What the meeting pages, the packs, the API and the work inbox (meetings.work) read about meetings and actions.

`meeting_view(viewer, meeting)` is the one place that gathers what a viewer reads of a meeting: the page shows it
to the signed-in user, the pack and the minutes to an agency (`scoping.agency_reader`), the API to the token's
user. Every piece comes through the owning app's scoped lookups and redaction for that viewer, so a school's pack
holds the school's pupils only, their episodes only as shared (without the free text), no police intelligence, no
screening, and no interview text the school was not given.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from access.models import User
from children.models import Child
from children.scoping import children_for
from episodes.models import MissingEpisode
from episodes.scoping import episodes_for, redact_episodes
from interviews.codes import FactorKind
from interviews.models import ReturnInterview
from interviews.scoping import interviews_for, redact_interview
from meetings.models import Meeting, MeetingAction, MeetingAgency, MeetingChild, MeetingPerson
from meetings.scoping import actions_for
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place
from network.scoping import child_links_for, persons_for, places_for
from risk.models import Screening
from risk.scoping import screenings_for

# What the child said, in the order a reader wants it, with the labels the interview page uses.
INTERVIEW_WORDS = (
    ("where_stayed", "Where they stayed"),
    ("who_with", "Who they were with"),
    ("harm_suffered", "Harm suffered"),
    ("disclosure_details", "Disclosures in the child's words"),
    ("childs_wishes", "The child's wishes"),
    ("actions_agreed", "Actions agreed"),
    ("narrative", "Practitioner's notes"),
)


# --- for the work inbox ---------------------------------------------------------------------------------


def open_actions_for(user: User) -> QuerySet[MeetingAction]:
    """The open actions the user owns, soonest due first."""
    return (
        MeetingAction.objects.open()
        .filter(owner_id=user.pk)
        .select_related("meeting", "child", "owner_agency")
        .order_by("due_on", "pk")
    )


def overdue_actions_for(user: User, now: datetime) -> QuerySet[MeetingAction]:
    """The open actions the user owns that were due before today."""
    return open_actions_for(user).filter(due_on__lt=timezone.localdate(now))


def overdue_actions_chaired_by(user: User, now: datetime) -> QuerySet[MeetingAction]:
    """Open actions past their due date from meetings the user chairs (whoever owns them)."""
    return (
        MeetingAction.objects.overdue(timezone.localdate(now))
        .filter(meeting__chair_id=user.pk)
        .select_related("meeting", "child", "owner", "owner_agency")
        .order_by("due_on", "pk")
    )


# --- one meeting as a viewer reads it -------------------------------------------------------------------


@dataclass
class InterviewFindings:
    interview: ReturnInterview
    push_factors: list[str]
    pull_factors: list[str]
    disclosures: list[str]
    words: list[tuple[str, str]]  # (label, text) of what the child said that the viewer may read
    withheld: bool  # some of what the child said is not for this viewer


@dataclass
class ChildSection:
    """One child discussed, as the viewer may read them."""

    child: Child
    discussed: MeetingChild
    episodes: list[MissingEpisode]
    interviews: list[InterviewFindings]
    screening: Screening | None
    person_links: list[ChildPersonLink]
    place_links: list[ChildPlaceLink]
    actions: list[MeetingAction]

    @property
    def open_actions(self) -> list[MeetingAction]:
        return [action for action in self.actions if action.is_open]


@dataclass
class MeetingView:
    meeting: Meeting
    agencies: list[MeetingAgency]
    people: list[MeetingPerson]
    children: list[ChildSection]
    children_not_shown: int  # children discussed whom the viewer may not see
    actions: list[MeetingAction]  # the meeting's actions about no one child
    persons: list[PersonOfConcern] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)

    @property
    def all_actions(self) -> list[MeetingAction]:
        return sorted(
            [*self.actions, *(a for section in self.children for a in section.actions)], key=lambda a: (a.due_on, a.pk)
        )

    @property
    def open_actions(self) -> list[MeetingAction]:
        return [action for action in self.all_actions if action.is_open]


def _findings(viewer: User, interview: ReturnInterview) -> InterviewFindings:
    redact_interview(viewer, interview)
    words = [(label, text) for name, label in INTERVIEW_WORDS if (text := getattr(interview, name))]
    return InterviewFindings(
        interview=interview,
        push_factors=interview.factor_labels(FactorKind.PUSH),
        pull_factors=interview.factor_labels(FactorKind.PULL),
        disclosures=interview.factor_labels(FactorKind.DISCLOSURE),
        words=words,
        withheld=bool(interview.withheld_fields),
    )


def _child_section(viewer: User, discussed: MeetingChild, actions: list[MeetingAction]) -> ChildSection:
    child = discussed.child
    episodes = redact_episodes(
        viewer, episodes_for(viewer).filter(child=child).select_related("police_force").order_by("-last_seen_at")
    )
    interviews = (
        interviews_for(viewer)
        .filter(child=child)
        .select_related("child")
        .prefetch_related("factors")
        .order_by("-due_by")
    )
    links = child_links_for(viewer)
    return ChildSection(
        child=child,
        discussed=discussed,
        episodes=episodes,
        interviews=[_findings(viewer, interview) for interview in interviews],
        screening=screenings_for(viewer).filter(child=child).prefetch_related("flags").first(),
        person_links=list(links.persons.filter(child=child, ended_at__isnull=True).select_related("person")),
        place_links=list(links.places.filter(child=child, ended_at__isnull=True).select_related("place")),
        actions=[action for action in actions if action.child_id == child.pk],
    )


def meeting_view(viewer: User, meeting: Meeting) -> MeetingView:
    """Everything about the meeting the viewer may read (the caller has checked they may see the meeting)."""
    visible_children = set(children_for(viewer).filter(meetings__meeting=meeting).values_list("pk", flat=True))
    discussed = list(meeting.children.select_related("child", "child__responsible_council"))
    actions = list(
        actions_for(viewer)
        .filter(meeting=meeting)
        .select_related("owner", "owner_agency", "child", "status_changed_by")
    )
    return MeetingView(
        meeting=meeting,
        agencies=list(meeting.agencies.select_related("agency")),
        people=list(meeting.people.select_related("user", "user__agency")),
        children=[_child_section(viewer, row, actions) for row in discussed if row.child_id in visible_children],
        children_not_shown=sum(1 for row in discussed if row.child_id not in visible_children),
        actions=[action for action in actions if action.child_id is None],
        persons=list(persons_for(viewer).filter(pk__in=meeting.persons.values("pk"))),
        places=list(places_for(viewer).filter(pk__in=meeting.places.values("pk"))),
    )
