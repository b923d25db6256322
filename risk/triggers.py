"""The risk triggers: what should have raised an alert for a child at a given moment.

Each trigger is a plain function from a child's records (and `now`) to the alerts that are due, each
named by a `dedupe_key`. `evaluate_child` raises the due alerts that do not exist yet, so a trigger
fires once, however many times the child is evaluated (on every change, and by the scheduled sweep).

The rules, all thresholds from settings:
- **Repeat missing**: the child's latest episode has at least HOMEWARD_REPEAT_MISSING_COUNT episodes
  (counted by time last seen, its own included) within HOMEWARD_REPEAT_MISSING_WINDOW_DAYS days
  ending at its time last seen (inclusive: exactly 90 days earlier still counts). The alert names the
  episode at which the child went over the threshold in the current run of episodes that are each over
  it, so later episodes in the same run do not raise it again; a child who drops below and crosses
  again gets a new alert. Key `repeat:<crossing episode>`.
- **High risk**: an episode graded high now, or at any point in its history. Key `high:<episode>`.
- **Missing duration**: an open episode whose child was last seen at least N hours before `now`, for
  each N in HOMEWARD_MISSING_ESCALATION_HOURS (exactly 24:00 fires; 23:59 does not). It goes to
  HOMEWARD_ESCALATION_ROLE. Key `duration:<episode>:<N>`.
- **Young child**: the child was younger than HOMEWARD_YOUNG_CHILD_AGE on the (local) day last seen
  (12 years 364 days fires; the 13th birthday does not). Key `young:<episode>`.
- **Exploitation disclosed**: a completed return interview recorded one of EXPLOITATION_DISCLOSURES.
  Key `disclosure:<interview>`.
- **Screening suggested**: a completed return interview recorded push or pull factors that point to exploitation
  (EXPLOITATION_FACTORS: adults offering gifts or money, drugs or alcohol, gangs, a relationship) and no
  exploitation disclosure (that raises its own alert), and the child has had no screening since. A prompt to
  screen that names the factors, not a finding. Key `factors:<interview>`.
- **From other apps** (`children.hooks.register_alert_source`): alerts an app above risk says are due, such
  as the network's "linked to children of another council" (`network.alerts`), each with its own key and
  look-back. They go to the coordinator.

Only recent records raise alerts: episodes still open or returned within HOMEWARD_ALERT_LOOKBACK_DAYS,
interviews held within it (and, for repeat missing, a latest episode within it), so years of history
loaded at once do not flood anyone's My work; a duration escalation fires only if its time passed within the
look-back. Every alert goes to the coordinator except the duration escalations.

Alerts resolve themselves when they stop being true (`resolve_stale_alerts`): a duration escalation when the child
is found, a young-child alert when the episode closes. The reason is recorded and audited; the alert stays.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from access.audit import record_event
from access.models import AuditEvent, Role
from children import hooks
from children.models import Child
from core.templatetags.govuk import govuk_datetime
from episodes.codes import RiskGrade
from episodes.models import MissingEpisode, RiskGradeChange
from interviews.codes import Disclosure, FactorKind
from interviews.models import ReturnInterview
from risk.actions import resolve_alert
from risk.codes import EXPLOITATION_DISCLOSURES, EXPLOITATION_FACTORS, AlertKind, factor_label
from risk.models import Alert, Screening


@dataclass(frozen=True)
class DueAlert:
    """An alert a trigger says should exist."""

    kind: str
    dedupe_key: str
    for_role: str
    detail: str
    episode: MissingEpisode | None = None
    interview: ReturnInterview | None = None
    threshold_hours: int | None = None


def _local(moment: datetime) -> str:
    return govuk_datetime(moment)


def _is_recent(episode: MissingEpisode, now: datetime) -> bool:
    """Open, or returned within the look-back period."""
    cutoff = now - timedelta(days=settings.HOMEWARD_ALERT_LOOKBACK_DAYS)
    return episode.returned_at is None or episode.returned_at >= cutoff


def episodes_in_window(episodes: list[MissingEpisode]) -> list[int]:
    """For each episode (sorted by time last seen), how many episodes fall in the repeat window ending at it."""
    window = timedelta(days=settings.HOMEWARD_REPEAT_MISSING_WINDOW_DAYS)
    counts: list[int] = []
    start = 0
    for index, episode in enumerate(episodes):
        while episodes[start].last_seen_at < episode.last_seen_at - window:
            start += 1
        counts.append(index - start + 1)
    return counts


def repeat_missing(episodes: list[MissingEpisode], now: datetime) -> list[DueAlert]:
    if not episodes or not _is_recent(episodes[-1], now):
        return []
    threshold = settings.HOMEWARD_REPEAT_MISSING_COUNT
    counts = episodes_in_window(episodes)
    if counts[-1] < threshold:
        return []
    first = len(episodes) - 1
    while first > 0 and counts[first - 1] >= threshold:
        first -= 1
    crossing = episodes[first]
    days = settings.HOMEWARD_REPEAT_MISSING_WINDOW_DAYS
    return [
        DueAlert(
            kind=AlertKind.REPEAT_MISSING,
            dedupe_key=f"repeat:{crossing.pk}",
            for_role=Role.COORDINATOR,
            detail=f"{counts[-1]} episodes in the {days} days to {_local(episodes[-1].last_seen_at)}",
            episode=crossing,
        )
    ]


def high_risk(episodes: list[MissingEpisode], now: datetime) -> list[DueAlert]:
    recent = [e for e in episodes if _is_recent(e, now)]
    ever_high = set(
        RiskGradeChange.objects.filter(episode__in=[e.pk for e in recent], grade=RiskGrade.HIGH).values_list(
            "episode_id", flat=True
        )
    )
    due = []
    for episode in recent:
        if episode.risk_grade == RiskGrade.HIGH:
            detail = "Police risk grade high"
        elif episode.pk in ever_high:
            detail = f"Graded high during the episode, now {episode.get_risk_grade_display().lower()}"
        else:
            continue
        due.append(
            DueAlert(
                kind=AlertKind.HIGH_RISK,
                dedupe_key=f"high:{episode.pk}",
                for_role=Role.COORDINATOR,
                detail=f"{detail} (last seen {_local(episode.last_seen_at)})",
                episode=episode,
            )
        )
    return due


def missing_duration(episodes: list[MissingEpisode], now: datetime) -> list[DueAlert]:
    """Escalations an open episode has passed, each only if it passed within the look-back: an episode loaded
    (or left open) from long ago does not raise escalations for times long gone."""
    cutoff = now - timedelta(days=settings.HOMEWARD_ALERT_LOOKBACK_DAYS)
    return [
        DueAlert(
            kind=AlertKind.MISSING_DURATION,
            dedupe_key=f"duration:{episode.pk}:{hours}",
            for_role=settings.HOMEWARD_ESCALATION_ROLE,
            detail=f"Last seen {_local(episode.last_seen_at)} and not yet found",
            episode=episode,
            threshold_hours=hours,
        )
        for episode in episodes
        if episode.is_open
        for hours in settings.HOMEWARD_MISSING_ESCALATION_HOURS
        if now - episode.last_seen_at >= timedelta(hours=hours)
        and episode.last_seen_at + timedelta(hours=hours) >= cutoff
    ]


def young_child(child: Child, episodes: list[MissingEpisode], now: datetime) -> list[DueAlert]:
    due = []
    for episode in episodes:
        age = child.age_on(timezone.localdate(episode.last_seen_at))
        if age < settings.HOMEWARD_YOUNG_CHILD_AGE and _is_recent(episode, now):
            due.append(
                DueAlert(
                    kind=AlertKind.YOUNG_CHILD,
                    dedupe_key=f"young:{episode.pk}",
                    for_role=Role.COORDINATOR,
                    detail=f"Aged {age} when last seen {_local(episode.last_seen_at)}",
                    episode=episode,
                )
            )
    return due


def exploitation_disclosed(child: Child, now: datetime) -> list[DueAlert]:
    cutoff = now - timedelta(days=settings.HOMEWARD_ALERT_LOOKBACK_DAYS)
    interviews = (
        ReturnInterview.objects.filter(
            child=child,
            completed_at__gte=cutoff,
            factors__kind=FactorKind.DISCLOSURE,
            factors__code__in=EXPLOITATION_DISCLOSURES,
        )
        .distinct()
        .prefetch_related("factors")
        .order_by("completed_at", "pk")
    )
    due = []
    for interview in interviews:
        assert interview.completed_at is not None  # only written-up interviews are read here
        codes = [code for code in interview.factor_codes(FactorKind.DISCLOSURE) if code in EXPLOITATION_DISCLOSURES]
        labels = ", ".join(Disclosure(code).label for code in sorted(codes))
        due.append(
            DueAlert(
                kind=AlertKind.EXPLOITATION_DISCLOSED,
                dedupe_key=f"disclosure:{interview.pk}",
                for_role=Role.COORDINATOR,
                detail=f"Recorded in the interview of {_local(interview.completed_at)}: {labels}"[:200],
                interview=interview,
            )
        )
    return due


def screening_suggested(child: Child, now: datetime) -> list[DueAlert]:
    """A prompt to screen for each recent interview whose push or pull factors point to exploitation, unless it
    recorded an exploitation disclosure (its own alert) or the child was screened after it."""
    cutoff = now - timedelta(days=settings.HOMEWARD_ALERT_LOOKBACK_DAYS)
    interviews = (
        ReturnInterview.objects.filter(child=child, completed_at__gte=cutoff, factors__code__in=factor_codes())
        .distinct()
        .prefetch_related("factors")
        .order_by("completed_at", "pk")
    )
    last_screened = (
        Screening.objects.filter(child=child).order_by("-screened_at").values_list("screened_at", flat=True).first()
    )
    due = []
    for interview in interviews:
        assert interview.completed_at is not None  # only written-up interviews are read here
        if last_screened is not None and last_screened >= interview.completed_at:
            continue
        found = prompting_factors(interview)
        if not found or set(interview.factor_codes(FactorKind.DISCLOSURE)) & EXPLOITATION_DISCLOSURES:
            continue
        labels = ", ".join(factor_label(kind, code) for kind, code in found)
        due.append(
            DueAlert(
                kind=AlertKind.SCREENING_SUGGESTED,
                dedupe_key=f"factors:{interview.pk}",
                for_role=Role.COORDINATOR,
                detail=f"Interview of {_local(interview.completed_at)}: {labels}"[:200],
                interview=interview,
            )
        )
    return due


def factor_codes() -> list[str]:
    return sorted({code for _, code in EXPLOITATION_FACTORS})


def prompting_factors(interview: ReturnInterview) -> list[tuple[str, str]]:
    """The interview's push and pull factors that point to exploitation, in a steady order."""
    return sorted({(f.kind, f.code) for f in interview.factors.all()} & EXPLOITATION_FACTORS)


