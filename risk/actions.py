"""Every change to alerts, exploitation screenings and referrals: one transaction each, audited inside it.

Raising an alert is the triggers' job (risk/triggers.py); acknowledging one is always a person's
recorded decision. Free text (a decision's reason, screening notes, a referral's reason or a status
note) goes into the audit trail only as "[sensitive]".
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import SENSITIVE_MARK, record_event
from access.models import AuditEvent, Role, User
from access.scoping import in_child_councils
from children.hooks import repoint
from children.models import Child
from core.concurrency import versioned_update
from core.errors import Errors
from core.validation import check_choice, check_not_future, check_required
from risk.codes import (
    DECISIONS_NEEDING_REASON,
    LEVELS_REFUSED_WITH_OVERRIDE,
    REFERRAL_TRANSITIONS,
    AlertDecision,
    ExploitationFlag,
    Indicator,
    IndicatorTiming,
    ReferralStatus,
    ReferralTo,
    ScreeningKind,
    ScreeningLevel,
)
from risk.models import Alert, Referral, ReferralStatusChange, Screening, ScreeningFlag, ScreeningIndicator


def _sensitive_change(before: str, after: str) -> list[str | None]:
    return [SENSITIVE_MARK if before else None, SENSITIVE_MARK if after else None]


def _changed(changes: dict[str, list]) -> dict[str, list]:
    """Only the entries whose value changed (an empty note is not a change)."""
    return {name: pair for name, pair in changes.items() if pair[0] != pair[1]}


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


# --- Alerts ---------------------------------------------------------------------------------------


def acknowledge_alert(
    alert: Alert, *, decision: str, reason: str = "", acting_user: User, expected_version: int | None = None
) -> Alert:
    """Record the decision taken on an alert. An alert is acknowledged once; the decision then stands. With
    `expected_version` (the API), a stale version is a conflict."""
    reason = (reason or "").strip()
    errors = Errors()
    check_choice(errors, "decision", decision, AlertDecision, "Decision")
    if decision in DECISIONS_NEEDING_REASON and not reason:
        label = AlertDecision(decision).label.lower()
        errors.add("reason", f"Enter why the decision is {label}")
    with transaction.atomic():
        # With the version the caller loaded (the API), a stale one is a conflict. A decision stands once made, so
        # without one (the page, a meeting called from the alert) the row is locked and checked as it is now.
        if expected_version is None:
            locked = Alert.objects.select_for_update(no_key=True).values_list("version", flat=True)
            expected_version = locked.get(pk=alert.pk)
        edit = versioned_update(Alert, alert.pk, expected_version)
        current = edit.record
        if current.is_acknowledged:
            assert current.acknowledged_at is not None  # set with the acknowledgement
            errors.add(
                "alert",
                f"This alert was already acknowledged by {current.acknowledged_by} on "
                f"{_when(current.acknowledged_at)}: its decision stands",
            )
        elif current.is_resolved:
            assert current.resolved_at is not None
            errors.add(
                "alert",
                f"This alert resolved itself on {_when(current.resolved_at)} ({current.resolved_reason}): "
                "there is nothing to decide",
            )
        errors.raise_if_any()
        current.acknowledged_at = timezone.now()
        current.acknowledged_by = acting_user
        current.decision = decision
        current.decision_reason = reason
        edit.save(
            update_fields=["acknowledged_at", "acknowledged_by", "decision", "decision_reason", "version", "updated_at"]
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary=f"Alert acknowledged: {current.title}",
            changes=_changed({"decision": [None, decision], "decision_reason": _sensitive_change("", reason)}),
        )
    return current


def can_hold_alert(user: User, alert: Alert) -> bool:
    """Whether `user` could decide the alert: active, at one of the child's councils, holding its role."""
    return user.is_active and in_child_councils(user, alert.child) and user.has_role(alert.for_role)


