"""The public pages in Chromium (issue 16): the quick exit leaves at once for the neutral site by the button, by
Shift pressed three times (GOV.UK Frontend's own shortcut) and by Escape, replacing the page in the history so Back
does not return to it; the button is a plain link that works with JavaScript off; every public page passes axe;
each page fits a 320px screen and 200% zoom (screenshots in test-results/public/); and a concern sent through the
form reaches the MASH queue.

The neutral site is faked at the network boundary (Playwright answers its address), never in our code.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from public.models import Concern
from tests.browser.conftest import ACTION_TIMEOUT_MS, REPO
from tests.browser.helpers import allow_status, assert_accessible, assert_error_summary, sign_in, watch
from tests.public.conftest import public  # noqa: F401 - the fixture these tests use

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "test-results" / "public"
NEUTRAL = settings.HOMEWARD_QUICK_EXIT_URL
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


def _fake_neutral_site(target) -> None:
    """Answer the neutral site's address with a plain page: the far side of the boundary, not our code."""
    target.route(
        f"{NEUTRAL.split('://')[0]}://{NEUTRAL.split('/')[2]}/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<!DOCTYPE html><html lang=en><title>Weather</title>Sunny</html>"
        ),
    )


def _public_urls(public) -> dict[str, str]:  # noqa: F811
    return {
        "index": reverse("public:index"),
        "council": reverse("public:council", args=["901"]),
        "page": reverse("public:page", args=["901", public.page.slug]),
        "concern": reverse("public:concern", args=["901"]),
        "concern-sent": reverse("public:concern-sent", args=["901"]),
        "cookies": reverse("public:cookies"),
        "privacy": reverse("public:privacy"),
        "accessibility": reverse("public:accessibility"),
    }


def _open_page_from_the_list(page: Page, live_server, public) -> str:  # noqa: F811
    """Start at the council's list of pages and follow the link to the published page, as a reader would."""
    _fake_neutral_site(page)
    page.goto(f"{live_server.url}{reverse('public:council', args=['901'])}")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="If your child is missing").click()
    assert_accessible(page)
    return page.url


def _assert_left_and_back_does_not_return(page: Page, exited_from: str) -> None:
    page.wait_for_url(f"{NEUTRAL}**")
    expect(page).to_have_title("Weather")
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url != exited_from, "Back returned to the page the reader left with the quick exit"
    assert page.url.endswith(reverse("public:council", args=["901"]))


def test_the_exit_button_leaves_and_back_does_not_return(page: Page, live_server, public):  # noqa: F811
    left = _open_page_from_the_list(page, live_server, public)
    page.get_by_role("button", name="Emergency Exit this page").click()
    _assert_left_and_back_does_not_return(page, left)


def test_shift_three_times_leaves_and_back_does_not_return(page: Page, live_server, public):  # noqa: F811
    left = _open_page_from_the_list(page, live_server, public)
    for _ in range(3):
        page.keyboard.press("Shift")
    _assert_left_and_back_does_not_return(page, left)


def test_escape_leaves_and_back_does_not_return(page: Page, live_server, public):  # noqa: F811
    left = _open_page_from_the_list(page, live_server, public)
    page.keyboard.press("Escape")
    _assert_left_and_back_does_not_return(page, left)


def test_escape_leaves_from_inside_the_concern_form(page: Page, live_server, public):  # noqa: F811
    _fake_neutral_site(page)
    page.goto(f"{live_server.url}{reverse('public:concern', args=['901'])}")
    page.get_by_label("Your name").fill("Someone")
    page.get_by_label("Your name").press("Escape")
    page.wait_for_url(f"{NEUTRAL}**")


def test_the_exit_button_works_with_javascript_off(browser: Browser, live_server, public):  # noqa: F811
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        no_js = context.new_page()
        watch(no_js)
        _fake_neutral_site(no_js)
        no_js.goto(f"{live_server.url}{reverse('public:page', args=['901', public.page.slug])}")
        # (axe needs script, so it checks these pages in the tests with JavaScript on.)
        expect(no_js.locator("body")).not_to_have_class("js-enabled")
        button = no_js.get_by_role("button", name="Emergency Exit this page")
        assert button.get_attribute("href") == NEUTRAL
        button.click()
        no_js.wait_for_url(f"{NEUTRAL}**")
        expect(no_js).to_have_title("Weather")
    finally:
        context.close()


