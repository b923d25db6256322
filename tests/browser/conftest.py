"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

* The browser is Debian's `/usr/bin/chromium` (or HOMEWARD_CHROMIUM); Playwright never downloads one.
  Where it is missing the tests are skipped with a message saying how to install it, and the run's
  summary says so in one line; with HOMEWARD_REQUIRE_BROWSER=1 (as CI sets) they fail instead, and
  so does any other skip of a browser test.
* Playwright's sync API keeps an asyncio loop running in the main thread, and Django refuses ORM calls
  while one runs. The session's `_playwright` fixture sets DJANGO_ALLOW_ASYNC_UNSAFE only while
  Playwright is running, and the browser tests are moved to the end of the run, so no other test runs
  with the check switched off.
* Every page gets a watcher (`helpers.watch`): a failed request, an error response for a stylesheet,
  script or font, or a console error fails the test.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.browser.helpers import AXE_JS, REPO, assert_no_page_problems, browser_required, chromium_path, watch

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_DIR = Path(__file__).resolve().parent
# Generous enough for a loaded two-core CI machine; a real failure still shows within seconds.
ACTION_TIMEOUT_MS = 15_000
expect.set_options(timeout=10_000)
GOVUK_CSS = REPO / "core" / "static_build" / "govuk" / "govuk-frontend.min.css"
FAILURE_ARTIFACTS = REPO / "test-results" / "browser"
SKIPPED_KEY = pytest.StashKey[int]()
RAN_KEY = pytest.StashKey[int]()


def _missing_chromium_message() -> str:
    return (
        f"Chromium is not installed at {chromium_path()}: the browser tests need Debian's Chromium. "
        "Install it with `apt-get install chromium` (or set HOMEWARD_CHROMIUM to a Chromium binary)."
    )


def _is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark everything under tests/browser as `browser`, and run the browser tests last.

    `trylast` so this runs after pytest-django has put the tests in Django's database order.
    """
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=_is_browser_test)  # stable: only moves the browser tests to the end


def pytest_runtest_setup(item: pytest.Item) -> None:
    if not _is_browser_test(item) or os.path.exists(chromium_path()):
        return
    if browser_required():
        pytest.fail(f"HOMEWARD_REQUIRE_BROWSER=1 but {_missing_chromium_message()}", pytrace=False)
    item.config.stash[SKIPPED_KEY] = item.config.stash.get(SKIPPED_KEY, 0) + 1
    pytest.skip(_missing_chromium_message())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if not _is_browser_test(item):
        return report
    setattr(item, f"browser_report_{report.when}", report)
    if report.skipped and browser_required() and not hasattr(report, "wasxfail"):
        # CI must not go green with browser tests that did not run, whatever skipped them.
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"HOMEWARD_REQUIRE_BROWSER=1, so a skipped browser test fails the run: {reason}"
    if report.when == "call" and report.passed:
        item.config.stash[RAN_KEY] = item.config.stash.get(RAN_KEY, 0) + 1
    return report


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = config.stash.get(SKIPPED_KEY, 0)
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"BROWSER TESTS SKIPPED: {skipped} browser test(s) did not run. {_missing_chromium_message()}",
            yellow=True,
            bold=True,
        )
    elif config.stash.get(RAN_KEY, 0):
        terminalreporter.write_line(f"browser tests: {config.stash[RAN_KEY]} passed in {chromium_path()}")


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    missing = [str(path.relative_to(REPO)) for path in (AXE_JS, GOVUK_CSS) if not path.exists()]
    if missing:
        pytest.fail(
            f"The browser tests need the front-end files, and {', '.join(missing)} is missing: run `make install`"
            " (npm ci, then scripts/import-static.sh).",
            pytrace=False,
        )
    # launch() gives Chromium a fresh temporary profile (user data dir) and deletes it on close.
    launched = _playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
    )
    ctx.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    new_page = context.new_page()
    watch(new_page)
    yield new_page
    call = getattr(request.node, "browser_report_call", None)
    if call is not None and call.failed:
        _save_failure_artifacts(new_page, request.node.nodeid)
    else:
        assert_no_page_problems(new_page)


def _save_failure_artifacts(page: Page, nodeid: str) -> None:
    """A screenshot and the HTML of the page a failed test ended on, in test-results/browser/."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)
    try:
        FAILURE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(FAILURE_ARTIFACTS / f"{name}.png"), full_page=True)
        (FAILURE_ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # evidence is a bonus; never hide the real failure
        print(f"could not save browser evidence for {nodeid}: {exc}")