def assign_alert(alert: Alert, *, assignee: User | None, expected_version: int, acting_user: User) -> Alert:
    """Hand the decision on an open alert to a colleague who holds the alert's role at the child's council (or
    back to whoever holds the role, with no assignee)."""
    if assignee is not None and not can_hold_alert(assignee, alert):
        raise ValidationError(
            {"assigned_to": f"Choose an active {Role(alert.for_role).label.lower()} at the child's council"}
        )
    with transaction.atomic():
        edit = versioned_update(Alert, alert.pk, expected_version, ["assigned_to_id"])
        current = edit.record
        if not current.is_open:
            raise ValidationError({"assigned_to": "This alert is no longer open: it cannot be handed on"})
        current.assigned_to = assignee
        changes = edit.save(update_fields=["assigned_to", "version", "updated_at"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary=f"Alert handed on: {current.title}",
            changes={"assigned_to": changes.get("assigned_to_id", [None, None])},
        )
    return current


def resolve_alert(alert: Alert, *, reason: str, now: datetime) -> Alert | None:
    """Close an open alert that is no longer true (no person decides: the audit event has no actor). The alert
    stays, with its reason, in the child's history. Returns None if someone acted on it first."""
    with transaction.atomic():
        # No person loaded it: the version is whatever it is now, the row locked first.
        version = Alert.objects.select_for_update(no_key=True).values_list("version", flat=True).get(pk=alert.pk)
        edit = versioned_update(Alert, alert.pk, version)
        current = edit.record
        if not current.is_open:
            return None
        current.resolved_at = now
        current.resolved_reason = reason[:200]
        edit.save(update_fields=["resolved_at", "resolved_reason", "version", "updated_at"])
        record_event(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary=f"Alert resolved itself: {current.title}",
            changes={"resolved_at": [None, now], "resolved_reason": [None, current.resolved_reason]},
        )
    return current


# --- Exploitation screening -----------------------------------------------------------------------


def override_reasons(child: Child, *, screened_on: date, learning_disability: bool) -> list[str]:
    """Why a child showing recent indicators may not be graded no risk or low (empty if nothing applies)."""
    reasons = []
    age = child.age_on(screened_on)
    if age < settings.HOMEWARD_YOUNG_CHILD_AGE:
        reasons.append(f"is under {settings.HOMEWARD_YOUNG_CHILD_AGE} (aged {age})")
    if learning_disability:
        reasons.append("has a learning disability")
    return reasons


def record_screening(
    child: Child,
    *,
    screened_at: datetime,
    kind: str,
    level: str,
    acting_user: User,
    recent_indicators: Iterable[str] = (),
    historical_indicators: Iterable[str] = (),
    learning_disability: bool = False,
    review_date: date | None = None,
    flags: Iterable[str] = (),
    notes: str = "",
) -> Screening:
    """Record a new exploitation screening; earlier screenings stay as they were (the history).

    The override: a child under HOMEWARD_YOUNG_CHILD_AGE, or with a learning disability, who shows any
    recent indicator cannot be graded no risk or low.
    """
    recent, historical, flag_codes = set(recent_indicators), set(historical_indicators), set(flags)
    notes = (notes or "").strip()
    errors = Errors()
    check_required(errors, "screened_at", screened_at, "when the screening was done")
    check_not_future(errors, "screened_at", screened_at, "The screening time")
    if screened_at and timezone.localdate(screened_at) < child.date_of_birth:
        errors.add("screened_at", "The screening time is before the child's date of birth")
    check_choice(errors, "kind", kind, ScreeningKind, "Type of screening")
    check_choice(errors, "level", level, ScreeningLevel, "Level")
    for field, codes, choices in (
        ("recent_indicators", recent, Indicator),
        ("historical_indicators", historical, Indicator),
        ("flags", flag_codes, ExploitationFlag),
    ):
        unknown = sorted(codes - set(choices.values))
        if unknown:
            errors.add(field, f"Unknown code: {', '.join(unknown)}")
    both = sorted(recent & historical & set(Indicator.values))
    if both:
        labels = "; ".join(Indicator(code).label for code in both)
        errors.add("historical_indicators", f"Tick each indicator as recent or historical, not both: {labels}")
    if screened_at and recent and level in LEVELS_REFUSED_WITH_OVERRIDE:
        reasons = override_reasons(
            child, screened_on=timezone.localdate(screened_at), learning_disability=learning_disability
        )
        if reasons:
            errors.add(
                "level",
                f"The child {' and '.join(reasons)} and shows recent indicators, so the level cannot be "
                f"{ScreeningLevel(level).label.lower()}: choose medium or high",
            )
    if level != ScreeningLevel.NO_RISK:
        check_required(errors, "review_date", review_date, "when the screening will be reviewed")
    if review_date and screened_at and review_date < timezone.localdate(screened_at):
        errors.add("review_date", "The review date must be on or after the screening date")
    errors.raise_if_any()
    with transaction.atomic():
        screening = Screening.objects.create(
            child=child,
            screened_at=screened_at,
            screened_by=acting_user,
            kind=kind,
            level=level,
            learning_disability=learning_disability,
            review_date=review_date,
            notes=notes,
        )
        ScreeningIndicator.objects.bulk_create(
            [ScreeningIndicator(screening=screening, code=c, timing=IndicatorTiming.RECENT) for c in sorted(recent)]
            + [
                ScreeningIndicator(screening=screening, code=c, timing=IndicatorTiming.HISTORICAL)
                for c in sorted(historical)
            ]
        )
        ScreeningFlag.objects.bulk_create(ScreeningFlag(screening=screening, flag=f) for f in sorted(flag_codes))
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=screening,
            child_id=child.pk,
            summary=f"Exploitation screening recorded: {screening.get_level_display().lower()}",
            changes=_changed(
                {
                    "screened_at": [None, screened_at],
                    "kind": [None, kind],
                    "level": [None, level],
                    "learning_disability": [None, learning_disability],
                    "review_date": [None, review_date],
                    "recent_indicators": [None, sorted(recent)],
                    "historical_indicators": [None, sorted(historical)],
                    "flags": [None, sorted(flag_codes)],
                    "notes": _sensitive_change("", notes),
                }
            ),
        )
    return screening


