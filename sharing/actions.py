"""Sharing a record, withdrawing a share, and emergency ("break-glass") access with its review.

Each action is one transaction with its audit event inside it. The audit trail records what was shared, with
whom, on which lawful basis and the child's consent; never the words of the purpose, an "other" basis, a
consent reason, a withdrawal reason, an emergency access reason or a review note (only that they were given).
Bad input raises ValidationError with a field name → messages dict, and nothing is written.
"""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from access import share_kinds
from access.audit import SENSITIVE_MARK, record_event
from access.models import Agency, AgencyKind, AuditEvent, User
from access.scoping import can_request_emergency_access
from children.models import Child
from core.concurrency import versioned_update
from core.errors import Errors
from core.validation import check_choice, check_required
from interviews.models import ReturnInterview
from network.models import PersonOfConcern, Place
from sharing.codes import CONSENT_NEEDS_REASON, ChildConsent, LawfulBasis
from sharing.models import EmergencyAccess, IntelligenceItem, Share
from sharing.scoping import (
    can_share,
    can_withdraw_share,
    emergency_access_to_review_for,
    may_acknowledge,
)
from sharing.selectors import (
    active_share_exists,
    intelligence_persons,
    intelligence_places,
    police_forces_of,
    recipient_agencies,
    recipient_users,
)
from sharing.shareable import INTERVIEW_INTELLIGENCE

MAX_TEXT = 5000
MIN_EMERGENCY_REASON = 10
NOT_ALLOWED_TO_SHARE = "You cannot share this: choose something your role lets you share about this child"
RECIPIENT_REFUSED = "Choose a recipient from the list"


def _check_text(errors: Errors, field: str, value: str, label: str) -> None:
    if len(value) > MAX_TEXT:
        errors.add(field, f"{label} must be {MAX_TEXT} characters or fewer")


def _recipient_label(share: Share) -> str:
    if share.to_agency is not None:
        return share.to_agency.name
    to_user = share.to_user
    assert to_user is not None  # a share goes to an agency or to a named user
    agency = f", {to_user.agency.name}" if to_user.agency is not None else ""
    return f"{to_user}{agency}"


def _sensible_recipient(
    user: User, child: Child, to_agency: Agency | None, to_user: User | None, what: str = ""
) -> bool:
    if what == INTERVIEW_INTELLIGENCE:  # to a police force of the child's, never a named person
        return to_agency is not None and police_forces_of(child).filter(pk=to_agency.pk).exists()
    if to_agency is not None:
        return recipient_agencies(user, child).filter(pk=to_agency.pk).exists()
    assert to_user is not None  # a share goes to an agency or to a named user
    return recipient_users(user, child).filter(pk=to_user.pk).exists()


