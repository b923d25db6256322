"""The Returns page and the SSDA903 import in a real browser (issue 17): the coordinator reaches the Returns page
from the menu, goes on to the import, sends it empty (accessible errors), uploads a council's three files, and
reads the outcome once the background job has run; every page is checked with axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from returns.models import ReturnImport
from returns.ssda903 import CollectionYear, build_return, write_csv
from returns.tasks import run_import
from tests.browser.helpers import allow_status, assert_accessible, assert_error_summary, sign_in
from tests.returns.conftest import care_world  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


def test_the_coordinator_imports_ssda903_files_from_the_returns_page(
    page,
    live_server,
    world,
    care_world,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    write_csv(build_return(care_world.north, CollectionYear(2025)).tables(), tmp_path)
    sign_in(page, live_server, world.users.coordinator_south)
    page.get_by_role("link", name="Returns", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory returns")
    assert_accessible(page)
    page.get_by_role("link", name="Import your council's SSDA903 files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import an SSDA903 return")
    assert_accessible(page)

    allow_status(page, 400)
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    assert_error_summary(page, "Select the Header file", "Select the Episodes file", "Select the Missing file")
    assert_accessible(page)

    page.get_by_label("SSDA903 Header (CSV)").set_input_files(str(tmp_path / "Header.csv"))
    page.get_by_label("SSDA903 Episodes (CSV)").set_input_files(str(tmp_path / "Episodes.csv"))
    page.get_by_label("SSDA903 Missing (CSV)").set_input_files(str(tmp_path / "Missing.csv"))
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SSDA903 import")
    expect(page.get_by_text("Waiting to start")).to_be_visible()
    assert_accessible(page)

    run_import.call(ReturnImport.objects.get().pk)  # what the worker does with the queued job
    page.reload()
    expect(page.locator(".govuk-panel")).to_contain_text("Imported")
    expect(page.locator(".govuk-summary-list").last).to_contain_text("Children4 added, 0 already held")
    assert_accessible(page)
    page.goto(f"{live_server.url}{reverse('returns:import')}")
    expect(page.get_by_role("table")).to_contain_text("Imported")
    assert_accessible(page)
