"""Back after a search returns to the results, with no "Confirm form resubmission" (issue 15)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_back_and_reload_after_a_search_show_the_results_again(page: Page, live_server, world):
    sign_in(page, live_server, world.users.coordinator)
    page.goto(f"{live_server.url}/children/")
    page.get_by_label("Name, council child ID, date of birth or police reference").fill("Jordan")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    results = page.url
    assert "/children/results/" in results and "jordan" not in results.lower()
    assert_accessible(page)
    page.get_by_role("link", name="Jordan Example").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jordan Example")
    page.go_back()
    assert page.url == results
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