def share_record(
    *,
    acting_user: User,
    child: Child,
    what: str,
    to_agency: Agency | None = None,
    to_user: User | None = None,
    lawful_basis: str,
    lawful_basis_other: str = "",
    child_consent: str,
    child_consent_reason: str = "",
    purpose: str,
    expires_at: dt.datetime | None = None,
    include_childs_words: bool = False,
    item: Model | None = None,
    **items: Model | None,
) -> Share:
    """Share one item about a child with one agency or one person, recording why and on what basis.

    The item, given as `item` or by its column name (`episode=...`), must be the one the kind `what` names (an
    episode for an episode summary, an interview for either interview share, optionally a person of concern for
    police intelligence: `access.share_kinds`), and one the user may share (the kind's `may_share`); the
    recipient must be one of the sensible recipients for this child (sharing.selectors).
    """
    unknown = set(items) - {item.field for item in share_kinds.items()}
    if unknown:
        raise TypeError(f"share_record() got items nobody registered: {sorted(unknown)}")
    errors = Errors()
    lawful_basis_other = (lawful_basis_other or "").strip()
    child_consent_reason = (child_consent_reason or "").strip()
    purpose = (purpose or "").strip()
    now = timezone.now()

    kind = share_kinds.kind(what)
    named = {field for field, value in items.items() if value is not None}
    if item is not None:
        named.add(kind.item if kind is not None and kind.item is not None else "item")
    elif kind is not None and kind.item is not None:
        item = items.get(kind.item)
    if kind is None:
        errors.add("what", f"What to share: {what!r} is not a known code")
    elif named - {kind.item} or (kind.item_required and item is None):
        errors.add("what", kind.missing_item)
    elif not can_share(acting_user, child, what, item):
        errors.add("what", NOT_ALLOWED_TO_SHARE)

    if (to_agency is None) == (to_user is None):
        errors.add("recipient", "Choose one agency or one person to share with")
    elif not _sensible_recipient(acting_user, child, to_agency, to_user, what):
        errors.add("recipient", RECIPIENT_REFUSED)

    check_choice(errors, "lawful_basis", lawful_basis, LawfulBasis, "Lawful basis")
    if lawful_basis == LawfulBasis.OTHER:
        check_required(errors, "lawful_basis_other", lawful_basis_other, "the lawful basis for sharing")
        _check_text(errors, "lawful_basis_other", lawful_basis_other, "The lawful basis")
    else:
        lawful_basis_other = ""

    check_choice(errors, "child_consent", child_consent, ChildConsent, "The child's consent")
    refused_or_unknown = child_consent in ChildConsent.values and child_consent != ChildConsent.GIVEN
    if lawful_basis == LawfulBasis.CONSENT and refused_or_unknown:
        errors.add(
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
        errors.add("expires_at", "The date the share ends must be in the future")
    errors.raise_if_any()

    assert acting_user.agency_id is not None  # can_share: only a user at an agency shares
    assert kind is not None  # a known code, or raised above
    share = Share(
        child=child,
        what=what,
        **({kind.item: item} if kind.item is not None else {}),
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
        include_childs_words=include_childs_words and what == INTERVIEW_INTELLIGENCE,
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
                "item": [None, share_kinds.describe(share)],
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
    errors = Errors()
    check_required(errors, "reason", reason, "why you are withdrawing the share")
    _check_text(errors, "reason", reason, "The reason")
    errors.raise_if_any()
    with transaction.atomic():
        edit = versioned_update(Share, share.pk, expected_version)
        current = edit.record
        if current.withdrawn_at is not None:
            raise ValidationError("This share has already been withdrawn")
        if not current.is_active():
            raise ValidationError("This share has already ended")
        if not can_withdraw_share(acting_user, current):
            raise ValidationError("You cannot withdraw this share")
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = acting_user
        current.withdrawal_reason = reason
        edit.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "version"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Share withdrawn",
            changes={"withdrawn_at": [None, current.withdrawn_at], "withdrawal_reason": [None, SENSITIVE_MARK]},
        )
    return current


def acknowledge_share(share: Share, *, expected_version: int, acting_user: User) -> Share:
    """The recipient confirms they have read what was shared (for an agency, any of its receiving users does it
    for the agency; for intelligence from a return interview, the receiving force's police staff, who are working
    it): who, when. Once only; version-checked. The share leaves the recipients' task inbox and the sharer can see
    it arrived."""
    with transaction.atomic():
        edit = versioned_update(Share, share.pk, expected_version)
        current = edit.record
        if not may_acknowledge(acting_user, current):
            raise ValidationError("Only the recipient of an active share can acknowledge it")
        if current.acknowledged_at is not None:
            raise ValidationError(
                f"{current.acknowledged_by} already acknowledged this share on "
                f"{timezone.localtime(current.acknowledged_at):%d/%m/%Y %H:%M}"
            )
        current.acknowledged_at = timezone.now()
        current.acknowledged_by = acting_user
        edit.save(update_fields=["acknowledged_at", "acknowledged_by", "version"])
        intelligence = current.what == INTERVIEW_INTELLIGENCE
        summary = "Intelligence acknowledged by the police" if intelligence else "Share acknowledged by its recipient"
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary=summary,
            changes={"acknowledged_at": [None, current.acknowledged_at]},
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
    errors = Errors()
    if not can_request_emergency_access(acting_user):
        raise ValidationError("Your role cannot use emergency access")
    if child_id is None and not la_child_id:
        errors.add("child_id", "Enter the child's Homeward ID or their council child ID")
    elif child_id is None and council is None:
        errors.add("council", "Choose the council whose child ID you entered")
    check_required(errors, "reason", reason, "why you need emergency access to this record")
    if reason and len(reason) < MIN_EMERGENCY_REASON:
        errors.add("reason", f"Give a reason of at least {MIN_EMERGENCY_REASON} characters")
    _check_text(errors, "reason", reason, "The reason")
    errors.raise_if_any()

    asked_for = f"Homeward ID {child_id}" if child_id is not None else f"council child ID {la_child_id}, {council}"
    now = timezone.now()
    with transaction.atomic():
        child = _find_child(child_id, la_child_id, council)
        expires_at = now + dt.timedelta(minutes=settings.HOMEWARD_BREAK_GLASS_MINUTES) if child else None
        assert acting_user.agency_id is not None  # can_request_emergency_access: a user at an agency
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
    errors = Errors()
    check_required(errors, "note", note, "what you found when you reviewed this use")
    _check_text(errors, "note", note, "The note")
    errors.raise_if_any()
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


MAX_ITEM = 300


def share_interview_intelligence(
    *,
    acting_user: User,
    interview: ReturnInterview,
    to_agency: Agency | None,
    persons: Sequence[PersonOfConcern] = (),
    places: Sequence[Place] = (),
    vehicles: Sequence[str] = (),
    phone_numbers: Sequence[str] = (),
    addresses: Sequence[str] = (),
    lawful_basis: str = LawfulBasis.CRIME_PREVENTION,
    lawful_basis_other: str = "",
    child_consent: str,
    child_consent_reason: str = "",
    purpose: str,
    include_childs_words: bool = False,
) -> Share:
    """Pass what a return interview named (persons and places of concern linked to the child, vehicles, phone
    numbers, addresses) to a police force as structured intelligence: one share of kind "intelligence from a return
    interview" (its lawful basis, crime prevention by default; the child's consent; the purpose) and one item for
    each thing named, in one transaction. What the child said is withheld unless `include_childs_words`.

    The coordinator of the child's councils or the interview's practitioner only (sharing.scoping.can_share); the
    recipient must be a police force among the child's sensible recipients; persons and places must be ones linked
    to the child; at least one thing must be named."""
    child = interview.child
    errors = Errors()
    texts = {"vehicles": vehicles, "phone_numbers": phone_numbers, "addresses": addresses}
    cleaned = {field: [v.strip() for v in values if v and v.strip()] for field, values in texts.items()}
    for field, values in cleaned.items():
        if any(len(value) > MAX_ITEM for value in values):
            errors.add(field, f"Each line must be {MAX_ITEM} characters or fewer")
    if not (persons or places or any(cleaned.values())):
        errors.add("persons", "Choose or enter at least one person, place, vehicle, phone number or address")
    if to_agency is not None and to_agency.kind != AgencyKind.POLICE:
        errors.add("recipient", "Intelligence goes to a police force: choose one from the list")
    linked_persons = set(intelligence_persons(child).values_list("pk", flat=True))
    if any(person.pk not in linked_persons for person in persons):
        errors.add("persons", "Choose persons of concern linked to this child")
    linked_places = set(intelligence_places(child).values_list("pk", flat=True))
    if any(place.pk not in linked_places for place in places):
        errors.add("places", "Choose places linked to this child")
    errors.raise_if_any()
    with transaction.atomic():
        share = share_record(
            acting_user=acting_user,
            child=child,
            what=INTERVIEW_INTELLIGENCE,
            item=interview,
            to_agency=to_agency,
            lawful_basis=lawful_basis,
            lawful_basis_other=lawful_basis_other,
            child_consent=child_consent,
            child_consent_reason=child_consent_reason,
            purpose=purpose,
            include_childs_words=include_childs_words,
        )
        kinds = {"vehicles": "vehicle", "phone_numbers": "phone", "addresses": "address"}
        items = [IntelligenceItem(share=share, kind="person", person=person) for person in persons]
        items += [IntelligenceItem(share=share, kind="place", place=place) for place in places]
        items += [
            IntelligenceItem(share=share, kind=kinds[field], detail=value)
            for field, values in cleaned.items()
            for value in values
        ]
        IntelligenceItem.objects.bulk_create(items)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=share,
            child_id=child.pk,
            summary=f"Intelligence items added to the share ({len(items)})",
            changes={
                "persons": [None, [person.pk for person in persons]],
                "places": [None, [place.pk for place in places]],
                "vehicles": [None, SENSITIVE_MARK if cleaned["vehicles"] else None],
                "phone_numbers": [None, SENSITIVE_MARK if cleaned["phone_numbers"] else None],
                "addresses": [None, SENSITIVE_MARK if cleaned["addresses"] else None],
                "include_childs_words": [None, share.include_childs_words],
            },
        )
    return share
