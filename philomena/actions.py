"""Every change to a Philomena profile: one transaction each, audited inside it.

A save never changes a version: it writes a new one holding the whole profile, and the profile's
`version` moves on to it. Adding a photo is a save too (the content carried forward, the new photo on it);
saving the content carries the current photo forward. A save's audit event is filed on the version it
wrote, so `record_event` masks that version's encrypted text as "[sensitive]": the trail says which fields
changed, never what they say.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from access.audit import diff, record_event
from access.models import AuditEvent, User
from children.models import Child
from core.errors import ConflictError, Errors
from philomena.models import (
    CONTENT_FIELDS,
    PhilomenaProfile,
    ProfilePhoto,
    ProfileVersion,
    profile_applies,
)
from philomena.photos import CleanPhoto, clean_photo
from philomena.scoping import can_edit_profile, can_view_profile
from philomena.storage import private_storage

NOT_IN_CARE = (
    "A Philomena profile is started only for a child in care (looked after): this child's legal status is {status}"
)
NOTHING_CHANGED = "You have not changed anything: the profile was not saved"


def _check_editor(child: Child, acting_user: User) -> None:
    if not can_edit_profile(acting_user, child):
        raise PermissionDenied("Only the coordinator, social workers and managers of the child's council can change it")


def _content_of(version: ProfileVersion | None) -> dict[str, str]:
    return {name: getattr(version, name) if version else "" for name in CONTENT_FIELDS}


def _check_lengths(errors: Errors, content: dict[str, str]) -> None:
    for name in CONTENT_FIELDS:
        field = ProfileVersion._meta.get_field(name)
        assert isinstance(field, models.Field)  # a column of the version
        if field.max_length and len(content[name]) > field.max_length:
            errors.add(name, f"{str(field.verbose_name).capitalize()} must be {field.max_length} characters or fewer")


def _lock_profile(child: Child, expected_version: int | None) -> PhilomenaProfile | None:
    """The child's profile, locked for this transaction, after checking nobody saved it since the user
    loaded it (None if the child has none yet). Call inside transaction.atomic()."""
    # Lock the child's row first, so two people starting a profile at once cannot both create one.
    Child.objects.select_for_update(no_key=True).filter(pk=child.pk).first()
    profile = PhilomenaProfile.objects.select_for_update().filter(child=child).first()
    if profile is None:
        if expected_version:
            raise ConflictError()
        return None
    if expected_version != profile.version:
        raise ConflictError()
    return profile


def _write_version(
    child: Child,
    profile: PhilomenaProfile | None,
    *,
    content: dict[str, str],
    photo: ProfilePhoto | None,
    changed: list[str],
    acting_user: User,
    now: dt.datetime,
) -> ProfileVersion:
    if profile is None:
        profile = PhilomenaProfile.objects.create(child=child, version=1, created_by=acting_user)
    else:
        profile.version += 1
        profile.save(update_fields=["version", "updated_at"])
    return ProfileVersion.objects.create(
        profile=profile,
        number=profile.version,
        photo=photo,
        changed_fields=changed,
        created_at=now,
        created_by=acting_user,
        **content,
    )


def save_profile(
    child: Child, *, acting_user: User, expected_version: int | None = None, **content: str
) -> ProfileVersion:
    """Save the profile's content as a new version (the first save creates the profile).

    `content` holds the fields of philomena.models.CONTENT_FIELDS; one left out keeps its current value.
    `expected_version` is the profile's version the user loaded (None for a child with no profile yet).
    """
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"save_profile() got unknown fields: {', '.join(sorted(unknown))}")
    _check_editor(child, acting_user)
    errors = Errors()
    with transaction.atomic():
        profile = _lock_profile(child, expected_version)
        previous = profile.current_version() if profile else None
        before = _content_of(previous)
        after = {name: (content[name] or "").strip() if name in content else before[name] for name in CONTENT_FIELDS}
        _check_lengths(errors, after)
        if profile is None and not profile_applies(child):
            errors.add("profile", NOT_IN_CARE.format(status=child.get_legal_status_display().lower()))
        changed = [name for name in CONTENT_FIELDS if before[name] != after[name]]
        if not changed and not errors:
            errors.add("profile", NOTHING_CHANGED)
        errors.raise_if_any()
        version = _write_version(
            child,
            profile,
            content=after,
            photo=previous.photo if previous else None,
            changed=changed,
            acting_user=acting_user,
            now=timezone.now(),
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE if profile is None else AuditEvent.Action.UPDATE,
            obj=version,  # the version holds the changed fields, so record_event masks ProfileVersion's
            child_id=child.pk,
            summary=f"Philomena profile {'created' if profile is None else 'updated'}: version {version.number}",
            changes={"version": [previous.number if previous else None, version.number], **diff(before, after)},
        )
    return version


def add_photo(
    child: Child,
    *,
    photo: File | None,
    acting_user: User,
    taken_on: dt.date | None = None,
    expected_version: int | None = None,
) -> ProfileVersion:
    """Add a photo: checked (philomena.photos), stored privately, and made current by a new version that
    carries the rest of the profile forward. The first photo of a child in care with no profile starts one."""
    _check_editor(child, acting_user)
    errors = Errors()
    cleaned: CleanPhoto | None = None
    if photo is None:
        errors["photo"] = ["Select a photo"]
    else:
        try:
            cleaned = clean_photo(photo)
        except ValidationError as error:
            errors["photo"] = error.messages
    if taken_on is not None:
        if taken_on > timezone.localdate():
            errors.add("taken_on", "The date the photo was taken must be today or in the past")
        elif taken_on < child.date_of_birth:
            errors.add("taken_on", "The date the photo was taken must be after the child's birth")
    errors.raise_if_any()
    stored_name = ""
    try:
        with transaction.atomic():
            profile = _lock_profile(child, expected_version)
            if profile is None and not profile_applies(child):
                errors["photo"] = [NOT_IN_CARE.format(status=child.get_legal_status_display().lower())]
            errors.raise_if_any()
            previous = profile.current_version() if profile else None
            now = timezone.now()
            content = _content_of(previous)
            version = _write_version(
                child, profile, content=content, photo=None, changed=["photo"], acting_user=acting_user, now=now
            )
            assert cleaned is not None  # errors.raise_if_any(): the photo was read
            new_photo = ProfilePhoto(
                profile=version.profile,
                content_type=cleaned.content_type,
                width=cleaned.width,
                height=cleaned.height,
                size_bytes=len(cleaned.data),
                sha256=cleaned.sha256,
                taken_on=taken_on,
                uploaded_at=now,
                uploaded_by=acting_user,
            )
            new_photo.image.save("photo", ContentFile(cleaned.data), save=False)
            stored_name = new_photo.image.name or ""  # set by save() above
            new_photo.save()
            version.photo = new_photo
            version.save(update_fields=["photo"])
            record_event(
                actor=acting_user,
                action=AuditEvent.Action.CREATE,
                obj=new_photo,
                child_id=child.pk,
                summary=f"Philomena profile photo added: version {version.number}",
                changes={
                    "version": [previous.number if previous else None, version.number],
                    "photo": [previous.photo_id if previous else None, new_photo.pk],
                    "taken_on": [None, taken_on],
                },
            )
    except BaseException:
        if stored_name:  # the database rolled back: do not leave the file behind
            private_storage.delete(stored_name)
        raise
    return version


def record_grab_pack_produced(child: Child, *, viewer: User, profile: PhilomenaProfile | None) -> None:
    """Audit the production of a grab-pack (a read of the whole profile and the live episode)."""
    if not can_view_profile(viewer, child):
        raise PermissionDenied("Your role does not include Philomena profiles")
    with transaction.atomic():
        record_event(
            actor=viewer,
            action=AuditEvent.Action.VIEW,
            obj=profile if profile is not None else child,
            child_id=child.pk,
            summary="Philomena grab-pack produced",
            changes={"version": [None, profile.version]} if profile else {},
        )


def child_merge_problems(merged_id: int, survivor_id: int) -> list[str]:
    """A child has one Philomena profile: two records that each have one cannot be merged yet."""
    if PhilomenaProfile.objects.filter(child_id__in=(merged_id, survivor_id)).count() > 1:
        return ["Both records have a Philomena profile: a person must bring them into one first"]
    return []
