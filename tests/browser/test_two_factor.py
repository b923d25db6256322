"""Two-factor sign-in in a real browser: setting up an authenticator app, entering codes, the errors, and
axe on every page of the step."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from accounts.forms import CODE_MESSAGE, WRONG_CODE_MESSAGE, WRONG_ENROLMENT_CODE_MESSAGE
from accounts.two_factor import issue_enrolment_code
from tests.browser.helpers import assert_accessible, assert_error_summary, enter_two_factor_code
from tests.factories import TEST_PASSWORD
from tests.two_factor import current_code, totp_device

pytestmark = pytest.mark.browser


def password_step(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def code_from_key(text: str) -> str:
    """What an authenticator app set up with this key (as shown, base32 in fours) shows now."""
    secret = text.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def test_setting_up_an_authenticator_app_then_signing_in_with_it(page, live_server, world):
    user = world.users.social_worker
    enrolment_code, _ = issue_enrolment_code(user)  # what an administrator gives the person
    password_step(page, live_server, user)

    # No authenticator yet: first the enrolment code (the password alone cannot set one up); a wrong one is refused.
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your enrolment code")
    assert re.search(r"^Enter your enrolment code\W+Homeward$", page.title())
    expect(page.locator("#secret-key")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Enrolment code").fill(
        "ABCD-EFGH-JKMN" if enrolment_code != "ABCD-EFGH-JKMN" else "ABCD-EFGH-JKMP"
    )
    page.get_by_role("button", name="Continue").click()
    assert_error_summary(page, WRONG_ENROLMENT_CODE_MESSAGE)
    expect(page.get_by_text("4 more tries before setting up is locked")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Enrolment code").fill(enrolment_code)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    # Then the set-up page, with a QR code drawn on the server and the key as text.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    assert re.search(r"^Set up two-factor sign-in\W+Homeward$", page.title())
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not render"
    key = page.locator("#secret-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", key)
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)  # nowhere to go before the code
    assert_accessible(page)

    # A code that is not six digits, then a wrong one: GOV.UK errors, each page accessible.
    page.get_by_label("Code from your authenticator app").fill("12 34")
    page.get_by_role("button", name="Confirm and continue").click()
    assert_error_summary(page, CODE_MESSAGE)
    assert_accessible(page)
    right = code_from_key(key)
    page.get_by_label("Code from your authenticator app").fill(f"{(int(right) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Confirm and continue").click()
    assert_error_summary(page, WRONG_CODE_MESSAGE)
    expect(page.get_by_text("4 more tries before the code step is locked")).to_be_visible()
    assert_accessible(page)

    # The right code confirms the app and finishes signing in.
    page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    assert_accessible(page)

    # Next time: the password, then the code from the same app.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    password_step(page, live_server, user)
    device = totp_device(user)
    enter_two_factor_code(page, current_code(device), user)
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")


def test_a_wrong_code_then_the_right_one(page, live_server, world):
    user = world.users.coordinator
    device = totp_device(user)
    password_step(page, live_server, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(f"{(int(current_code(device)) + 2) % 1_000_000:06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: Enter your code"))
    assert_error_summary(page, WRONG_CODE_MESSAGE)
    assert_accessible(page)
    enter_two_factor_code(page, current_code(device), user)
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    assert_accessible(page)
