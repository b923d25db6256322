"""The auditor's audit trail and the coordinator's subject access page, in a real browser, checked with axe."""

import pytest
from playwright.sync_api import expect

from access.models import Role
from tests.browser.helpers import assert_accessible, assert_error_summary, sign_in, sign_out
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_an_auditor_searches_the_trail_and_opens_a_childs_trail(page, live_server, world):
    auditor = UserFactory(username="auditor.north", agency=world.north, roles=[Role.AUDITOR])
    sign_in(page, live_server, world.users.coordinator)
    page.goto(f"{live_server.url}/children/{world.child.pk}/")
    sign_out(page)

    sign_in(page, live_server, auditor)
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    assert_accessible(page)

    page.get_by_label("Child").fill("NOPE999")
    page.get_by_role("button", name="Search", exact=True).click()
    assert_error_summary(page, "No child with that ID in your council's records. Check the ID and try again")
    assert_accessible(page)

    page.get_by_label("Child").fill("N000123")
    page.get_by_role("button", name="Search", exact=True).click()
    table = page.get_by_role("table", name="Audit events found")
    expect(table).to_contain_text("coord.north")
    # The search was posted, then redirected to its results (Post/Redirect/Get): the child's ID is in no address
    # the browser keeps (history, logs), and Back or reload shows the results again.
    assert page.url.startswith(f"{live_server.url}/governance/audit/results/") and "N000123" not in page.url
    expect(page.get_by_label("Child")).to_have_value("N000123")  # the filters stay in the form for the CSV
    expect(page.get_by_role("button", name="Download as CSV")).to_be_visible()
    assert_accessible(page)
    page.reload()
    expect(table).to_contain_text("coord.north")

    page.goto(f"{live_server.url}/governance/audit/children/{world.child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who viewed or changed the record of child N000123")
    expect(page.get_by_role("table", name="Audit events about this child")).to_contain_text("Child record viewed")
    assert_accessible(page)


def test_the_coordinator_opens_the_subject_access_page(page, live_server, world):
    sign_in(page, live_server, world.users.coordinator)
    page.goto(f"{live_server.url}/children/{world.child.pk}/")
    page.get_by_role("link", name="Export everything held about this child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access export")
    assert_accessible(page)
    # The downloads themselves are tested with Django's client (tests/governance/test_subject_access.py): a
    # browser download aborts the navigation, which the page watcher would count as a failed request.
    expect(page.get_by_role("button", name="Download JSON")).to_be_visible()
    expect(page.get_by_role("button", name="Download HTML")).to_be_visible()
