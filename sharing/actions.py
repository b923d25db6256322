"""Sharing a record, withdrawing a share, and emergency ("break-glass") access with its review.

Each action is one transaction with its audit event inside it. The audit trail records what was shared, with
whom, on which lawful basis and the child's consent; never the words of the purpose, an "other" basis, a
consent reason, a withdrawal reason, an emergency access reason or a review note (only that they were given).
Bad input raises ValidationError with a field name → messages dict, and nothing is written.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.audit import SENSITIVE_MARK, record_event
from access.models import Agency, AuditEvent, User
from access.scoping import can_request_emergency_access
from access.share_kinds import INTERVIEW_SHARES
from children.models import Child
from core.concurrency import lock_at_version
from core.validation import check_choice, check_required
from episodes.models import MissingEpisode
from interviews.models import ReturnInterview
from network.models import PersonOfConcern
from sharing.codes import CONSENT_NEEDS_REASON, ChildConsent, LawfulBasis, ShareWhat
from sharing.models import EmergencyAccess, Share
from sharing.scoping import can_share, can_withdraw_share, emergency_access_to_review_for
from sharing.selectors import active_share_exists, recipient_agencies, recipient_users

MAX_TEXT = 5000
MIN_EMERGENCY_REASON = 10
NOT_ALLOWED_TO_SHARE = "You cannot share this: choose something your role lets you share about this child"
RECIPIENT_REFUSED = "Choose a recipient from the list"


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_text(errors: dict[str, list[str]], field: str, value: str, label: str) -> None:
    if len(value) > MAX_TEXT:
        _add(errors, field, f"{label} must be {MAX_TEXT} characters or fewer")


def _recipient_label(share: Share) -> str:
    if share.to_agency_id:
        return share.to_agency.name
    agency = f", {share.to_user.agency.name}" if share.to_user.agency_id else ""
    return f"{share.to_user}{agency}"


def _item_label(share: Share) -> str:
    if share.episode_id:
        return f"episode {share.episode_id}"
    if share.interview_id:
        return f"return interview {share.interview_id}"
    if share.person_id:
        return f"person of concern {share.person_id}"
    return "the child's links"


def _sensible_recipient(user: User, child: Child, to_agency: Agency | None, to_user: User | None) -> bool:
    if to_agency is not None:
        return recipient_agencies(user, child).filter(pk=to_agency.pk).exists()
    return recipient_users(user, child).filter(pk=to_user.pk).exists()


def share_record(
    *,
    acting_user: User,
    child: Child,
    what: str,
    episode: MissingEpisode | None = None,
    interview: ReturnInterview | None = None,
    person: PersonOfConcern | None = None,
    to_agency: Agency | None = None,
    to_user: User | None = None,
    lawful_basis: str,
    lawful_basis_other: str = "",
    child_consent: str,
    child_consent_reason: str = "",
    purpose: str,
    expires_at: dt.datetime | None = None,
) -> Share:
    """Share one item about a child with one agency or one person, recording why and on what basis.

    The item must be the one `what` names (an episode for an episode summary, an interview for either
    interview share, optionally a person of concern for police intelligence), and one the user may share; the
    recipient must be one of the sensible recipients for this child (sharing.selectors).
    """
    errors: dict[str, list[str]] = {}
    lawful_basis_other = (lawful_basis_other or "").strip()
    child_consent_reason = (child_consent_reason or "").strip()
    purpose = (purpose or "").strip()
    now = timezone.now()

    check_choice(errors, "what", what, ShareWhat, "What to share")
    if what == ShareWhat.EPISODE_SUMMARY and (episode is None or interview is not None or person is not None):
        _add(errors, "what", "Choose the missing episode to share")
    elif what in INTERVIEW_SHARES and (interview is None or episode is not None or person is not None):
        _add(errors, "what", "Choose the return interview to share")
    elif what == ShareWhat.POLICE_INTELLIGENCE and (episode is not None or interview is not None):
        _add(errors, "what", "Police intelligence is about a person of concern or the child's links")
    elif what in ShareWhat.values and not can_share(
        acting_user, child, what, episode=episode, interview=interview, person=person
    ):
        _add(errors, "what", NOT_ALLOWED_TO_SHARE)

    if (to_agency is None) == (to_user is None):
        _add(errors, "recipient", "Choose one agency or one person to share with")
    elif not _sensible_recipient(acting_user, child, to_agency, to_user):
        _add(errors, "recipient", RECIPIENT_REFUSED)

    check_choice(errors, "lawful_basis", lawful_basis, LawfulBasis, "Lawful basis")
    if lawful_basis == LawfulBasis.OTHER:
        check_required(errors, "lawful_basis_other", lawful_basis_other, "the lawful basis for sharing")
        _check_text(errors, "lawful_basis_other", lawful_basis_other, "The lawful basis")
    else:
        lawful_basis_other = ""

    check_choice(errors, "child_consent", child_consent, ChildConsent, "The child's consent")
    refused_or_unknown = child_consent in ChildConsent.values and child_consent != ChildConsent.GIVEN
    if lawful_basis == LawfulBasis.CONSENT and refused_or_unknown:
        _add(
            errors,
            "child_consent",
            "The lawful basis is consent, so the child must have agreed: choose another lawful basis if not",
        )
    if child_consent == ChildConsent.REFUSED:
        check_required(errors, "child_consent_reason", child_consent_reason, "why you are sharing without consent")
    elif child_consent == ChildConsent.NOT_SOUGHT:
        check_required(errors, "child_consent_reason", child_consent_reason, "why consent was not sought")
    elif child_consent not in CONSENT_NEEDS_REASON and child_consent != ChildConsent.NOT_CAPABLE:
        child_consent_reason = ""
    _check_text(errors, "child_consent_reason", child_consent_reason, "The reason")

    check_required(errors, "purpose", purpose, "why you are sharing this and what the recipient should do")
    _check_text(errors, "purpose", purpose, "The purpose")
    if expires_at is not None and expires_at <= now:
        _add(errors, "expires_at", "The date the share ends must be in the future")
    _raise_if(errors)

    share = Share(
        child=child,
        what=what,
        episode=episode,
        interview=interview,
        person=person,
        to_agency=to_agency,
        to_user=to_user,
        shared_at=now,
        shared_by=acting_user,
        from_agency_id=acting_user.agency_id,
        lawful_basis=lawful_basis,
        lawful_basis_other=lawful_basis_other,
        child_consent=child_consent,
        child_consent_reason=child_consent_reason,
        purpose=purpose,
        expires_at=expires_at,
    )
    with transaction.atomic():
        if active_share_exists(share):
            raise ValidationError({"recipient": "This is already shared with this recipient"})
        share.save()
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=share,
            child_id=child.pk,
            summary=f"Shared {share.get_what_display().lower()} with {_recipient_label(share)}",
            changes={
                "what": [None, what],
                "item": [None, _item_label(share)],
                "to_agency": [None, share.to_agency_id],
                "to_user": [None, share.to_user_id],
                "lawful_basis": [None, lawful_basis],
                "lawful_basis_other": [None, SENSITIVE_MARK if lawful_basis_other else None],
                "child_consent": [None, child_consent],
                "child_consent_reason": [None, SENSITIVE_MARK if child_consent_reason else None],
                "purpose": [None, SENSITIVE_MARK],
                "expires_at": [None, expires_at],
            },
        )
    return share


def withdraw_share(share: Share, *, reason: str, expected_version: int, acting_user: User) -> Share:
    """End a share now: its recipient loses access at once. The share stays on the record, marked withdrawn."""
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    check_required(errors, "reason", reason, "why you are withdrawing the share")
    _check_text(errors, "reason", reason, "The reason")
    _raise_if(errors)
    with transaction.atomic():
        current = lock_at_version(Share, share.pk, expected_version)
        if current.withdrawn_at is not None:
            raise ValidationError("This share has already been withdrawn")
        if not current.is_active():
            raise ValidationError("This share has already ended")
        if not can_withdraw_share(acting_user, current):
            raise ValidationError("You cannot withdraw this share")
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = acting_user
        current.withdrawal_reason = reason
        current.version += 1
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "version"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Share withdrawn",
            changes={"withdrawn_at": [None, current.withdrawn_at], "withdrawal_reason": [None, SENSITIVE_MARK]},
        )
    return current


def _find_child(child_id: int | None, la_child_id: str, council: Agency | None) -> Child | None:
    if child_id is not None:
        return Child.objects.filter(pk=child_id).first()
    return Child.objects.filter(responsible_council=council, la_child_id__iexact=la_child_id).first()


def request_emergency_access(
    *,
    acting_user: User,
    reason: str,
    child_id: int | None = None,
    la_child_id: str = "",
    council: Agency | None = None,
) -> EmergencyAccess:
    """Record a request for emergency access to a child's record, and grant it if such a child exists.

    The request is kept (and audited) whether or not a child matched, so that both look the same to the
    requester up to this point and every attempt is on the review list. A grant runs for
    HOMEWARD_BREAK_GLASS_MINUTES and lets the user read the child's record, episodes and interview summaries.
    """
    reason = (reason or "").strip()
    la_child_id = (la_child_id or "").strip()
    errors: dict[str, list[str]] = {}
    if not can_request_emergency_access(acting_user):
        raise ValidationError("Your role cannot use emergency access")
    if child_id is None and not la_child_id:
        _add(errors, "child_id", "Enter the child's Homeward ID or their council child ID")
    elif child_id is None and council is None:
        _add(errors, "council", "Choose the council whose child ID you entered")
    check_required(errors, "reason", reason, "why you need emergency access to this record")
    if reason and len(reason) < MIN_EMERGENCY_REASON:
        _add(errors, "reason", f"Give a reason of at least {MIN_EMERGENCY_REASON} characters")
    _check_text(errors, "reason", reason, "The reason")
    _raise_if(errors)

    asked_for = f"Homeward ID {child_id}" if child_id is not None else f"council child ID {la_child_id}, {council}"
    now = timezone.now()
    with transaction.atomic():
        child = _find_child(child_id, la_child_id, council)
        expires_at = now + dt.timedelta(minutes=settings.HOMEWARD_BREAK_GLASS_MINUTES) if child else None
        access = EmergencyAccess.objects.create(
            user=acting_user,
            user_agency_id=acting_user.agency_id,
            child=child,
            asked_for=asked_for[:200],
            reason=reason,
            requested_at=now,
            expires_at=expires_at,
        )
        until = f"{timezone.localtime(expires_at):%H:%M on %d/%m/%Y}" if expires_at else ""
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.BREAK_GLASS,
            obj=access,
            child_id=child.pk if child else None,
            summary=f"Emergency access granted until {until}" if child else "Emergency access asked for: no match",
            changes={
                "asked_for": [None, asked_for],
                "expires_at": [None, expires_at],
                "reason": [None, SENSITIVE_MARK],
            },
        )
    return access


def review_emergency_access(access: EmergencyAccess, *, note: str, acting_user: User) -> EmergencyAccess:
    """Mark one use of emergency access reviewed, with the reviewer's note."""
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    check_required(errors, "note", note, "what you found when you reviewed this use")
    _check_text(errors, "note", note, "The note")
    _raise_if(errors)
    with transaction.atomic():
        current = EmergencyAccess.objects.select_for_update(no_key=True).get(pk=access.pk)
        if not emergency_access_to_review_for(acting_user).filter(pk=current.pk).exists():
            raise ValidationError("You cannot review this use of emergency access")
        if current.user_id == acting_user.pk:
            raise ValidationError("Someone else must review your own use of emergency access")
        if current.reviewed_at is not None:
            raise ValidationError("This use of emergency access has already been reviewed")
        current.reviewed_at = timezone.now()
        current.reviewed_by = acting_user
        current.review_note = note
        current.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Emergency access reviewed",
            changes={"reviewed_at": [None, current.reviewed_at], "review_note": [None, SENSITIVE_MARK]},
        )
    return current