# --- Referrals ------------------------------------------------------------------------------------


def make_referral(
    child: Child, *, to: str, reason: str, acting_user: User, made_at: datetime | None = None
) -> Referral:
    """Refer the child to the MASH or the exploitation team. One open referral to each at a time."""
    reason = (reason or "").strip()
    made_at = made_at or timezone.now()
    errors = Errors()
    check_choice(errors, "to", to, ReferralTo, "Referred to")
    check_required(errors, "reason", reason, "why the child is being referred")
    check_not_future(errors, "made_at", made_at, "The time of the referral")
    with transaction.atomic():
        # Lock the child's row so two people referring at once cannot both pass the check below.
        Child.objects.select_for_update(no_key=True).filter(pk=child.pk).first()
        if to in ReferralTo.values:
            already = Referral.objects.open().filter(child=child, to=to).order_by("made_at").first()
            if already:
                errors.add(
                    "to",
                    f"There is already an open referral to {ReferralTo(to).label} (made {_when(already.made_at)}, "
                    f"{already.get_status_display().lower()}): update that referral instead",
                )
        errors.raise_if_any()
        referral = Referral.objects.create(
            child=child,
            to=to,
            made_at=made_at,
            made_by=acting_user,
            reason=reason,
            status=ReferralStatus.MADE,
            status_changed_at=made_at,
        )
        ReferralStatusChange.objects.create(
            referral=referral, status=ReferralStatus.MADE, changed_at=made_at, changed_by=acting_user
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=referral,
            child_id=child.pk,
            summary=f"Referral made to {referral.get_to_display()}",
            changes=_changed(
                {
                    "to": [None, to],
                    "status": [None, ReferralStatus.MADE],
                    "made_at": [None, made_at],
                    "reason": _sensitive_change("", reason),
                }
            ),
        )
    return referral


def update_referral_status(
    referral: Referral, *, status: str, expected_version: int, acting_user: User, note: str = ""
) -> Referral:
    """Move a referral on: made → accepted, declined or closed; accepted → closed. Declining needs a note."""
    note = (note or "").strip()
    errors = Errors()
    check_choice(errors, "status", status, ReferralStatus, "Status")
    if status == ReferralStatus.DECLINED:
        check_required(errors, "note", note, "why the referral was declined")
    with transaction.atomic():
        edit = versioned_update(Referral, referral.pk, expected_version)
        current = edit.record
        if status in ReferralStatus.values and status not in REFERRAL_TRANSITIONS[current.status]:
            allowed = REFERRAL_TRANSITIONS[current.status]
            errors.add(
                "status",
                f"A referral that is {current.get_status_display().lower()} cannot become "
                f"{ReferralStatus(status).label.lower()}"
                + (
                    f" (it can become {' or '.join(ReferralStatus(s).label.lower() for s in allowed)})"
                    if allowed
                    else ": a new concern needs a new referral"
                ),
            )
        errors.raise_if_any()
        previous = current.status
        now = timezone.now()
        ReferralStatusChange.objects.create(
            referral=current, status=status, previous_status=previous, note=note, changed_at=now, changed_by=acting_user
        )
        current.status = status
        current.status_changed_at = now
        edit.save(update_fields=["status", "status_changed_at", "version", "updated_at"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary=f"Referral {current.get_status_display().lower()}",
            changes=_changed({"status": [previous, status], "note": _sensitive_change("", note)}),
        )
    return current


def move_child_records(merged_id: int, survivor_id: int, acting_user: User) -> dict[str, int]:
    """Move the merged child's alerts, screenings and referrals to the survivor (children.actions.merge_children).
    An alert for a cause the survivor already has an alert for keeps its history under a key marked as merged."""
    taken = set(Alert.objects.filter(child_id=survivor_id).values_list("dedupe_key", flat=True))
    for alert in Alert.objects.filter(child_id=merged_id, dedupe_key__in=taken):
        alert.dedupe_key = f"{alert.dedupe_key}:merged-{merged_id}"[:100]
        alert.save(update_fields=["dedupe_key", "updated_at"])
    return {
        "alerts": repoint("risk.Alert.child", merged_id, survivor_id),
        "screenings": repoint("risk.Screening.child", merged_id, survivor_id),
        "referrals": repoint("risk.Referral.child", merged_id, survivor_id),
    }
