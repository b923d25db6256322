"""A coordinator answers an alert by calling a meeting, agrees actions, and downloads the agency's pack; the owner
completes their action; the school's pack, read back from the PDF, holds nothing the school was not given. Every
page is checked with axe."""

import datetime as dt
import io

import pdfplumber
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from access.models import Role
from meetings.codes import ActionStatus
from meetings.models import Meeting, MeetingAction
from risk.codes import AlertDecision, AlertKind
from risk.models import Alert
from tests.browser.helpers import assert_accessible, sign_in, sign_out
from tests.browser.test_journey import fill_date_time
from tests.factories import EpisodeFactory

pytestmark = pytest.mark.browser

SECRET = "BROWSER-MARK-CIRCUMSTANCES"


def _pack_text(page: Page) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name="Meeting pack (PDF)").click()
    with pdfplumber.open(io.BytesIO(open(info.value.path(), "rb").read())) as document:
        return "\n".join(p.extract_text() or "" for p in document.pages)


def test_an_alert_opens_a_meeting_actions_are_assigned_and_the_pack_downloads(page, live_server, world):
    users = world.users
    episode = EpisodeFactory(
        child=world.child, police_force=world.police_north, created_by=users.police, circumstances=SECRET
    )
    alert = Alert.objects.create(
        child=world.child,
        kind=AlertKind.HIGH_RISK,
        episode=episode,
        dedupe_key=f"browser:{episode.pk}",
        detail="Graded high",
        raised_at=timezone.now(),
        for_role=Role.COORDINATOR,
    )
    sign_in(page, live_server, users.coordinator)
    page.goto(f"{live_server.url}/risk/alerts/{alert.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Call a meeting about this alert (strategy discussion)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call a meeting")
    expect(page.get_by_label("Strategy discussion")).to_be_checked()
    expect(page.get_by_label("Northmoor Police (police force)")).to_be_checked()
    assert_accessible(page)
    fill_date_time(page, "When is it held?", timezone.now() + dt.timedelta(days=1))
    page.get_by_label("Where (optional if online)").fill("Northmoor House, room 2")
    page.get_by_label("Northmoor Academy (school)").check()
    page.get_by_role("button", name="Call meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategy discussion")
    assert_accessible(page)
    meeting = Meeting.objects.get()
    alert.refresh_from_db()
    assert alert.decision == AlertDecision.STRATEGY_DISCUSSION_PLANNED and alert.meetings.get() == meeting

    for what, owner in (("Visit the carers", users.social_worker), ("Check the bus station", users.police)):
        page.get_by_role("link", name="Agree an action").click()
        assert_accessible(page)
        page.get_by_label("What is to be done").fill(what)
        page.get_by_label("Who owns it").select_option(label=f"{owner}, {owner.agency}")
        group = page.get_by_role("group", name="Due by", exact=True)
        due = timezone.localdate() + dt.timedelta(days=3)
        group.get_by_label("Day").fill(str(due.day))
        group.get_by_label("Month").fill(str(due.month))
        group.get_by_label("Year").fill(str(due.year))
        page.get_by_label("About (optional)").select_option(label="Jordan Example")
        page.get_by_role("button", name="Agree action").click()
        expect(page.get_by_role("table", name="Actions about the child")).to_contain_text(what)
    assert MeetingAction.objects.count() == 2
    assert_accessible(page)

    text = _pack_text(page)
    assert "MEETING PACK FOR NORTHMOOR COUNCIL" in text and SECRET in text and "Visit the carers" in text
    sign_out(page)

    # The owner sees the action in their list and completes it.
    sign_in(page, live_server, users.social_worker)
    page.get_by_role("link", name="Meetings").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Visit the carers").click()
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Done")
    assert_accessible(page)
    assert MeetingAction.objects.get(what="Visit the carers").status == ActionStatus.DONE
    sign_out(page)

    # The school's copy: the child and the actions, never the episode's free text (nothing was shared with it).
    sign_in(page, live_server, users.school_dsl)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    assert_accessible(page)
    text = _pack_text(page)
    assert "MEETING PACK FOR NORTHMOOR ACADEMY" in text and "Jordan Example" in text
    assert SECRET not in text
