"""The demo's task inbox, episode log and notifications (issue 11), made through the real actions so each has
something in it: entries in the logs of the demo council's children missing now, an alert handed to the social
worker, alerts that resolved themselves for children already found, and notifications (missing, found, interview
deadlines and the coordinator's daily digest) for the demo users. A second run adds nothing."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from access.models import Agency, Role, User
from children.models import Child
from episodes.actions import add_log_entry, report_missing
from episodes.codes import EpisodeType, LogEntryKind, MissingFrom, RiskGrade
from episodes.models import EpisodeLogEntry, MissingEpisode
from notifications.actions import notify
from notifications.codes import NotificationKind
from notifications.tasks import daily_digests, interview_deadlines, meeting_actions_due
from risk.actions import assign_alert
from risk.codes import AlertKind
from risk.models import Alert
from risk.triggers import resolve_stale_alerts

LOG = [
    (LogEntryKind.FAMILY_CONTACT, 50, "Carer called round friends' houses; not seen since the evening (synthetic)."),
    (LogEntryKind.POLICE_UPDATE, 40, "Officers checked the bus station and the retail park (synthetic)."),
    (LogEntryKind.SIGHTING, 25, "Possible sighting near the railway station by a shop worker (synthetic)."),
    (LogEntryKind.CALL, 10, "Text from the child to a friend: says they are safe, will not say where (synthetic)."),
]


@dataclass(frozen=True)
class InboxShowcaseResult:
    log_entries: int
    alerts_handed_on: int
    alerts_resolved: int
    notifications: int


def add_inbox_showcase(*, users: dict[str, User], council: Agency) -> InboxShowcaseResult:
    coordinator, police = users[Role.COORDINATOR], users[Role.POLICE]
    if EpisodeLogEntry.objects.filter(recorded_by__in=[coordinator, police]).exists():
        return InboxShowcaseResult(0, 0, 0, 0)
    now = timezone.now()
    council_children = Q(child__responsible_council=council) | Q(child__placement_council=council)
    missing = list(MissingEpisode.objects.open().filter(council_children).order_by("last_seen_at")[:2])
    missing.append(_report_one_missing(council, police, now))  # through the action: its notifications go out
    entries = 0
    for episode in missing:
        for kind, percent, note in LOG:
            occurred = episode.last_seen_at + (now - episode.last_seen_at) * (100 - percent) / 100
            author = police if kind in (LogEntryKind.POLICE_UPDATE, LogEntryKind.SIGHTING) else coordinator
            add_log_entry(episode, kind=kind, occurred_at=occurred, note=note, acting_user=author)
            entries += 1
    # The manager hands the longest-waiting coordinator's alert to the demo coordinator by name: the team view
    # then shows who holds it.
    handed = 0
    waiting = Alert.objects.unacknowledged().filter(council_children, for_role=Role.COORDINATOR, assigned_to=None)
    alert = waiting.select_related("child").order_by("raised_at", "pk").first()
    if alert is not None:
        assign_alert(alert, assignee=coordinator, expected_version=alert.version, acting_user=users[Role.TEAM_MANAGER])
        handed += 1
    resolved = 0
    stale = Alert.objects.unacknowledged().filter(
        council_children,
        kind__in=[AlertKind.MISSING_DURATION, AlertKind.YOUNG_CHILD],
        episode__returned_at__isnull=False,
    )
    for child_id in sorted(set(stale.values_list("child_id", flat=True))):
        resolved += len(resolve_stale_alerts(Child.objects.get(pk=child_id), now))
    told = _notifications(users, council, missing, now)
    return InboxShowcaseResult(entries, handed, resolved, told)


def _report_one_missing(council: Agency, police: User, now) -> MissingEpisode:
    """A child of the council with no open episode, reported missing by the demo police user six hours ago."""
    child = (
        Child.objects.filter(responsible_council=council)
        .exclude(episodes__returned_at__isnull=True, episodes__isnull=False)
        .order_by("pk")
        .first()
    )
    assert child is not None and police.agency is not None  # the demo council has children; police have a force
    return report_missing(
        acting_user=police,
        child=child,
        episode_type=EpisodeType.MISSING,
        missing_from=MissingFrom.HOME,
        last_seen_at=now - dt.timedelta(hours=6),
        last_seen_place="The retail park (synthetic)",
        reported_at=now - dt.timedelta(hours=5),
        reported_by="Parent (synthetic)",
        police_force=police.agency,
        risk_grade=RiskGrade.MEDIUM,
    )


def _notifications(users: dict[str, User], council: Agency, missing: list[MissingEpisode], now) -> int:
    from notifications import recipients

    told = 0
    for episode in missing:
        told += len(
            notify(
                NotificationKind.CHILD_MISSING,
                recipients.about_episode(episode, acting_user=None),
                about=f"episode:{episode.pk}",
                link=reverse("episodes:detail", args=[episode.pk]),
                child_id=episode.child_id,
            )
        )
    found = MissingEpisode.objects.returned().filter(child__responsible_council=council).order_by("-returned_at")
    for episode in found[:2]:
        told += len(
            notify(
                NotificationKind.CHILD_FOUND,
                recipients.about_episode(episode, acting_user=None),
                about=f"episode:{episode.pk}",
                link=reverse("episodes:detail", args=[episode.pk]),
                child_id=episode.child_id,
            )
        )
    soon, overdue = interview_deadlines(now)
    # The demo meetings' actions (synthetic/meetings.py): each owner was told when given one; now those due or
    # overdue are chased, and the chairs hear of overdue ones.
    actions_due, actions_overdue = meeting_actions_due(now)
    return told + soon + overdue + actions_due + actions_overdue + daily_digests(now)
