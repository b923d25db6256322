"""The meetings app's actions and the selectors the work inbox will read."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.models import AuditEvent
from core.errors import ConflictError
from meetings.actions import (
    add_action,
    add_child_to_meeting,
    call_meeting,
    cancel_action,
    complete_action,
    link_to_meeting,
    record_attendance,
)
from meetings.codes import ActionStatus, Attendance, MeetingKind
from meetings.selectors import open_actions_for, overdue_actions_chaired_by, overdue_actions_for
from risk.codes import AlertDecision


def test_calling_from_an_alert_decides_the_alert_and_links_it(planted):
    alert = planted.alert
    alert.refresh_from_db()
    assert alert.decision == AlertDecision.STRATEGY_DISCUSSION_PLANNED
    assert alert.acknowledged_by == planted.users.coordinator
    assert list(alert.meetings.all()) == [planted.meeting]
    assert planted.meeting.reason == "High risk grade"
    created = AuditEvent.objects.get(object_type="meeting", action=AuditEvent.Action.CREATE)
    assert created.child_id == planted.child.pk


def _call(world, **changes):
    arguments = {
        "kind": MeetingKind.STRATEGY_DISCUSSION,
        "held_at": timezone.now() + dt.timedelta(days=2),
        "place": "Room 1",
        "chair": world.users.coordinator,
        "children": [world.child],
        "agencies": [world.north],
        "acting_user": world.users.coordinator,
    }
    return call_meeting(**{**arguments, **changes})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "tea_party"}, "kind"),
        ({"held_at": None}, "held_at"),
        ({"place": "", "online": False}, "place"),
        ({"children": []}, "children"),
        ({"agencies": []}, "agencies"),
        ({"chair": None}, "chair"),
    ],
)
def test_a_meeting_needs_its_essentials(world, changes, field):
    with pytest.raises(ValidationError) as error:
        _call(world, **changes)
    assert field in error.value.message_dict


def test_only_a_mace_panel_discusses_several_children(world):
    with pytest.raises(ValidationError) as error:
        _call(world, children=[world.child, world.placed_child])
    assert "Only a MACE panel" in error.value.message_dict["children"][0]
    panel = _call(world, kind=MeetingKind.MACE_PANEL, children=[world.child, world.placed_child], online=True)
    assert panel.children.count() == 2
    with pytest.raises(ValidationError):
        add_child_to_meeting(
            panel, child=world.child, expected_version=panel.version, acting_user=world.users.coordinator
        )


def test_a_chair_from_another_council_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _call(world, chair=world.users.coordinator_south)
    assert "chair" in error.value.message_dict


def test_attendance_and_a_stale_version(planted):
    meeting, users = planted.meeting, planted.users
    record_attendance(
        meeting,
        agencies={planted.world.police_north.pk: Attendance.PRESENT, planted.world.school.pk: Attendance.APOLOGIES},
        people={users.social_worker.pk: Attendance.PRESENT},
        invite=users.police,
        expected_version=meeting.version,
        acting_user=users.coordinator,
    )
    meeting.refresh_from_db()
    assert meeting.agencies.get(agency=planted.world.school).attendance == Attendance.APOLOGIES
    assert meeting.people.get(user=users.police).attendance == Attendance.INVITED
    with pytest.raises(ConflictError):
        record_attendance(meeting, agencies={}, people={}, expected_version=1, acting_user=users.coordinator)


def test_only_people_from_invited_agencies(planted):
    users = planted.users
    with pytest.raises(ValidationError) as error:
        add_action(
            planted.meeting,
            what="x",
            owner=users.police_south,
            due_on=timezone.localdate(),
            acting_user=users.coordinator,
        )
    assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError):
        record_attendance(
            planted.meeting,
            agencies={},
            people={},
            invite=users.other_school_dsl,
            expected_version=planted.meeting.version,
            acting_user=users.coordinator,
        )


def test_closing_an_action(planted):
    action, users = planted.action, planted.users
    with pytest.raises(ValidationError) as error:
        cancel_action(action, note="", expected_version=1, acting_user=users.coordinator)
    assert "note" in error.value.message_dict
    done = complete_action(action, expected_version=1, acting_user=users.social_worker)
    assert done.status == ActionStatus.DONE and done.version == 2
    with pytest.raises(ConflictError):
        cancel_action(action, note="No longer needed", expected_version=1, acting_user=users.coordinator)
    with pytest.raises(ValidationError) as error:
        cancel_action(action, note="No longer needed", expected_version=2, acting_user=users.coordinator)
    assert "already marked done" in error.value.message_dict["status"][0]
    event = AuditEvent.objects.filter(object_type="meetingaction", action=AuditEvent.Action.UPDATE).get()
    assert event.changes == {"status": ["open", "done"]}
    created = AuditEvent.objects.get(object_type="meetingaction", action=AuditEvent.Action.CREATE)
    assert "PACK-MARK" not in str(created.changes)


def test_the_inbox_selectors(planted):
    users, now = planted.users, timezone.now()
    due_later = add_action(
        planted.meeting,
        what="Call the school",
        owner=users.social_worker,
        due_on=timezone.localdate() + dt.timedelta(days=5),
        acting_user=users.coordinator,
    )
    assert list(open_actions_for(users.social_worker)) == [planted.action, due_later]
    assert list(overdue_actions_for(users.social_worker, now)) == [planted.action]
    assert list(overdue_actions_chaired_by(users.coordinator, now)) == [planted.action]
    assert not overdue_actions_chaired_by(users.manager, now).exists()
    # Due today is not overdue; tomorrow it is.
    assert list(overdue_actions_for(users.social_worker, now + dt.timedelta(days=6))) == [planted.action, due_later]
    complete_action(planted.action, expected_version=1, acting_user=users.social_worker)
    assert list(overdue_actions_chaired_by(users.coordinator, now)) == []


def test_linking_persons_is_for_a_mace_panel(planted):
    with pytest.raises(ValidationError):
        link_to_meeting(
            planted.meeting,
            persons=[planted.person],
            expected_version=planted.meeting.version,
            acting_user=planted.users.coordinator,
        )
