"""What browser tests call: sign in through the real form, and check a page with axe-core.

Every page a browser test visits goes through `assert_accessible(page)`, which first fails on
anything the page got wrong on the way (a failed request, a 4xx/5xx for a stylesheet or script,
a console error, an uncaught script error) and then runs axe-core with the WCAG 2.0, 2.1 and 2.2
A and AA rules.
"""

import functools
import os
import weakref
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect

from tests.factories import TEST_PASSWORD
from tests.two_factor import current_code, totp_device

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str:
    """Debian's Chromium, or the browser named by HOMEWARD_CHROMIUM."""
    return os.environ.get("HOMEWARD_CHROMIUM") or DEFAULT_CHROMIUM


def browser_required() -> bool:
    """CI sets HOMEWARD_REQUIRE_BROWSER=1: then a browser test that cannot run is a failure, not a skip."""
    return os.environ.get("HOMEWARD_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


class PageProblems:
    """Collects what went wrong while a page loaded; `assert_accessible` and the `page` fixture check it.

    A test that expects an error page (a 404 for a record the user may not see) says so with
    `allow_status(page, 404)`: then a *document* with that status is not a problem, but a stylesheet,
    script or font with it still is.
    """

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        self.allowed_statuses: set[int] = set()
        self.expected_error_urls: set[str] = set()
        self.console_errors: list[tuple[str, str]] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught script error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, (message.location or {}).get("url", "")))

    def _on_request_failed(self, request: Request) -> None:
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _on_response(self, response: Response) -> None:
        if response.status < 400:
            return
        request = response.request
        if request.resource_type == "document" and response.status in self.allowed_statuses:
            self.expected_error_urls.add(response.url)
            return
        self.problems.append(f"HTTP {response.status} for {request.resource_type} {request.method} {response.url}")

    def take(self) -> list[str]:
        """Return the problems seen since the last call, and forget them."""
        found = list(self.problems)
        for text, url in self.console_errors:
            # Chromium logs every error response as a console error; an expected error page is not one.
            if text.startswith("Failed to load resource") and url in self.expected_error_urls:
                continue
            # Chromium asks for /favicon.ico by itself on a page without an icon link (Django's bare
            # error pages); that request is the browser's, not the page's.
            if text.startswith("Failed to load resource") and urlsplit(url).path == "/favicon.ico":
                continue
            found.append(f"console error: {text}" + (f" (at {url})" if url else ""))
        self.problems.clear()
        self.console_errors.clear()
        return found


_watchers: "weakref.WeakKeyDictionary[Page, PageProblems]" = weakref.WeakKeyDictionary()


def watch(page: Page) -> PageProblems:
    """Start recording the page's failed requests, error responses and console errors."""
    _watchers[page] = PageProblems(page)
    return _watchers[page]


def allow_status(page: Page, status: int) -> None:
    """The test expects a page (the document itself, nothing else) to answer with this HTTP status."""
    _watchers[page].allowed_statuses.add(status)