def due_alerts(child: Child, now: datetime) -> list[DueAlert]:
    """Every alert the child's records call for at `now`, raised before or not."""
    episodes = list(MissingEpisode.objects.filter(child=child).order_by("last_seen_at", "pk"))
    # Imported history (a council's SSDA903, episodes.actions.record_imported_episode) raises no alert: the
    # periods are long past and were dealt with in the council's own system. They still count towards a repeat
    # when an episode reported in Homeward crosses the threshold.
    live = [episode for episode in episodes if not episode.imported_from]
    repeat = repeat_missing(episodes, now) if live and episodes[-1] is live[-1] else []
    return [
        *[_on_live(alert, live) for alert in repeat],
        *high_risk(live, now),
        *missing_duration(live, now),
        *young_child(child, live, now),
        *exploitation_disclosed(child, now),
        *screening_suggested(child, now),
        *from_other_apps(child, now),
    ]


def from_other_apps(child: Child, now: datetime) -> list[DueAlert]:
    """The alerts other apps say are due for the child (children.hooks), for the coordinator."""
    return [
        DueAlert(kind=due.kind, dedupe_key=due.dedupe_key, for_role=Role.COORDINATOR, detail=due.detail[:200])
        for due in hooks.alerts_due_from_apps(child.pk, now)
        if due.kind in AlertKind.values
    ]


