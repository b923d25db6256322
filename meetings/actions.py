"""Every change to meetings and their actions: one transaction each, audited inside it (with the existing audit
actions: CREATE and UPDATE on the meeting, the child discussed or the action).

Who may do what is the caller's check (`meetings.scoping`: `can_call_about`, `can_manage_meeting`,
`can_close_action`); these functions hold the rules about the records themselves. The discussion, the decisions
and an action's note are sensitive free text: the audit trail records only that they changed.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from access.audit import SENSITIVE_MARK, record_event
from access.models import Agency, AuditEvent, User
from access.scoping import COUNCIL_CASE_ROLES, in_child_councils
from children.models import Child
from core.concurrency import lock_at_version
from core.errors import Errors
from core.validation import check_choice, check_required
from meetings.codes import (
    ALERT_DECISION_FOR_KIND,
    CLOSED_ACTION_STATUSES,
    SEVERAL_CHILDREN_KINDS,
    ActionStatus,
    Attendance,
    MeetingKind,
)
from meetings.models import Meeting, MeetingAction, MeetingAgency, MeetingChild, MeetingPerson
from meetings.signals import action_added
from network.models import PersonOfConcern, Place
from risk.actions import acknowledge_alert
from risk.models import Alert


def _max_length(model: type[Meeting] | type[MeetingAction], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None  # set in meetings/models.py
    return field.max_length


WHAT_MAX = _max_length(MeetingAction, "what")
PLACE_MAX = _max_length(Meeting, "place")


def _sensitive(before: str, after: str) -> list[str | None] | None:
    if before == after:
        return None
    return [SENSITIVE_MARK if before else None, SENSITIVE_MARK if after else None]


def _bump(meeting: Meeting) -> None:
    meeting.version += 1
    meeting.save(update_fields=["version", "updated_at"])


def _invited_agency_ids(meeting: Meeting) -> set[int]:
    return {meeting.council_id, *meeting.agencies.values_list("agency_id", flat=True)}


# --- calling a meeting ----------------------------------------------------------------------------------


def call_meeting(
    *,
    kind: str,
    held_at: datetime | None,
    place: str = "",
    online: bool = False,
    chair: User | None,
    children: Iterable[Child],
    agencies: Iterable[Agency],
    acting_user: User,
    people: Iterable[User] = (),
    from_alert: Alert | None = None,
) -> Meeting:
    """Call a meeting of the acting user's council about one child (a MACE panel: one or more).

    Called from an alert, the meeting keeps the alert and, if nobody has decided the alert yet and the acting user
    holds the role it is for, records the decision (a strategy discussion planned, or a meeting called), so the
    alert's decision links to the meeting.
    """
    children, agencies = list(dict.fromkeys(children)), list(dict.fromkeys(agencies))
    place = (place or "").strip()
    errors = Errors()
    check_choice(errors, "kind", kind, MeetingKind, "Kind of meeting")
    check_required(errors, "held_at", held_at, "when the meeting is held")
    if not place and not online:
        errors.add("place", "Enter where the meeting is held, or say it is online")
    if len(place) > PLACE_MAX:
        errors.add("place", f"Where the meeting is held must be {PLACE_MAX} characters or fewer")
    if not children:
        errors.add("children", "Choose the child the meeting is about")
    elif len(children) > 1 and kind not in SEVERAL_CHILDREN_KINDS:
        errors.add("children", "Only a MACE panel discusses several children: choose one child")
    if not agencies:
        errors.add("agencies", "Choose at least one agency to invite")
    if chair is None or not (
        chair.is_active and chair.agency_id == acting_user.agency_id and chair.has_role(*COUNCIL_CASE_ROLES)
    ):
        errors.add("chair", "Choose a chair from your council's coordinators, social workers or managers")
    if from_alert is not None and from_alert.child not in children:
        errors.add("children", "The meeting must discuss the child the alert is about")
    errors.raise_if_any()
    assert held_at is not None and chair is not None  # checked above: raise_if_any refused a missing one
    assert acting_user.agency_id is not None  # can_call_meeting: only a council's user calls a meeting
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind,
            council_id=acting_user.agency_id,
            held_at=held_at,
            place=place,
            online=online,
            chair=chair,
            reason=from_alert.title if from_alert is not None else "",
            from_alert=from_alert,
            created_by=acting_user,
        )
        MeetingAgency.objects.bulk_create(MeetingAgency(meeting=meeting, agency=agency) for agency in agencies)
        invited = dict.fromkeys([chair, *(p for p in people if p.is_active)])
        MeetingPerson.objects.bulk_create(MeetingPerson(meeting=meeting, user=person) for person in invited)
        MeetingChild.objects.bulk_create(MeetingChild(meeting=meeting, child=child) for child in children)
        for child in children:
            record_event(
                actor=acting_user,
                action=AuditEvent.Action.CREATE,
                obj=meeting,
                child_id=child.pk,
                summary=f"Meeting called: {meeting.get_kind_display()}",
                changes={
                    "kind": [None, kind],
                    "held_at": [None, held_at],
                    "online": [None, online],
                    "chair": [None, chair.pk],
                    "agencies": [None, sorted(agency.pk for agency in agencies)],
                    "from_alert": [None, from_alert.pk if from_alert else None],
                },
            )
        if from_alert is not None:
            _decide_alert(from_alert, kind, acting_user)
    return meeting


def _decide_alert(alert: Alert, kind: str, acting_user: User) -> None:
    current = Alert.objects.select_for_update(no_key=True).get(pk=alert.pk)
    if current.is_acknowledged or not acting_user.has_role(current.for_role):
        return
    if not in_child_councils(acting_user, current.child):
        return
    acknowledge_alert(current, decision=ALERT_DECISION_FOR_KIND[kind], acting_user=acting_user)


# --- attendance, children, persons and places -----------------------------------------------------------


def record_attendance(
    meeting: Meeting,
    *,
    agencies: Mapping[int, str],
    people: Mapping[int, str],
    expected_version: int,
    acting_user: User,
    invite: User | None = None,
) -> Meeting:
    """Mark each invited agency and person invited, present or sending apologies; optionally invite one more
    person (someone from an invited agency or the calling council)."""
    errors = Errors()
    for status in [*agencies.values(), *people.values()]:
        check_choice(errors, "attendance", status, Attendance, "Attendance")
    with transaction.atomic():
        current = lock_at_version(Meeting, meeting.pk, expected_version)
        if invite is not None:
            if not invite.is_active or invite.agency_id not in _invited_agency_ids(current):
                errors.add("invite", "Invite someone from an agency invited to the meeting")
            elif current.people.filter(user=invite).exists():
                errors.add("invite", f"{invite} is already invited")
        errors.raise_if_any()
        changes: dict[str, list[str | None]] = {}
        for row in current.agencies.select_related("agency"):
            status = agencies.get(row.agency_id, row.attendance)
            if status != row.attendance:
                changes[f"agency:{row.agency_id}"] = [row.attendance, status]
                row.attendance = status
                row.save(update_fields=["attendance"])
        for person in current.people.all():
            status = people.get(person.user_id, person.attendance)
            if status != person.attendance:
                changes[f"person:{person.user_id}"] = [person.attendance, status]
                person.attendance = status
                person.save(update_fields=["attendance"])
        if invite is not None:
            MeetingPerson.objects.create(meeting=current, user=invite)
            changes[f"person:{invite.pk}"] = [None, Attendance.INVITED]
        _bump(current)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            summary="Meeting attendance recorded",
            changes=changes,
        )
    return current


def add_child_to_meeting(meeting: Meeting, *, child: Child, expected_version: int, acting_user: User) -> MeetingChild:
    """Bring another child to a MACE panel (other meetings are about one child)."""
    errors = Errors()
    with transaction.atomic():
        current = lock_at_version(Meeting, meeting.pk, expected_version)
        if current.kind not in SEVERAL_CHILDREN_KINDS:
            errors.add("child", "Only a MACE panel discusses several children")
        elif current.children.filter(child=child).exists():
            errors.add("child", "That child is already discussed at this meeting")
        errors.raise_if_any()
        discussed = MeetingChild.objects.create(meeting=current, child=child)
        _bump(current)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=child.pk,
            summary="Child added to a meeting",
            changes={"children": [None, child.pk]},
        )
    return discussed


def link_to_meeting(
    meeting: Meeting,
    *,
    persons: Iterable[PersonOfConcern] = (),
    places: Iterable[Place] = (),
    expected_version: int,
    acting_user: User,
) -> Meeting:
    """Add the persons and places that link a MACE panel's children (the caller offers only those it may see)."""
    persons, places = list(persons), list(places)
    errors = Errors()
    if not persons and not places:
        errors.add("persons", "Choose at least one person or place")
    with transaction.atomic():
        current = lock_at_version(Meeting, meeting.pk, expected_version)
        if current.kind not in SEVERAL_CHILDREN_KINDS:
            errors.add("persons", "Only a MACE panel records the persons and places linking children")
        errors.raise_if_any()
        current.persons.add(*persons)
        current.places.add(*places)
        _bump(current)
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            summary="Persons and places linked to a meeting",
            changes={"persons": [None, sorted(p.pk for p in persons)], "places": [None, sorted(p.pk for p in places)]},
        )
    return current


