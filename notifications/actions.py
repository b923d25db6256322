"""Every change to notifications: telling people (one transaction with the change that caused it, the sending
queued for after it commits), marking read, and each person's choices. Audited with the existing actions."""

import re
from collections.abc import Iterable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.audit import record_event
from access.models import AuditEvent, User
from core.concurrency import lock_at_version
from notifications.codes import DEFAULT_CHANNELS, MESSAGES, TEXT_ROLES, Channel, NotificationKind
from notifications.models import ContactDetails, Delivery, Notification, NotificationPreference

# A UK mobile number: 07 and nine digits, or +447 and nine digits (spaces allowed).
MOBILE_NUMBER = re.compile(r"(?:\+447|07)\d{9}")


def may_text(user: User) -> bool:
    return user.has_role(*TEXT_ROLES)


def channel_for(user: User, kind: str) -> str:
    """The channel the user chose for this kind (or its default), as far as their role and details allow: a text
    message needs a text-message role and a mobile number, an e-mail an address; otherwise in Homeward only."""
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind).values_list("channel", flat=True).first()
        or DEFAULT_CHANNELS[kind]
    )
    if chosen == Channel.TEXT:
        number = ContactDetails.objects.filter(user=user).values_list("mobile_number", flat=True).first()
        if may_text(user) and number:
            return Channel.TEXT
        chosen = Channel.EMAIL
    if chosen == Channel.EMAIL and user.email:
        return Channel.EMAIL
    return Channel.IN_APP


def _queue_delivery(delivery_id: int) -> None:
    from notifications.tasks import deliver  # the job module imports these actions

    deliver.enqueue(delivery_id)


def notify(
    kind: str, recipients: Iterable[User], *, about: str, link: str, child_id: int | None = None
) -> list[Notification]:
    """Tell each recipient, once: a notification per recipient and `about` (what it concerns, such as
    `episode:12`), shown in Homeward, and a delivery by e-mail or text message if they chose one. Call it inside
    the transaction of the change it reports; the deliveries are queued once that commits (never for a change
    that rolled back). Returns the notifications made now (none for those told before)."""
    message = MESSAGES[NotificationKind(kind)]
    made = []
    # No savepoint of its own: a failure here fails the change it reports, whose transaction it joins (an import
    # notifies once per row). get_or_create makes its own savepoint around the insert, so a concurrent duplicate
    # leaves the transaction usable.
    with transaction.atomic(savepoint=False):
        for person in recipients:
            try:
                notification, created = Notification.objects.get_or_create(
                    recipient=person,
                    dedupe_key=f"{kind}:{about}",
                    defaults={"kind": kind, "message": message, "link": link, "created_at": timezone.now()},
                )
            except IntegrityError:  # told at this moment by a concurrent run: once is enough
                continue
            if not created:
                continue
            channel = channel_for(person, kind)
            record_event(
                actor=None,
                action=AuditEvent.Action.CREATE,
                obj=notification,
                child_id=child_id,
                summary=f"Notification: {notification.get_kind_display()}",
                changes={"recipient": [None, person.pk], "kind": [None, kind], "channel": [None, channel]},
            )
            if channel != Channel.IN_APP:
                delivery = Delivery.objects.create(notification=notification, channel=channel)
                transaction.on_commit(partial(_queue_delivery, delivery.pk), robust=True)
            made.append(notification)
    return made


def notify_action_due(owner: User, *, about: str, link: str, child_id: int | None = None) -> list[Notification]:
    """For the app that holds meeting actions: tell an action's owner it is due (once per `about`)."""
    return notify(NotificationKind.ACTION_DUE, [owner], about=about, link=link, child_id=child_id)


def notify_actions_overdue(chair: User, *, about: str, link: str) -> list[Notification]:
    """For the app that holds meetings: tell the chair that the meeting's actions are overdue (once per `about`)."""
    return notify(NotificationKind.ACTIONS_OVERDUE, [chair], about=about, link=link)


def mark_read(notification: Notification, *, acting_user: User) -> Notification:
    """Mark one of the user's own notifications read (again: nothing changes)."""
    with transaction.atomic():
        current = Notification.objects.select_for_update().get(pk=notification.pk, recipient=acting_user)
        if current.read_at is None:
            current.read_at = timezone.now()
            current.save(update_fields=["read_at"])
            record_event(
                actor=acting_user,
                action=AuditEvent.Action.UPDATE,
                obj=current,
                summary="Notification marked read",
                changes={"read_at": [None, current.read_at]},
            )
    return current


def mark_all_read(*, acting_user: User) -> int:
    with transaction.atomic():
        count = Notification.objects.filter(recipient=acting_user, read_at__isnull=True).update(read_at=timezone.now())
        if count:
            record_event(
                actor=acting_user,
                action=AuditEvent.Action.UPDATE,
                object_type="notification-list",
                summary=f"{count} notifications marked read",
            )
    return count


def save_preferences(
    *, acting_user: User, channels: dict[str, str], mobile_number: str, expected_version: int
) -> ContactDetails:
    """Save the user's channel for each kind and their mobile number. A text message is offered only to the
    roles that may have one, and needs a mobile number."""
    number = re.sub(r"\s+", "", mobile_number or "")
    errors: dict[str, list[str]] = {}
    if number and not MOBILE_NUMBER.fullmatch(number):
        errors["mobile_number"] = ["Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982"]
    for kind, channel in channels.items():
        if kind not in NotificationKind.values:
            errors.setdefault("__all__", []).append(f"Unknown kind of notification: {kind}")
        elif channel not in Channel.values:
            errors.setdefault(kind, []).append("Choose how you want to hear about this")
        elif channel == Channel.TEXT and not may_text(acting_user):
            errors.setdefault(kind, []).append("Your role does not have text messages: choose e-mail or Homeward")
        elif channel == Channel.TEXT and not number:
            errors.setdefault("mobile_number", []).append("Enter a mobile number to have text messages")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        details, _ = ContactDetails.objects.get_or_create(user=acting_user)
        details = lock_at_version(ContactDetails, details.pk, expected_version)
        before = {p.kind: p.channel for p in NotificationPreference.objects.filter(user=acting_user)}
        for kind, channel in channels.items():
            NotificationPreference.objects.update_or_create(user=acting_user, kind=kind, defaults={"channel": channel})
        changed_number = details.mobile_number != number
        details.mobile_number = number
        details.version += 1
        details.save(update_fields=["mobile_number", "version"])
        changes = {k: [before.get(k), v] for k, v in channels.items() if before.get(k) != v}
        if changed_number:
            changes["mobile_number"] = ["[changed]", "[changed]"]
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=details,
            summary="Notification choices saved",
            changes=changes,
        )
    return details
