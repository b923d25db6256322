"""My work puts what can still be done first (issue 15), in a real browser: an interview due more than a year ago
no longer heads the list as "overdue by 370 days"; it sits in the "Too late to do" group below the tasks, with a
"Close as not offered" link that closes it with a reason, and the data quality page lists it too. Every page on
the way passes axe."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interviews.codes import Outcome
from tests.browser.helpers import assert_accessible, assert_error_summary, sign_in
from tests.factories import InterviewFactory
from tests.web.test_my_work import long_overdue_interview

pytestmark = pytest.mark.browser


def test_what_can_still_be_done_comes_first_and_a_year_old_offer_is_closed_from_below(page, live_server, world):
    now = timezone.now()
    year_old = long_overdue_interview(world, world.child, days=370)
    overdue = InterviewFactory(child=world.placed_child, provider=world.provider, due_by=now - dt.timedelta(days=2))
    soon = InterviewFactory(child=world.child, provider=world.provider, due_by=now + dt.timedelta(hours=5))

    sign_in(page, live_server, world.users.coordinator)
    page.goto(f"{live_server.url}/")
    assert_accessible(page)
    # What can still be done, overdue then soonest due, at the top; the year-old offer is not among them.
    tasks = page.locator("#tasks tbody tr")
    references = [tasks.nth(i).get_attribute("data-task") for i in range(tasks.count())]
    assert references[:2] == [f"return-interview:{overdue.pk}", f"return-interview:{soon.pk}"], references
    assert f"return-interview:{year_old.pk}" not in references
    assert "370 days" not in page.locator("main").inner_text()
    # The "Too late to do" group is below the tasks, on screen, with its closing link.
    group = page.locator("#long-overdue")
    expect(group.get_by_role("heading", level=2)).to_have_text("Too late to do: close with a reason (1)")
    tasks_box, group_box = page.locator("#tasks").bounding_box(), group.bounding_box()
    assert tasks_box and group_box and group_box["y"] >= tasks_box["y"] + tasks_box["height"]
    row = group.locator(f'tr[data-task="return-interview:{year_old.pk}"]')
    expect(row).to_contain_text(world.child.full_name)
    close = row.get_by_role("link", name=re.compile(r"^Close as not offered"))
    expect(close).to_be_visible()

    # The data quality page lists it with the same link.
    page.goto(f"{live_server.url}/analytics/data-quality/")
    assert_accessible(page)
    expect(page.locator("main")).to_contain_text("Return interviews never offered, due more than")
    page.go_back()

    close.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the return interview as not offered")
    assert_accessible(page)
    expect(page.get_by_role("radio", name="Not offered")).to_be_checked()
    # The reason is required: named in the error summary, and nothing is closed.
    with page.expect_navigation():
        page.get_by_role("button", name="Save the offer").click()
    assert_error_summary(page)
    assert_accessible(page)
    year_old.refresh_from_db()
    assert year_old.outcome == ""
    page.get_by_label("If it was not offered, why not?").fill("Found a year later: too late to offer")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the offer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The offer was recorded")
    assert_accessible(page)
    year_old.refresh_from_db()
    assert (year_old.outcome, year_old.not_offered_reason) == (
        Outcome.NOT_OFFERED,
        "Found a year later: too late to offer",
    )

    page.goto(f"{live_server.url}/")
    expect(page.locator("#long-overdue")).to_have_count(0)
    expect(page.locator("#tasks tbody tr").first).to_have_attribute("data-task", f"return-interview:{overdue.pk}")
    assert_accessible(page)