def record_discussion(
    discussed: MeetingChild, *, discussion: str, decisions: str, expected_version: int, acting_user: User
) -> MeetingChild:
    """Record what was discussed and decided about one child."""
    discussion, decisions = (discussion or "").strip(), (decisions or "").strip()
    errors = Errors()
    if not discussion and not decisions:
        errors.add("discussion", "Enter what was discussed or decided")
    errors.raise_if_any()
    with transaction.atomic():
        current = lock_at_version(MeetingChild, discussed.pk, expected_version)
        changes = {
            name: pair
            for name, pair in (
                ("discussion", _sensitive(current.discussion, discussion)),
                ("decisions", _sensitive(current.decisions, decisions)),
            )
            if pair
        }
        current.discussion, current.decisions = discussion, decisions
        current.version += 1
        current.save(update_fields=["discussion", "decisions", "version"])
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary="Meeting discussion and decisions recorded",
            changes=changes,
        )
    return current


# --- actions --------------------------------------------------------------------------------------------


def add_action(
    meeting: Meeting,
    *,
    what: str,
    owner: User | None,
    due_on: date | None,
    acting_user: User,
    child: Child | None = None,
) -> MeetingAction:
    """Agree an action: what, who owns it (someone from an invited agency or the calling council), by when,
    and (optionally) which of the meeting's children it is about."""
    what = (what or "").strip()
    errors = Errors()
    check_required(errors, "what", what, "what is to be done")
    if len(what) > WHAT_MAX:
        errors.add("what", f"What is to be done must be {WHAT_MAX} characters or fewer")
    check_required(errors, "due_on", due_on, "when the action is due")
    if owner is None or not owner.is_active or owner.agency_id not in _invited_agency_ids(meeting):
        errors.add("owner", "Choose an owner from an agency invited to the meeting")
    if child is not None and not meeting.children.filter(child=child).exists():
        errors.add("child", "Choose a child discussed at this meeting")
    errors.raise_if_any()
    # Checked above (raise_if_any refused a missing one; an owner is at an invited agency):
    assert owner is not None and owner.agency_id is not None and due_on is not None
    with transaction.atomic():
        action = MeetingAction.objects.create(
            meeting=meeting,
            child=child,
            what=what,
            owner=owner,
            owner_agency_id=owner.agency_id,
            due_on=due_on,
            created_by=acting_user,
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=action,
            child_id=child.pk if child else None,
            summary="Meeting action agreed",
            changes={
                "meeting": [None, meeting.pk],
                "what": [None, what],
                "owner": [None, owner.pk],
                "owner_agency": [None, owner.agency_id],
                "due_on": [None, due_on],
            },
        )
        action_added.send(sender=MeetingAction, action=action, acting_user=acting_user)  # notifications
    return action


