"""What the meetings app adds to other apps' pages, through their hooks: the menu item (core.navigation), the
child's meetings, decisions and open actions in their chronology (children.hooks), and the alert page's link to
the meeting its decision called, or to call one (risk.hooks)."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from access.models import User
from children.models import Child
from children.scoping import sees_child
from meetings.codes import MEETING_FOR_ALERT, MeetingKind
from meetings.models import MeetingChild
from meetings.scoping import actions_for, can_call_about, meetings_for, sees_meetings_page
from risk.models import Alert


def navigation_items(user: User) -> list[tuple[str, str]]:
    return [("Meetings", reverse("meetings:list"))] if sees_meetings_page(user) else []


def chronology_entries(user: User, child_id: int, now: datetime) -> list[tuple[datetime, dict]]:
    """Each meeting about the child the user may see, at when it is held, with its decisions about the child and
    the open actions about the child the user may see."""
    # Most children have never been discussed at a meeting: one cheap look first, before any scope is built.
    if not MeetingChild.objects.filter(child_id=child_id).exists() or not sees_child(user, child_id):
        return []
    discussed = (
        MeetingChild.objects.filter(child_id=child_id, meeting__in=meetings_for(user).values("pk"))
        .select_related("meeting", "meeting__chair")
        .order_by("-meeting__held_at")
    )
    open_actions = list(actions_for(user).open().filter(child_id=child_id).select_related("owner", "meeting"))
    today = timezone.localdate(now)
    entries = []
    for row in discussed:
        meeting = row.meeting
        details = [f"Chair: {meeting.chair}", f"Where: {meeting.where}"]
        if row.decisions:
            details.append(f"Decisions: {row.decisions}")
        for action in open_actions:
            if action.meeting_id == meeting.pk:
                overdue = " (overdue)" if action.due_on < today else ""
                details.append(f"Open action: {action.what}; {action.owner}, due {action.due_on:%d %b %Y}{overdue}")
        held = meeting.held_at <= now
        entries.append(
            (
                meeting.held_at,
                {
                    "other": True,
                    "when": meeting.held_at,
                    "record": meeting.get_kind_display(),
                    "href": reverse("meetings:detail", args=[meeting.pk]),
                    "details": details,
                    "status": "Held" if held else "Planned",
                },
            )
        )
    return entries


def alert_links(user: User, alert: Alert) -> list[tuple[str, str]]:
    """The meetings called from the alert that the user may see; and, for someone who may call one about the
    child, a link to call the meeting the alert calls for."""
    links = [
        (
            f"{meeting.get_kind_display()} on {timezone.localtime(meeting.held_at):%d %B %Y at %H:%M}",
            reverse("meetings:detail", args=[meeting.pk]),
        )
        for meeting in meetings_for(user).filter(from_alert=alert).order_by("held_at")
    ]
    if can_call_about(user, alert.child):
        kind = MeetingKind(MEETING_FOR_ALERT[alert.kind]).label
        links.append(
            (f"Call a meeting about this alert ({kind.lower()})", reverse("meetings:call-from-alert", args=[alert.pk]))
        )
    return links


def call_meeting_link(user: User, child: Child) -> tuple[str, str] | None:
    """From the child's record: call a meeting about them, for those who may."""
    if not can_call_about(user, child):
        return None
    return ("Call a meeting about this child", reverse("meetings:call-about-child", args=[child.pk]))
