"""Every change to a return home interview: one transaction each, audited inside it."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from access.audit import diff, record_event
from access.models import AgencyKind, AuditEvent, Role, User
from children.changes import child_changed
from core.concurrency import snapshot, versioned_update
from core.errors import Errors
from core.validation import check_choice, check_not_future, check_required
from episodes.models import MissingEpisode
from interviews.codes import FACTOR_CODES, ConsentToShare, FactorKind, Outcome
from interviews.models import InterviewFactor, ReturnInterview

OFFER_FIELDS = ["offered_at", "offered_by", "outcome", "not_offered_reason"]
CONTENT_FIELDS = [
    "completed_at",
    "where_stayed",
    "who_with",
    "harm_suffered",
    "disclosure_details",
    "childs_wishes",
    "actions_agreed",
    "consent_to_share",
    "narrative",
]


def open_interview_for_return(episode: MissingEpisode, *, acting_user: User) -> ReturnInterview:
    """Attach a just-returned episode to the child's interview still in progress, or open a new one.

    One interview may cover several episodes close together: while an interview has no outcome yet
    (or was accepted and not yet held), a further return joins it and keeps its earlier deadline.
    """
    interview = ReturnInterview.objects.open().filter(child_id=episode.child_id).order_by("due_by").first()
    if interview is not None:
        interview.episodes.add(episode)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=interview,
            child_id=episode.child_id,
            summary="Episode added to return interview",
            changes={"episodes": [None, episode.pk]},
        )
        return interview
    provider = (
        episode.child.responsible_council.local_agencies.filter(kind=AgencyKind.RHI_PROVIDER).order_by("pk").first()
        or episode.child.responsible_council
    )
    assert episode.returned_at is not None  # an interview is opened when the child returns
    interview = ReturnInterview.objects.create(
        child_id=episode.child_id,
        due_by=episode.returned_at + timedelta(hours=settings.HOMEWARD_RHI_DUE_HOURS),
        provider=provider,
    )
    interview.episodes.add(episode)
    record_event(
        actor=acting_user,
        action=AuditEvent.Action.CREATE,
        obj=interview,
        child_id=episode.child_id,
        summary="Return interview opened",
        changes={"due_by": [None, interview.due_by], "episodes": [None, episode.pk]},
    )
    return interview


def assign_interview(
    interview: ReturnInterview, *, practitioner: User | None, expected_version: int, acting_user: User
) -> ReturnInterview:
    if practitioner is not None and not (
        practitioner.is_active
        and practitioner.has_role(Role.RHI_PRACTITIONER)
        and practitioner.agency_id in (interview.provider_id, interview.child.responsible_council_id)
    ):
        raise ValidationError({"assigned_to": "Choose an active return interview practitioner from the provider"})
    with transaction.atomic():
        edit = versioned_update(ReturnInterview, interview.pk, expected_version)
        current = edit.record
        before = current.assigned_to_id
        current.assigned_to = practitioner
        edit.save(update_fields=["assigned_to", "version", "updated_at"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Return interview assigned",
            changes={"assigned_to": [before, practitioner.pk if practitioner else None]},
        )
    return current


def record_offer(
    interview: ReturnInterview,
    *,
    outcome: str,
    expected_version: int,
    acting_user: User,
    offered_at: datetime | None = None,
    offered_by: str = "",
    not_offered_reason: str = "",
) -> ReturnInterview:
    """Record the offer and its outcome, or that no interview was offered and why.

    An outcome of "" means the offer is made and the child has not answered yet.
    """
    errors = Errors()
    if outcome:
        check_choice(errors, "outcome", outcome, Outcome, "Outcome")
    if outcome == Outcome.NOT_OFFERED:
        check_required(errors, "not_offered_reason", not_offered_reason, "why the interview was not offered")
        if offered_at is not None:
            errors.add("offered_at", "Leave the offer time empty when no interview was offered")
    else:
        check_required(errors, "offered_at", offered_at, "when the interview was offered")
        check_required(errors, "offered_by", offered_by, "who offered the interview")
        check_not_future(errors, "offered_at", offered_at, "The time of the offer")
    with transaction.atomic():
        edit = versioned_update(ReturnInterview, interview.pk, expected_version, OFFER_FIELDS)
        current = edit.record
        if current.completed_at:
            errors.add("outcome", "The interview has been held: its offer can no longer change")
        first_return = min(e.returned_at for e in current.episodes.all() if e.returned_at is not None)
        if offered_at and offered_at < first_return:
            errors.add("offered_at", "The offer must be made after the child returned")
        errors.raise_if_any()
        current.offered_at = offered_at if outcome != Outcome.NOT_OFFERED else None
        current.offered_by = (offered_by or "").strip() if outcome != Outcome.NOT_OFFERED else ""
        current.outcome = outcome
        current.not_offered_reason = (not_offered_reason or "").strip() if outcome == Outcome.NOT_OFFERED else ""
        changed = edit.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Return interview offer recorded",
            changes=changed,
        )
        child_changed(current.child_id)
    return current


def record_interview(
    interview: ReturnInterview,
    *,
    completed_at: datetime,
    episode_ids: Iterable[int],
    consent_to_share: str,
    expected_version: int,
    acting_user: User,
    push_factors: Iterable[str] = (),
    pull_factors: Iterable[str] = (),
    disclosures: Iterable[str] = (),
    where_stayed: str = "",
    who_with: str = "",
    harm_suffered: str = "",
    disclosure_details: str = "",
    childs_wishes: str = "",
    actions_agreed: str = "",
    narrative: str = "",
) -> ReturnInterview:
    """Record what the child said: the interview itself, with the episodes it covers."""
    errors = Errors()
    check_required(errors, "completed_at", completed_at, "when the interview took place")
    check_not_future(errors, "completed_at", completed_at, "The interview time")
    check_choice(errors, "consent_to_share", consent_to_share, ConsentToShare, "Consent to share")
    factors = {
        FactorKind.PUSH: set(push_factors),
        FactorKind.PULL: set(pull_factors),
        FactorKind.DISCLOSURE: set(disclosures),
    }
    field_names = {
        FactorKind.PUSH: "push_factors",
        FactorKind.PULL: "pull_factors",
        FactorKind.DISCLOSURE: "disclosures",
    }
    for kind, codes in factors.items():
        unknown = sorted(codes - set(FACTOR_CODES[kind].values))
        if unknown:
            errors.add(field_names[kind], f"Unknown code: {', '.join(unknown)}")
    if factors[FactorKind.DISCLOSURE] and not (disclosure_details or "").strip():
        errors.add("disclosure_details", "Describe what the child disclosed")
    wanted_ids = {int(pk) for pk in episode_ids}
    with transaction.atomic():
        edit = versioned_update(ReturnInterview, interview.pk, expected_version, CONTENT_FIELDS)
        current = edit.record
        if current.outcome != Outcome.ACCEPTED:
            errors.add("outcome", "Record that the child accepted the interview before writing it up")
        episodes = list(MissingEpisode.objects.filter(pk__in=wanted_ids, child_id=current.child_id).returned())
        if not wanted_ids:
            errors.add("episodes", "Choose at least one episode the interview covers")
        elif len(episodes) != len(wanted_ids):
            errors.add("episodes", "Choose only this child's episodes that have a return recorded")
        if completed_at and current.offered_at and completed_at < current.offered_at:
            errors.add("completed_at", "The interview must take place after it was offered")
        errors.raise_if_any()
        before = {
            **edit.before,
            **{field_names[k]: sorted(current.factor_codes(k)) for k in factors},
            "episodes": sorted(current.episodes.values_list("pk", flat=True)),
        }
        current.completed_at = completed_at
        current.completed_by = acting_user
        for name, value in (
            ("where_stayed", where_stayed),
            ("who_with", who_with),
            ("harm_suffered", harm_suffered),
            ("disclosure_details", disclosure_details),
            ("childs_wishes", childs_wishes),
            ("actions_agreed", actions_agreed),
            ("narrative", narrative),
        ):
            setattr(current, name, (value or "").strip())
        current.consent_to_share = consent_to_share
        edit.save()
        current.episodes.set(episodes)
        current.factors.all().delete()
        InterviewFactor.objects.bulk_create(
            InterviewFactor(interview=current, kind=kind, code=code)
            for kind, codes in factors.items()
            for code in codes
        )
        after = {
            **snapshot(current, CONTENT_FIELDS),
            **{field_names[k]: sorted(codes) for k, codes in factors.items()},
            "episodes": sorted(wanted_ids),
        }
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Return interview recorded",
            changes=diff(before, after),
        )
        child_changed(current.child_id)
    return current