def assert_no_page_problems(page: Page) -> None:
    watcher = _watchers.get(page)
    problems = watcher.take() if watcher else []
    if problems:
        raise AssertionError(f"Problems loading {page.url}:\n" + "\n".join(f"  - {p}" for p in problems))


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"  [{violation['id']}] ({violation.get('impact') or 'no impact given'}) {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation["nodes"]:
            target = " ".join(" >> ".join(part) if isinstance(part, list) else part for part in node["target"])
            lines.append(f"      at {target}")
            snippet = " ".join(node.get("html", "").split())
            if snippet:
                lines.append(f"         {snippet[:200]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail if the page had loading problems or axe-core finds any WCAG 2.x A/AA violation."""
    page.wait_for_load_state("load")
    assert_no_page_problems(page)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol rather than page.add_script_tag: Homeward's Content
        # Security Policy (script-src 'self') rightly refuses an injected inline <script>.
        page.evaluate(_axe_source())
    results = page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
            return {violations: results.violations, passes: results.passes.length};
        }""",
        list(WCAG_TAGS),
    )
    violations = results["violations"]
    if violations:
        title = page.title()
        raise AssertionError(
            f"{len(violations)} accessibility rule(s) failed on {page.url} ({title!r}):\n"
            + format_violations(violations)
        )
    # Injecting axe must not itself have caused errors.
    assert_no_page_problems(page)


def sign_in(page: Page, live_server, user, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real sign-in form and the two-factor code step, as a person would, and wait for
    the next page.

    The user is given an authenticator with a known key (tests/two_factor.py) if they have none, and the code
    it shows now is typed in. The sign-in and code pages are checked with `assert_accessible` on the way,
    like every page a test visits.
    """
    device = totp_device(user)
    page.goto(f"{live_server.url}{reverse('login')}")
    assert_accessible(page)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if page.locator(".govuk-error-summary").count():
        summary = page.locator(".govuk-error-summary").inner_text()
        raise AssertionError(f"Signing in as {user.username} failed:\n{summary}")
    enter_two_factor_code(page, current_code(device), user)


def sign_out(page: Page) -> None:
    """Press Sign out and wait until the sign-in page it leads to has loaded.

    Going on at once (say, to `sign_in` as someone else) would abort that redirect mid-flight, and the
    aborted request would be reported as a problem loading the page.
    """
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def enter_two_factor_code(page: Page, code: str, user) -> None:
    """On the two-factor step: check the page, type the code, continue, and fail if it was refused."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    if page.locator(".govuk-error-summary").count():
        summary = page.locator(".govuk-error-summary").inner_text()
        raise AssertionError(f"The two-factor code for {user.username} was refused:\n{summary}")


def assert_govuk_frontend_loaded(page: Page) -> None:
    """GOV.UK Frontend's stylesheet, fonts and JavaScript reached the browser and took effect."""
    state = page.evaluate(
        """async () => {
            await document.fonts.ready;
            const heading = document.querySelector("h1");
            return {
                font: heading ? getComputedStyle(heading).fontFamily : "",
                transportLoaded: document.fonts.check('bold 16px "GDS Transport"'),
                bodyClasses: document.body.className,
                skipLinkStarted: document.querySelector(".govuk-skip-link")?.hasAttribute("data-govuk-skip-link-init"),
            };
        }"""
    )
    assert "GDS Transport" in state["font"], f"GOV.UK stylesheet not applied to the heading: {state}"
    assert state["transportLoaded"], f"GOV.UK fonts did not load: {state}"
    assert "govuk-frontend-supported" in state["bodyClasses"], f"supported.js did not run: {state}"
    assert state["skipLinkStarted"], f"GOV.UK Frontend JavaScript (init.mjs) did not start the components: {state}"


def assert_error_summary(page: Page, *messages: str) -> None:
    """The GOV.UK error summary is shown and focused, lists these messages, and each links to its field."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary when the page loads
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    links = summary.get_by_role("link")
    for message in messages:
        expect(links.filter(has_text=message)).to_have_count(1)
    for index in range(links.count()):
        link = links.nth(index)
        href = link.get_attribute("href") or ""
        assert href.startswith("#"), f"error summary link {link.inner_text()!r} goes to {href!r}, not to a field"
        target = page.locator(href)
        assert target.count() == 1, (
            f"error summary link {link.inner_text()!r} points at {href}, which is not on the page"
        )
        tag = target.evaluate("element => element.tagName.toLowerCase()")
        assert tag in {"input", "select", "textarea"}, (
            f"error summary link {link.inner_text()!r} points at a <{tag}>, not at the field to correct"
        )
    # Following the first link puts the cursor in the field, as the design system promises.
    first = links.first
    first.click()
    expect(page.locator(first.get_attribute("href") or "")).to_be_focused()
