"""Police notifications in a real browser (issue 12): a police user uploads a file naming a child Homeward does not
know; the import's page updates itself as the background job finishes (the progress script, with the page's clock
under the test's control, so nothing depends on timing); the police user creates a provisional record from the match
queue; the council's coordinator finds it under Provisional records, confirms it with the council's own child ID and
lands on the child's record. Every page is checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from children.models import Child
from intake.models import ImportBatch, ProvisionalChild
from intake.tasks import run_import
from tests.browser.helpers import assert_accessible, sign_in, sign_out
from tests.intake.conftest import csv_bytes, missing

pytestmark = pytest.mark.browser


def test_police_upload_a_notification_and_the_coordinator_confirms_the_provisional_record(
    page: Page, live_server, world, settings, tmp_path
):
    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    notification_file = tmp_path / "notifications.csv"
    notification_file.write_bytes(
        csv_bytes(
            [
                missing(
                    "41-BROWSER-1",
                    first_name="Ellis",
                    last_name="Marchbank",
                    date_of_birth="2010-11-03",
                    sex="F",
                    postcode="NM4 2QT",
                )
            ]
        )
    )
    page.clock.install()  # the progress script's timers fire only when the test moves the clock on
    sign_in(page, live_server, world.users.police)
    page.goto(f"{live_server.url}/police-notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import police notifications")
    assert_accessible(page)
    page.get_by_label("Notification file").set_input_files(str(notification_file))
    with page.expect_navigation():
        page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of notifications.csv")
    expect(page.locator("#import-state")).to_have_text("Waiting to start")
    assert_accessible(page)

    run_import.call(ImportBatch.objects.get().pk)  # what the worker does with the queued job
    page.clock.run_for(4000)  # the script's next look at the page: no reload
    expect(page.locator("#import-state")).to_have_text("Done")
    expect(page.locator("#import-progress")).to_contain_text("Queued")
    expect(page.locator("#import-progress-announcement")).to_have_text("Import done")
    assert_accessible(page)

    page.get_by_role("link", name="Police notifications", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Police notifications: match queue")
    page.get_by_role("link", name="41-BROWSER-1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Police reference 41-BROWSER-1")
    assert_accessible(page)
    page.get_by_label("Responsible council").select_option(label="Northmoor Council")
    page.get_by_label("Where the child lives").select_option(label="Other")
    with page.expect_navigation():
        page.get_by_role("button", name="Create a provisional record").click()
    expect(page.get_by_text("No notifications are waiting for a match.")).to_be_visible()
    provisional = ProvisionalChild.objects.get()
    sign_out(page)

    sign_in(page, live_server, world.users.coordinator)
    page.goto(f"{live_server.url}/police-notifications/match-queue/")
    page.get_by_role("link", name="Provisional records to confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Provisional records from police reports")
    assert_accessible(page)
    page.get_by_role("link", name="Ellis Marchbank").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ellis Marchbank")
    assert_accessible(page)
    page.get_by_label("Council child ID", exact=True).fill("N008123")
    page.get_by_label("Where the child lives").select_option(label="Foster care")
    page.get_by_label("Placement council").select_option(label="Southvale Council")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm the record").click()
    expect(page.get_by_text("The record was confirmed as child N008123")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ellis Marchbank")
    assert_accessible(page)
    child = Child.objects.get(pk=provisional.child_id)
    assert (child.la_child_id, child.living_arrangement, child.placement_council) == (
        "N008123",
        "foster_care",
        world.south,
    )
    assert ProvisionalChild.objects.get(pk=provisional.pk).confirmed_by == world.users.coordinator