def close_action(
    action: MeetingAction, *, status: str, note: str = "", expected_version: int, acting_user: User
) -> MeetingAction:
    """Mark an open action done or cancelled (cancelling says why). A closed action stays closed: a new need is a
    new action. A stale `expected_version` (someone else changed it first) is a ConflictError."""
    note = (note or "").strip()
    errors = Errors()
    if status not in CLOSED_ACTION_STATUSES:
        errors.add("status", "Choose done or cancelled")
    if status == ActionStatus.CANCELLED:
        check_required(errors, "note", note, "why the action is cancelled")
    with transaction.atomic():
        current = lock_at_version(MeetingAction, action.pk, expected_version)
        if not current.is_open:
            when = timezone.localtime(current.status_changed_at)
            errors.add(
                "status",
                f"This action was already marked {current.get_status_display().lower()} by "
                f"{current.status_changed_by} on {when:%d/%m/%Y %H:%M}",
            )
        errors.raise_if_any()
        previous = current.status
        current.status, current.status_note = status, note
        current.status_changed_at, current.status_changed_by = timezone.now(), acting_user
        current.version += 1
        current.save(
            update_fields=["status", "status_note", "status_changed_at", "status_changed_by", "version", "updated_at"]
        )
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            child_id=current.child_id,
            summary=f"Meeting action {current.get_status_display().lower()}",
            changes={"status": [previous, status], **({"status_note": [None, SENSITIVE_MARK]} if note else {})},
        )
    return current


def complete_action(
    action: MeetingAction, *, expected_version: int, acting_user: User, note: str = ""
) -> MeetingAction:
    return close_action(
        action, status=ActionStatus.DONE, note=note, expected_version=expected_version, acting_user=acting_user
    )


def cancel_action(action: MeetingAction, *, note: str, expected_version: int, acting_user: User) -> MeetingAction:
    return close_action(
        action, status=ActionStatus.CANCELLED, note=note, expected_version=expected_version, acting_user=acting_user
    )


def child_merge_problems(merged_id: int, survivor_id: int) -> list[str]:
    """Two records discussed at the same meeting cannot be merged: the meeting would discuss the child twice."""
    meetings = MeetingChild.objects.filter(child_id__in=(merged_id, survivor_id))
    both = meetings.values("meeting_id").annotate(records=Count("child_id", distinct=True)).filter(records__gt=1)
    if both.exists():
        return ["Both records are discussed at the same meeting: take one of them off that meeting first"]
    return []
