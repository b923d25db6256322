"""Single sign-on and administration in a real browser: Chromium signs in through the real test identity provider
(tests/identity/oidc_provider.py, over HTTP) and comes back signed in; an administrator adds a user and sees the
sign-in details once; the forms sent empty show accessible GOV.UK errors. Every page is checked with axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from access.models import User
from tests.browser.helpers import allow_status, assert_accessible, assert_error_summary, sign_in
from tests.identity.conftest import COORDINATORS, mappings, provider, running_provider  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_signing_in_through_the_identity_provider(page, live_server, provider, mappings):  # noqa: F811
    provider.add_person("browser.user", [COORDINATORS], given_name="Brook", amr=["pwd", "mfa"])
    provider.signing_in = "browser.user"
    page.goto(f"{live_server.url}{reverse('login')}")
    assert_accessible(page)
    with page.expect_navigation(url=f"{live_server.url}{reverse('core:my-work')}"):
        page.get_by_role("link", name="Sign in with Test Keycloak").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.locator(".govuk-phase-banner")).to_contain_text("Signed in as Brook Provider, Northmoor Council")
    assert_accessible(page)
    assert User.objects.get(username="browser.user").provider_account.subject


def test_a_refused_sign_on_explains_why(page, live_server, provider, mappings):  # noqa: F811
    provider.add_person("no.group", ["/elsewhere"])
    provider.signing_in = "no.group"
    page.goto(f"{live_server.url}{reverse('login')}")
    allow_status(page, 403)
    with page.expect_navigation():
        page.get_by_role("link", name="Sign in with Test Keycloak").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You could not be signed in")
    expect(page.locator("main")).to_contain_text("in no group that gives a role in Homeward")
    assert_accessible(page)


def test_an_administrator_adds_a_user_and_sees_the_details_once(page, live_server, world):
    sign_in(page, live_server, world.users.admin)
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    page.get_by_role("link", name="Add a user").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Add user").click()
    assert_error_summary(page, "Enter a username", "Choose the agency", "Choose at least one role")
    assert_accessible(page)
    page.get_by_label("Username", exact=True).fill("casey.new")
    page.get_by_label("First name").fill("Casey")
    page.get_by_label("Last name").fill("Newperson")
    page.get_by_label("Agency", exact=True).select_option(label="Northmoor Council")
    page.get_by_label("Social worker", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add user").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("User added")
    expect(page.locator("main")).to_contain_text("casey.new")
    assert_accessible(page)
    page.reload()
    expect(page.locator(".govuk-panel")).to_have_count(0)


def test_administration_forms_sent_empty_show_accessible_errors(page, live_server, world):
    sign_in(page, live_server, world.users.admin)
    for name, button in (
        ("identity:group-mappings", "Add group"),
        ("identity:agency-add", "Add agency"),
        ("identity:bulk-add", "Add users"),
    ):
        page.goto(f"{live_server.url}{reverse(name)}")
        with page.expect_navigation():
            page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert_accessible(page)
