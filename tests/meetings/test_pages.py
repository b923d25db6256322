"""The meeting pages: called from an alert, run by the chair, read by each invited agency as its rules allow."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.codes import ActionStatus, MeetingKind
from meetings.models import Meeting, MeetingAction
from risk.codes import AlertDecision
from risk.models import Alert
from tests.meetings.conftest import MARK


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _when(prefix: str, moment: dt.datetime) -> dict[str, int | str]:
    local = timezone.localtime(moment)
    return {f"{prefix}_0": local.day, f"{prefix}_1": local.month, f"{prefix}_2": local.year, f"{prefix}_3": "10:30"}


def test_an_alert_opens_a_prefilled_meeting_and_its_decision_links_to_it(world, open_episode):
    alert = Alert.objects.create(
        child=world.child,
        kind="repeat_missing",
        episode=open_episode,
        dedupe_key="repeat:1",
        detail="3 episodes in 90 days",
        raised_at=timezone.now(),
        for_role="coordinator",
    )
    coordinator = signed_in(world.users.coordinator)
    alert_page = coordinator.get(reverse("risk:acknowledge", args=[alert.pk])).content.decode()
    call_url = reverse("meetings:call-from-alert", args=[alert.pk])
    assert call_url in alert_page and "missing review meeting" in alert_page
    form = coordinator.get(call_url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["kind"] == MeetingKind.MISSING_REVIEW
    assert set(initial["agencies"]) == {world.north.pk, world.police_north.pk, world.school.pk, world.provider.pk}
    body = {
        "kind": MeetingKind.MISSING_REVIEW,
        **_when("held_at", timezone.now() + dt.timedelta(days=3)),
        "place": "Northmoor House",
        "chair": world.users.coordinator.pk,
        "agencies": initial["agencies"],
        "children": [world.child.pk],
    }
    response = coordinator.post(call_url, body)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    alert.refresh_from_db()
    assert alert.decision == AlertDecision.MEETING_CALLED
    alert_page = coordinator.get(reverse("risk:acknowledge", args=[alert.pk])).content.decode()
    assert reverse("meetings:detail", args=[meeting.pk]) in alert_page
    assert "Meeting called" in alert_page


def test_the_call_page_names_the_missing_answers(world):
    response = signed_in(world.users.coordinator).post(
        reverse("meetings:call-about-child", args=[world.child.pk]), {"children": [world.child.pk]}
    )
    text = response.content.decode()
    assert response.status_code == 200
    for message in ("Select the kind of meeting", "Enter when the meeting is held", "Choose the chair"):
        assert message in text


def test_calling_is_for_the_childs_council_organisers(world):
    url = reverse("meetings:call-about-child", args=[world.child.pk])
    assert signed_in(world.users.social_worker).get(url).status_code == 403
    assert signed_in(world.users.coordinator_south).get(url).status_code == 404
    assert signed_in(world.users.manager).get(url).status_code == 200


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("coordinator", {MARK.episode, MARK.interview, MARK.screening, MARK.decision}),
        ("police", {MARK.episode, MARK.intelligence, MARK.decision}),
        ("school_dsl", {MARK.decision}),
        ("other_practitioner", set()),
    ],
)
def test_the_meeting_page_shows_each_viewer_what_they_may_see(planted, user, sees):
    text = signed_in(getattr(planted.users, user)).get(reverse("meetings:detail", args=[planted.meeting.pk])).content
    shown = {
        m
        for m in (MARK.episode, MARK.interview, MARK.screening, MARK.intelligence, MARK.decision)
        if m in text.decode()
    }
    assert shown == sees


def test_the_chair_records_the_meeting_and_the_owner_completes_an_action(planted):
    meeting, users = planted.meeting, planted.users
    chair = signed_in(users.coordinator)
    discussion_url = reverse("meetings:discussion", args=[meeting.pk, planted.child.pk])
    assert chair.post(discussion_url, {"discussion": "Talked", "decisions": "Decided", "version": 2}).status_code == 302
    stale = chair.post(discussion_url, {"discussion": "Again", "decisions": "", "version": 2})
    assert stale.status_code == 409
    response = chair.post(
        reverse("meetings:new-action", args=[meeting.pk]),
        {"what": "Safety plan", "owner": users.police.pk, **_when("due_on", timezone.now()), "child": planted.child.pk},
    )
    assert response.status_code == 302
    action = MeetingAction.objects.get(what="Safety plan")
    assert action.owner_agency == planted.world.police_north
    assert (
        signed_in(users.social_worker)
        .post(reverse("meetings:action", args=[action.pk]), {"status": "done", "version": 1})
        .status_code
        == 403
    )
    owner = signed_in(users.police)
    done = owner.post(reverse("meetings:action", args=[action.pk]), {"status": "done", "note": "", "version": 1})
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_the_child_record_shows_meetings_decisions_and_open_actions(planted):
    text = (
        signed_in(planted.users.social_worker).get(reverse("children:detail", args=[planted.child.pk])).content.decode()
    )
    assert "Strategy discussion" in text
    assert f"Decisions: {MARK.decision}" in text
    assert MARK.action in text and "(overdue)" in text
    assert reverse("meetings:call-about-child", args=[planted.child.pk]) not in text  # a social worker does not call


def test_the_menu_and_the_list(planted, world):
    assert b'href="/meetings/"' in signed_in(world.users.school_dsl).get(reverse("meetings:list")).content
    assert signed_in(world.users.analyst).get(reverse("meetings:list")).status_code == 403
    text = signed_in(world.users.social_worker).get(reverse("meetings:list")).content.decode()
    assert MARK.action in text and "Overdue" in text


def test_a_mace_panel_adds_children_and_the_persons_linking_them(planted, world):
    users = world.users
    panel = Meeting.objects.create(
        kind=MeetingKind.MACE_PANEL,
        council=world.north,
        held_at=timezone.now(),
        online=True,
        chair=users.manager,
        created_by=users.manager,
    )
    panel.children.create(child=world.child)
    police = signed_in(users.police)
    assert police.get(reverse("meetings:add-child", args=[panel.pk])).status_code == 404  # not invited
    chair = signed_in(users.manager)
    refused = chair.post(reverse("meetings:add-child", args=[panel.pk]), {"la_child_id": "S000789", "version": 1})
    assert "No child in your caseload has that council ID" in refused.content.decode()
    added = chair.post(reverse("meetings:add-child", args=[panel.pk]), {"la_child_id": "S000456", "version": 1})
    assert added.status_code == 302
    link_page = chair.get(reverse("meetings:link", args=[panel.pk])).content.decode()
    assert MARK.intelligence not in link_page  # police-only intelligence is not offered to the council
