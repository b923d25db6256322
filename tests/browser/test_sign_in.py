"""Signing in, in a real browser: the page is accessible, errors are shown the GOV.UK way."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, assert_govuk_frontend_loaded, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_page_loads_govuk_frontend_and_is_accessible(page, live_server):
    page.goto(reverse("login"))

    expect(page).to_have_title(re.compile(r"^Sign in\W+Homeward$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Homeward")
    assert_govuk_frontend_loaded(page)
    assert_accessible(page)


def test_a_wrong_password_shows_the_error_summary(page, live_server, world):
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(world.users.coordinator.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text("Enter a correct username and password. Both are case-sensitive.")
    expect(page.get_by_label("Username")).to_have_value(world.users.coordinator.username)
    assert_accessible(page)


def test_signing_in_lands_on_my_work(page, live_server, world):
    sign_in(page, live_server, world.users.coordinator)

    assert page.url == f"{live_server.url}{reverse('core:my-work')}"
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_text("Signed in as")).to_contain_text("Northmoor Council")
    assert_accessible(page)