def test_every_public_page_passes_axe(page: Page, live_server, public):  # noqa: F811
    for name, url in _public_urls(public).items():
        page.goto(f"{live_server.url}{url}")
        assert_accessible(page)
        expect(page.locator(".govuk-exit-this-page__button")).to_have_count(1)
        assert page.locator("text=116 000").count() >= 1, name
        assert "js-enabled" in page.evaluate("document.body.className")
    # The concern form sent empty, with its GOV.UK error summary.
    page.goto(f"{live_server.url}{reverse('public:concern', args=['901'])}")
    with page.expect_navigation():
        page.get_by_role("button", name="Send to the MASH").click()
    assert_error_summary(page, "Enter your name", "Enter what worries you")
    assert_accessible(page)
    # An unknown council is a 404.
    allow_status(page, 404)
    response = page.goto(f"{live_server.url}{reverse('public:council', args=['999'])}")
    assert response is not None and response.status == 404


def test_the_too_many_page_passes_axe(page: Page, live_server, public, settings):  # noqa: F811
    settings.HOMEWARD_CONCERN_RATE_LIMIT = 1
    settings.HOMEWARD_CONCERN_MIN_SECONDS = 0
    page.goto(f"{live_server.url}{reverse('public:concern', args=['901'])}")
    for _ in range(2):
        allow_status(page, 429)
        with page.expect_navigation():
            page.get_by_role("button", name="Send to the MASH").click()
        if page.locator("h1", has_text="Too many forms sent").count():
            break
    expect(page.locator("h1")).to_have_text("Too many forms sent")
    assert_accessible(page)


@pytest.mark.parametrize(
    ("label", "viewport", "scale"),
    [("320px", {"width": 320, "height": 800}, 1), ("zoom-200", {"width": 640, "height": 450}, 2)],
)
def test_public_pages_fit_small_screens_and_200_percent_zoom(
    browser: Browser,
    live_server,
    public,  # noqa: F811
    label,
    viewport,
    scale,
):
    """At 320 CSS pixels (WCAG's reflow width) and at 200% zoom of a 1280x900 window (640 CSS pixels at a device
    scale of 2, which is what the browser's zoom does), no public page scrolls sideways; each is screenshotted."""
    context = browser.new_context(base_url=live_server.url, viewport=viewport, device_scale_factor=scale)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        small = context.new_page()
        watch(small)
        too_wide = {}
        for name, url in _public_urls(public).items():
            small.goto(f"{live_server.url}{url}")
            small.screenshot(path=str(SCREENSHOTS / f"{label}-{name}.png"), full_page=True)
            measured = small.evaluate(OVERFLOW_JS)
            if measured["scroll"] > measured["width"]:
                too_wide[name] = measured
            assert_accessible(small)
            expect(small.locator(".govuk-exit-this-page__button")).to_be_visible()
        assert not too_wide, too_wide
    finally:
        context.close()


def test_a_concern_sent_in_the_browser_reaches_the_mash_queue(page: Page, live_server, public, settings):  # noqa: F811
    settings.HOMEWARD_CONCERN_MIN_SECONDS = 0
    page.goto(f"{live_server.url}{reverse('public:concern', args=['901'])}")
    page.get_by_label("Your name").fill("Chris Browser")
    page.get_by_label("Youth club, sports club or activity").check()
    page.get_by_label("Email address").fill("chris@example.test")
    page.get_by_label("The child's name (optional)").fill("Ash")
    page.get_by_label("I do not know").check()
    page.get_by_label("What worries you?").fill("Seen with older teenagers at the station every night")
    expect(page.get_by_label("Leave this box empty")).to_be_hidden()
    with page.expect_navigation():
        page.get_by_role("button", name="Send to the MASH").click()
    expect(page.locator("h1")).to_have_text("Your concern has been sent")
    assert_accessible(page)
    concern = Concern.objects.latest("pk")
    assert concern.reporter_name == "Chris Browser"

    sign_in(page, live_server, public.users.mash)
    page.goto(f"{live_server.url}{reverse('public:mash-queue')}")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Concern {concern.pk}").click()
    expect(page.locator("main")).to_contain_text("Seen with older teenagers at the station every night")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Close the concern").click()
    page.get_by_label("Already known and being acted on").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Close concern").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Concern closed")
    assert_accessible(page)


def test_the_editor_previews_and_publishes_in_the_browser(page: Page, live_server, public):  # noqa: F811
    sign_in(page, live_server, public.users.editor)
    page.goto(f"{live_server.url}{reverse('public:editor-edit', args=[public.page.pk])}")
    assert_accessible(page)
    page.get_by_label("Content").fill("## New heading\n\nCall **116 000**.")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("New heading")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save and publish").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("published (version 2)")
    page.goto(f"{live_server.url}{reverse('public:page', args=['901', public.page.slug])}")
    expect(page.get_by_role("heading", name="New heading")).to_be_visible()