def _on_live(alert: DueAlert, live: list[MissingEpisode]) -> DueAlert:
    """A repeat alert whose crossing episode was imported names the first episode reported in Homeward after it."""
    crossing = alert.episode
    if crossing is None or not crossing.imported_from:
        return alert
    first = next(episode for episode in live if episode.last_seen_at >= crossing.last_seen_at)
    return replace(alert, dedupe_key=f"repeat:{first.pk}", episode=first)


def _raise(child: Child, due: DueAlert, now: datetime) -> Alert | None:
    with transaction.atomic():
        alert, created = Alert.objects.get_or_create(
            child=child,
            dedupe_key=due.dedupe_key,
            defaults={
                "kind": due.kind,
                "for_role": due.for_role,
                "detail": due.detail,
                "episode": due.episode,
                "interview": due.interview,
                "threshold_hours": due.threshold_hours,
                "raised_at": now,
            },
        )
        if not created:
            return None
        record_event(
            actor=None,
            action=AuditEvent.Action.CREATE,
            obj=alert,
            child_id=child.pk,
            summary=f"Alert raised: {alert.title}",
            changes={"kind": [None, due.kind], "dedupe_key": [None, due.dedupe_key], "for_role": [None, due.for_role]},
        )
    return alert


# The alerts that stop being true when the episode they name ends, and why, in words.
RESOLVED_BY_RETURN: dict[str, str] = {
    AlertKind.MISSING_DURATION: "The child was found or came back on {returned}",
    AlertKind.YOUNG_CHILD: "The missing episode closed on {returned}",
}


