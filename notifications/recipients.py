"""Who hears about what, at once. The rules in one place (docs/notifications.md):

- a child reported missing or found: the child's allocated social worker, the coordinators of the responsible
  (placing) council and, for a child placed out of area, of the council hosting the placement; the designated
  safeguarding lead of the child's school only when the episode was shared with the school (or with them);
- a return interview 24 hours from its 72-hour deadline, and when the deadline passes: its practitioner and the
  coordinators of the child's responsible council;
- a meeting action given to someone, and when it is due: its owner; a meeting's actions overdue: its chair;
- the daily digest: every coordinator.

Only active users with an agency; never the person whose own action caused the news.
"""

from django.db.models import QuerySet

from access.models import Role, User
from access.scoping import received_shares
from episodes.models import MissingEpisode
from episodes.shareable import EPISODE_SUMMARY
from interviews.models import ReturnInterview
from meetings.models import Meeting, MeetingAction


def _people() -> QuerySet[User]:
    return User.objects.filter(is_active=True, agency__isnull=False)


def coordinators_of(council_ids: set[int]) -> list[User]:
    people = _people().filter(agency_id__in=council_ids, role_assignments__role=Role.COORDINATOR)
    return list(people.distinct().order_by("pk"))


def _unique(people: list[User | None], leaving_out: User | None) -> list[User]:
    seen: dict[int, User] = {}
    for person in people:
        if person is not None and person.is_active and person.agency_id and person != leaving_out:
            seen.setdefault(person.pk, person)
    return list(seen.values())


def school_leads_shown(episode: MissingEpisode) -> list[User]:
    """The child's school's safeguarding leads who receive a share of this episode (none otherwise)."""
    school_id = episode.child.school_id
    if school_id is None:
        return []
    leads = _people().filter(agency_id=school_id, role_assignments__role=Role.SCHOOL_DSL).distinct().order_by("pk")
    return [
        lead for lead in leads if received_shares(lead).filter(what=EPISODE_SUMMARY, episode_id=episode.pk).exists()
    ]


def about_episode(episode: MissingEpisode, *, acting_user: User | None) -> list[User]:
    """Who hears at once that the child is missing, or found."""
    child = episode.child
    councils = {child.responsible_council_id, child.placement_council_id} - {None}
    social_worker = child.social_worker if child.social_worker_id else None
    if social_worker is not None and social_worker.agency_id not in councils:
        social_worker = None  # moved on to another council: no longer this child's social worker
    return _unique([social_worker, *coordinators_of(councils), *school_leads_shown(episode)], acting_user)


def about_interview_deadline(interview: ReturnInterview) -> list[User]:
    """Who hears that a return interview is nearly due, or overdue: its practitioner and the coordinator."""
    practitioner = interview.assigned_to if interview.assigned_to_id else None
    return _unique([practitioner, *coordinators_of({interview.child.responsible_council_id})], None)


def about_meeting_action(action: MeetingAction, *, acting_user: User | None) -> list[User]:
    """Who hears that a meeting gave them an action, or that it is due: its owner (not when they gave it to
    themselves)."""
    return _unique([action.owner], acting_user)


def about_overdue_actions(meeting: Meeting) -> list[User]:
    """Who hears that a meeting's actions are overdue: its chair."""
    return _unique([meeting.chair], None)
