"""The journeys people make through Homeward, in a real browser, checking every page with axe.

A coordinator follows a child from the report that they are missing to the return interview written
up; a police officer reports a child missing in their force area and cannot open another council's
child. Each page visited, including each form shown again with its errors, must pass
`assert_accessible`. The tests read the page as a person would: headings, labels, links and text.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.templatetags.govuk import govuk_datetime
from tests.browser.helpers import allow_status, assert_accessible, assert_error_summary, sign_in

pytestmark = pytest.mark.browser


def _hours_ago(hours: float) -> dt.datetime:
    return timezone.localtime(timezone.now() - dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


def fill_date_time(page: Page, question: str, moment: dt.datetime) -> None:
    """Type a date and time into the GOV.UK date input boxes under a question, as a person would."""
    group = page.get_by_role("group", name=question, exact=True)
    local = timezone.localtime(moment)
    group.get_by_label("Day").fill(str(local.day))
    group.get_by_label("Month").fill(str(local.month))
    group.get_by_label("Year").fill(str(local.year))
    group.get_by_label("Time").fill(local.strftime("%H:%M"))


def choose(page: Page, question: str, answer: str) -> None:
    """Tick a radio button or checkbox under a question."""
    page.get_by_role("group", name=question, exact=True).get_by_label(answer, exact=True).check()


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def success_banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def main(page: Page):
    return page.get_by_role("main")


def test_coordinator_follows_a_child_from_missing_to_return_interview(page, live_server, world):
    child = world.child
    last_seen, reported, returned = _hours_ago(6), _hours_ago(5), _hours_ago(3)
    offered, interviewed = _hours_ago(2), _hours_ago(1)

    # Sign in: the coordinator lands on My work, with nothing waiting yet.
    sign_in(page, live_server, world.users.coordinator)
    expect(heading(page)).to_have_text("My work")
    expect(main(page)).to_contain_text("Nothing is waiting for you.")
    assert_accessible(page)

    # Find the child by name.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child").click()
    expect(heading(page)).to_have_text("Find a child")
    assert_accessible(page)
    page.get_by_label("Name, council child ID, date of birth or police reference").fill("Jordan")
    page.get_by_role("button", name="Search").click()
    expect(main(page)).to_contain_text("1 child found")
    assert_accessible(page)

    # Open the child's record.
    main(page).get_by_role("link", name=child.full_name).click()
    expect(heading(page)).to_have_text(child.full_name)
    expect(main(page)).to_contain_text("No missing episodes or return interviews you can see.")
    assert_accessible(page)

    # Report the child missing: first send the form without answering, to see the errors.
    page.get_by_role("link", name="Report missing").click()
    expect(heading(page)).to_have_text(f"Report {child.full_name} missing")
    assert_accessible(page)
    page.get_by_role("button", name="Report missing").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_error_summary(
        page,
        "Select whether the child is missing or away without authorisation",
        "Select where the child was missing from",
        "Enter when the child was last seen",
        "Enter where the child was last seen",
        "Enter who reported the child missing",
        "Select the police risk grade",
    )
    assert_accessible(page)

    choose(page, "Is the child missing, or away without authorisation?", "Missing")
    choose(page, "Where was the child missing from?", "Home")
    fill_date_time(page, "When was the child last seen?", last_seen)
    page.get_by_label("Where was the child last seen?").fill("Outside the bus station, Market Street")
    fill_date_time(page, "When was the child reported missing?", reported)
    page.get_by_label("Who reported the child missing?").fill("Alex Example, parent")
    expect(page.get_by_label("Police force", exact=True)).to_have_value(str(world.police_north.pk))
    page.get_by_label("Police reference (optional)").fill("NP-2026-000777")
    choose(page, "Police risk grade", "Medium")
    page.get_by_label("Circumstances (optional)").fill("Argument at home about staying out late.")
    page.get_by_role("button", name="Report missing").click()

    # The episode.
    expect(success_banner(page)).to_contain_text(f"{child.full_name} has been reported missing")
    expect(heading(page)).to_contain_text("Missing episode")
    expect(heading(page)).to_contain_text("Missing now")
    expect(main(page)).to_contain_text("Outside the bus station, Market Street")
    expect(main(page)).to_contain_text("NP-2026-000777")
    assert_accessible(page)

    # Change the risk grade.
    page.get_by_role("link", name="Change risk grade").click()
    expect(heading(page)).to_have_text("Change risk grade")
    assert_accessible(page)
    choose(page, "New risk grade", "High")
    page.get_by_label("Why has the risk grade changed?").fill("Seen getting into a car with unknown adults.")
    page.get_by_role("button", name="Change risk grade").click()
    expect(success_banner(page)).to_contain_text("Risk grade changed to high")
    history = page.get_by_role("table", name="Risk grade history, oldest first")
    expect(history).to_contain_text("Seen getting into a car with unknown adults.")
    assert_accessible(page)

    # Record the return.
    page.get_by_role("link", name="Record return").click()
    expect(heading(page)).to_have_text("Record the child's return")
    assert_accessible(page)
    fill_date_time(page, "When was the child found or did they return?", returned)
    page.get_by_label("Where was the child found, or where did they return to?").fill("Home address")
    choose(page, "Who found the child or brought them back?", "Police")
    choose(page, "Did police carry out a prevention interview (safe and well check)?", "Yes")
    page.get_by_role("button", name="Record return").click()

    # The return opens a return interview, due within HOMEWARD_RHI_DUE_HOURS (72) hours of the return.
    due_by = govuk_datetime(returned + dt.timedelta(hours=settings.HOMEWARD_RHI_DUE_HOURS))
    expect(success_banner(page)).to_contain_text(
        f"Return recorded for {child.full_name}. The return interview is due by {due_by}."
    )
    expect(heading(page)).to_have_text(re.compile(r"Return interview\s+Due"))
    assert_accessible(page)

    # My work (the task inbox) shows the interview waiting for an offer, due at its deadline.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My work").click()
    tasks = page.get_by_role("table", name="Tasks waiting, overdue and soonest due first")
    due_row = tasks.get_by_role("row").filter(has_text="Offer a return interview")
    expect(due_row).to_contain_text(child.full_name)
    expect(due_row).to_contain_text(due_by)
    assert_accessible(page)

    # Record the offer: accepted.
    due_row.get_by_role("link", name="Offer a return interview", exact=True).click()
    expect(heading(page)).to_have_text(re.compile(r"Return interview\s+Due"))
    assert_accessible(page)
    page.get_by_role("link", name="Record the offer").click()
    expect(heading(page)).to_have_text("Record the offer of a return interview")
    assert_accessible(page)
    choose(page, "What happened to the offer?", "Accepted")
    fill_date_time(page, "When was the interview offered?", offered)
    expect(page.get_by_label("Who offered it?")).not_to_be_empty()
    page.get_by_role("button", name="Save the offer").click()
    expect(success_banner(page)).to_contain_text("The offer was recorded")
    expect(heading(page)).to_contain_text("Accepted, interview to do")
    assert_accessible(page)

    # Record the interview: first without the answers it needs, then properly.
    page.get_by_role("link", name="Record the interview").click()
    expect(heading(page)).to_have_text("Record the return interview")
    assert_accessible(page)
    page.get_by_role("button", name="Save the interview").click()
    assert_error_summary(
        page,
        "Enter when the interview took place",
        "Select whether the child agreed to sharing",
    )
    assert_accessible(page)
    fill_date_time(page, "When did the interview take place?", interviewed)
    covered = page.get_by_role("group", name="Which missing episodes did the interview cover?", exact=True)
    expect(covered.get_by_role("checkbox")).to_be_checked()
    choose(page, "Push factors (optional)", "Conflict at home or in the placement")
    choose(page, "Pull factors (optional)", "Wanting to be with friends")
    page.get_by_label("Where did the child stay? (optional)").fill("A friend's flat in the town centre")
    choose(page, "Disclosures and concerns (optional)", "Signs of child criminal exploitation")
    page.get_by_label("What did the child disclose? (optional)").fill("Asked to carry parcels for older boys.")
    choose(page, "Did the child agree to what they said being shared?", "Yes, the child agreed")
    page.get_by_label("Interview notes (optional)").fill("Jordan spoke openly and wants to stay at home.")
    page.get_by_role("button", name="Save the interview").click()

    expect(success_banner(page)).to_contain_text("The interview was recorded")
    expect(heading(page)).to_contain_text("Completed")
    said = main(page)
    for text in (
        "Conflict at home or in the placement",
        "Wanting to be with friends",
        "Signs of child criminal exploitation",
        "Asked to carry parcels for older boys.",
        "Yes, the child agreed",
        "Jordan spoke openly and wants to stay at home.",
    ):
        expect(said).to_contain_text(text)
    assert_accessible(page)

    # The child's record shows the episode and the completed interview in the chronology.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=child.full_name).click()
    expect(heading(page)).to_have_text(child.full_name)
    chronology = page.get_by_role("table", name="Missing episodes, return interviews and meetings, newest first")
    expect(chronology.get_by_role("row").filter(has_text="Return interview")).to_contain_text("Completed")
    expect(chronology.get_by_role("row").filter(has_text="Outside the bus station")).to_contain_text("Returned")
    expect(page.get_by_role("link", name="Report missing")).to_be_visible()  # no episode is open now
    assert_accessible(page)


def test_police_report_a_child_missing_in_their_area_but_cannot_open_another_councils_child(page, live_server, world):
    child = world.child
    sign_in(page, live_server, world.users.police)
    expect(heading(page)).to_have_text("My work")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Report a child missing").click()
    expect(heading(page)).to_have_text("Find the child who is missing")
    assert_accessible(page)
    page.get_by_label("Name, council child ID, date of birth or police reference").fill(child.last_name)
    page.get_by_role("button", name="Search").click()
    expect(main(page)).to_contain_text("1 child found")
    assert_accessible(page)
    result = main(page).get_by_role("row").filter(has_text=child.full_name)
    result.get_by_role("link", name="Report missing").click()

    expect(heading(page)).to_have_text(f"Report {child.full_name} missing")
    expect(main(page)).to_contain_text(world.police_north.name)  # their own force, not a question
    expect(page.get_by_label("Police force", exact=True)).to_have_count(0)
    assert_accessible(page)
    choose(page, "Is the child missing, or away without authorisation?", "Away without authorisation")
    choose(page, "Where was the child missing from?", "School")
    fill_date_time(page, "When was the child last seen?", _hours_ago(2))
    page.get_by_label("Where was the child last seen?").fill("School gates, Northmoor Academy")
    fill_date_time(page, "When was the child reported missing?", _hours_ago(1))
    page.get_by_label("Who reported the child missing?").fill("Head of year, Northmoor Academy")
    choose(page, "Police risk grade", "Low")
    page.get_by_role("button", name="Report missing").click()

    expect(success_banner(page)).to_contain_text(f"{child.full_name} has been reported missing")
    expect(main(page)).to_contain_text(re.compile(r"Away\b.*without authorisation"))
    expect(main(page)).to_contain_text(world.police_north.name)
    assert_accessible(page)

    # A child of another council, outside the force's area: the page does not even admit they exist.
    allow_status(page, 404)
    response = page.goto(reverse("children:detail", args=[world.south_child.pk]))
    assert response is not None and response.status == 404
    expect(heading(page)).to_have_text("Page not found")
    expect(page.get_by_text(world.south_child.full_name)).to_have_count(0)
    assert_accessible(page)