def resolve_stale_alerts(child: Child, now: datetime) -> list[Alert]:
    """Resolve the child's open alerts that are no longer true: a duration escalation once the child is found, a
    young-child alert once the episode closes. Each keeps its place in the child's history, with the reason."""
    stale = Alert.objects.unacknowledged().filter(
        child=child, kind__in=list(RESOLVED_BY_RETURN), episode__returned_at__isnull=False
    )
    resolved = []
    for alert in stale.select_related("episode").order_by("pk"):
        returned = alert.episode.returned_at if alert.episode else None
        if returned is None:  # the filter above: an alert on a returned episode
            continue
        reason = RESOLVED_BY_RETURN[alert.kind].format(returned=_local(returned))
        if (done := resolve_alert(alert, reason=reason, now=now)) is not None:
            resolved.append(done)
    return resolved


def evaluate_child(child: Child, *, now: datetime | None = None) -> list[Alert]:
    """Raise every due alert the child does not have yet, and resolve those no longer true; return the new ones.
    Safe to call any number of times."""
    now = now or timezone.now()
    resolve_stale_alerts(child, now)
    existing = set(Alert.objects.filter(child=child).values_list("dedupe_key", flat=True))
    raised = []
    for due in due_alerts(child, now):
        if due.dedupe_key in existing:
            continue
        existing.add(due.dedupe_key)
        if (alert := _raise(child, due, now)) is not None:
            raised.append(alert)
    return raised


def raise_recent_alerts(now: datetime | None = None) -> int:
    """Evaluate every child with an episode inside the alert look-back: for data loaded in bulk (the synthetic
    generator, an import), where no action queued the evaluations. Returns how many alerts were raised."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.HOMEWARD_ALERT_LOOKBACK_DAYS)
    recent = MissingEpisode.objects.filter(Q(returned_at__isnull=True) | Q(returned_at__gte=since))
    children = Child.objects.filter(pk__in=recent.values("child_id")).order_by("pk")
    return sum(len(evaluate_child(child, now=now)) for child in children)
