"""The demo's meetings (issue 11): a strategy discussion called from an alert, an upcoming missing review meeting
and a MACE panel linking children to a person of concern, each with actions (some overdue, some done or
cancelled), made through the meetings app's actions as the demo coordinator.

Idempotent: nothing is made when the demo coordinator has called a meeting already. Everything is synthetic.
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from access.models import Agency, Role, User
from children.models import Child
from meetings.actions import (
    add_action,
    call_meeting,
    cancel_action,
    complete_action,
    link_to_meeting,
    record_attendance,
    record_discussion,
)
from meetings.codes import Attendance, MeetingKind
from meetings.models import Meeting
from network.models import ChildPersonLink
from network.scoping import persons_for
from risk.models import Alert


def add_demo_meetings(*, users: dict[str, User], school: Agency, health: Agency, provider: Agency) -> int:
    """Make the demo's three meetings (none when the coordinator has called one already); how many were made."""
    coordinator = users[Role.COORDINATOR]
    if Meeting.objects.filter(created_by=coordinator).exists():
        return 0
    council = coordinator.agency
    assert council is not None and council.police_force is not None  # the demo's council and its force (demo users)
    police = council.police_force
    children = _children(council, school)
    if len(children) < 3:
        return 0
    today, now = timezone.localdate(), timezone.now()
    strategy = _strategy_discussion(children[0], users, [council, police, health, school], now, today)
    review = call_meeting(
        kind=MeetingKind.MISSING_REVIEW,
        held_at=now + dt.timedelta(days=4),
        place="Civic Centre, meeting room 3",
        online=True,
        chair=users[Role.TEAM_MANAGER],
        children=[children[1]],
        agencies=[council, police, school, provider],
        people=[users[Role.SOCIAL_WORKER]],
        acting_user=coordinator,
    )
    add_action(
        review,
        what="Bring the return interview findings from the last three episodes",
        owner=users[Role.RHI_PRACTITIONER],
        due_on=today + dt.timedelta(days=3),
        child=children[1],
        acting_user=coordinator,
    )
    _mace_panel(children, users, [council, police, health, school], now, today)
    return 3 if strategy and review else 0


def _children(council: Agency, school: Agency) -> list[Child]:
    """The council's children with the most episodes, pupils of the demo school first (so its safeguarding lead
    sees a meeting), and those linked to a person of concern (for the MACE panel)."""
    return list(
        Child.objects.filter(responsible_council=council, episodes__isnull=False)
        .annotate(
            at_school=Count("pk", filter=Q(school=school)),
            episodes_count=Count("episodes", distinct=True),
        )
        .order_by("-at_school", "-episodes_count", "pk")[:5]
    )


def _strategy_discussion(child: Child, users: dict[str, User], agencies: list[Agency], now, today) -> Meeting:
    coordinator = users[Role.COORDINATOR]
    alert = Alert.objects.unacknowledged().filter(child=child, for_role=Role.COORDINATOR).first()
    meeting = call_meeting(
        kind=MeetingKind.STRATEGY_DISCUSSION,
        held_at=now - dt.timedelta(days=3),
        place="Police station, safeguarding hub",
        chair=coordinator,
        children=[child],
        agencies=agencies,
        people=[users[Role.SOCIAL_WORKER], users[Role.POLICE], users[Role.SCHOOL_DSL]],
        from_alert=alert,
        acting_user=coordinator,
    )
    school = agencies[3]
    record_attendance(
        meeting,
        agencies={agency.pk: Attendance.PRESENT for agency in agencies} | {agencies[2].pk: Attendance.APOLOGIES},
        people={users[Role.SOCIAL_WORKER].pk: Attendance.PRESENT, users[Role.POLICE].pk: Attendance.PRESENT},
        expected_version=meeting.version,
        acting_user=coordinator,
    )
    record_discussion(
        meeting.children.get(),
        discussion="Synthetic demo: three episodes this month, found each time near the bus station late at night.",
        decisions="Section 47 enquiry not needed yet; safety plan with the carers; police to check the bus station.",
        expected_version=1,
        acting_user=coordinator,
    )
    add_action(
        meeting,
        what="Agree a safety plan with the carers",
        owner=users[Role.SOCIAL_WORKER],
        due_on=today - dt.timedelta(days=1),
        child=child,
        acting_user=coordinator,
    )
    add_action(
        meeting,
        what="Patrol the bus station on Friday and Saturday nights",
        owner=users[Role.POLICE],
        due_on=today + dt.timedelta(days=5),
        child=child,
        acting_user=coordinator,
    )
    add_action(
        meeting,
        what="Tell the safeguarding lead when the child misses school",
        owner=users[Role.SCHOOL_DSL] if users[Role.SCHOOL_DSL].agency_id == school.pk else coordinator,
        due_on=today + dt.timedelta(days=7),
        child=child,
        acting_user=coordinator,
    )
    return meeting


def _mace_panel(children: list[Child], users: dict[str, User], agencies: list[Agency], now, today) -> Meeting:
    coordinator = users[Role.COORDINATOR]
    linked = list(
        Child.objects.filter(
            pk__in=ChildPersonLink.objects.filter(child__responsible_council=coordinator.agency).values("child")
        ).order_by("pk")[:3]
    )
    panel_children = linked if len(linked) >= 2 else children[2:5]
    panel = call_meeting(
        kind=MeetingKind.MACE_PANEL,
        held_at=now - dt.timedelta(days=10),
        online=True,
        chair=users[Role.TEAM_MANAGER],
        children=panel_children,
        agencies=agencies,
        acting_user=coordinator,
    )
    persons = persons_for(coordinator).filter(child_links__child__in=panel_children).distinct()[:2]
    if persons:
        link_to_meeting(panel, persons=persons, expected_version=panel.version, acting_user=coordinator)
    done = add_action(
        panel,
        what="Share the panel's map of linked children with the exploitation team",
        owner=users[Role.TEAM_MANAGER],
        due_on=today - dt.timedelta(days=5),
        acting_user=coordinator,
    )
    complete_action(done, expected_version=done.version, acting_user=users[Role.TEAM_MANAGER])
    dropped = add_action(
        panel,
        what="Ask the takeaway's licence holder about late-night visitors",
        owner=users[Role.POLICE],
        due_on=today - dt.timedelta(days=2),
        acting_user=coordinator,
    )
    cancel_action(
        dropped,
        note="Synthetic demo: overtaken by a police operation",
        expected_version=dropped.version,
        acting_user=coordinator,
    )
    add_action(
        panel,
        what="Disruption visit to the address linked to the children",
        owner=users[Role.POLICE],
        due_on=today - dt.timedelta(days=3),
        acting_user=coordinator,
    )
    return panel
