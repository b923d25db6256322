"""Every HTML page the project serves, opened in a real browser and checked with axe-core (WCAG 2.0-2.2 A/AA).

Driven by the permission matrix (tests/permission_matrix.py), the one table of every URL: each page entry is
opened by one user it is allowed for (the first of `PREFERRED_USERS` that is, so the pages show as much as they
can), against the records the matrix test creates (`matrix` in tests/test_permission_matrix.py). Pages are grouped
by user so each user signs in once, in one browser context. A page must load with no page problems (failed
requests, error responses, console errors such as CSP violations) and pass `assert_accessible`.

What is not opened is listed in `NOT_OPENED` with the reason, so the gap is visible: a new page added to the
matrix is swept automatically, and one that is not an HTML page must be listed here (the sweep checks, with
Django's client first, that each page it opens answers 200 with HTML and that each listed download does not).
"""

import time
from collections import defaultdict

import pytest
from django.test import Client

from tests.browser.helpers import assert_accessible, sign_in
from tests.permission_matrix import MATRIX, Entry
from tests.test_permission_matrix import _build_matrix, _url
from tests.world import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def matrix(db, settings, tmp_path):
    """The matrix's records, built for each test in its own database (as the matrix builds them). Not the matrix
    module's shared fixture: that one holds a transaction open for the whole module, and the live server's thread
    could not read the database past it (SQLite: "database table is locked")."""
    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    settings.HOMEWARD_WEBHOOK_ALLOW_HTTP = True  # the matrix's webhook subscription points at a local http address
    return _build_matrix(build_world())


# Who opens a page: the first of these the matrix allows it for. The coordinator sees the most of a council's
# work; police see police-only intelligence; the others are for the pages only they may open.
PREFERRED_USERS = (
    "coordinator",
    "police",
    "auditor",
    "health",
    "coordinator_south",
    "admin",
    "analyst",
    "mash",  # the MASH queue and its triage pages
    "editor",  # the public pages' content editor
)

# Page entries the sweep does not open in the browser, and why. Downloads are checked not to be HTML.
DOWNLOAD = "a download, not an HTML page"
NOT_OPENED: dict[str, str] = {
    "login": "opened and checked with axe on every sign-in (helpers.sign_in)",
    "accounts:two-factor": "a redirect when signed in; the code step is checked on every sign-in and in "
    "test_two_factor.py",
    "accounts:enrol": "a redirect when signed in; enrolment is checked in test_two_factor.py",
    "logout": "POST only (a GET is 405)",
    "identity:api-token-revoke": "POST only (a GET is 405); the revoke button is on the credentials page, swept",
    "identity:api-client-revoke": "POST only (a GET is 405); the revoke button is on the credentials page, swept",
    "webhooks:end": "POST only (a GET is 405); the button is on the subscriptions page, swept",
    "webhooks:replay": "POST only (a GET is 405); the button is on the delivery log, swept",
    "notifications:read": "POST only: the Open button on the notifications page (a redirect to what it is about)",
    "notifications:read-all": "POST only: a button on the notifications page (a redirect back to it)",
    "governance:subject-access-download": "POST only: a download (JSON or HTML file)",
    "analytics:download": DOWNLOAD,
    "analytics:workbook": DOWNLOAD,
    "analytics:regional": "no user of the test world is allowed (a regional role is not in the matrix)",
    "analytics:regional-download": "no user of the test world is allowed; a download",
    "analytics:regional-workbook": "no user of the test world is allowed; a download",
    "reports:download": DOWNLOAD,
    "reports:stored-download": DOWNLOAD,
    "returns:download": "POST only: a download (the return's CSV or XML file); a GET is 405",
    "philomena:grab-pack": "a download (the grab pack for police, a PDF)",
    "meetings:pack": DOWNLOAD,
    "meetings:minutes": DOWNLOAD,
    "philomena:photo": "an image (the child's photo), not an HTML page",
    "api:openapi-json": "the API's published description: JSON",
    "api:openapi-view": "the API's documentation page: django-ninja's Swagger UI, not a Homeward page",
    "api:api-root": "a 404 for everyone",
    "ops:live": "a probe for the load balancer: JSON (tests/ops)",
    "ops:ready": "a probe for the load balancer: JSON (tests/ops)",
    "ops:metrics": "Prometheus metrics, with the metrics token only: plain text (tests/ops)",
    "sharing:acknowledge": "POST only (a GET is 405): the Acknowledge button is on the share's page, swept",
    "intake:batch-import-valid": "POST only (a GET is 405): its button is on the upload's page, swept",
    "public:editor-unpublish": "POST only (a GET is 405): its button is on the page editor, which is swept",
    "identity:sign-on": "a 404 unless single sign-on is configured; run against a real provider in tests/identity",
    "identity:sign-on-callback": "a 404 unless single sign-on is configured; run against a real provider in "
    "tests/identity",
}
# These answer with a file: the sweep checks they really are not HTML, so a page is never hidden here by mistake.
DOWNLOADS = {key for key, reason in NOT_OPENED.items() if reason == DOWNLOAD} | {
    "philomena:grab-pack",
    "philomena:photo",
}


def _viewer(entry: Entry) -> str | None:
    return next((user for user in PREFERRED_USERS if user in entry.allowed), None)


def _pages_by_user() -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = defaultdict(list)
    for entry in MATRIX:
        if entry.is_api or entry.key in NOT_OPENED:
            continue
        viewer = _viewer(entry)
        assert viewer is not None, f"{entry.key}: no user in PREFERRED_USERS may open it; list it in NOT_OPENED"
        grouped[viewer].append(entry)
    return dict(grouped)


PAGES_BY_USER = _pages_by_user()


def test_every_page_entry_is_swept_or_listed():
    """Every page of the matrix is opened by the sweep or named in NOT_OPENED, and NOT_OPENED names real pages."""
    page_keys = {entry.key for entry in MATRIX if not entry.is_api}
    swept = {entry.key for entries in PAGES_BY_USER.values() for entry in entries}
    assert not swept & set(NOT_OPENED)
    assert swept | set(NOT_OPENED) >= page_keys
    assert set(NOT_OPENED) <= page_keys, (
        f"NOT_OPENED names pages the matrix does not have: {set(NOT_OPENED) - page_keys}"
    )


def _get(records, entry: Entry, user: str):
    """GET the page with Django's client, as `user`: what the browser would be sent."""
    client = Client()
    client.force_login(getattr(records.users, user))
    return client.get(_url(entry, records), entry.query if entry.method == "get" else {})


@pytest.mark.parametrize("user", sorted(PAGES_BY_USER))
def test_every_page_passes_axe(page, live_server, matrix, user):
    """Sign in once as `user`, open each page given to them, and collect every page's problems before failing."""
    entries = PAGES_BY_USER[user]
    started = time.monotonic()
    not_html = []
    for entry in entries:
        response = _get(matrix, entry, user)
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            not_html.append(f"{entry.key}: {response.status_code} {content_type}")
    assert not not_html, (
        f"Pages the sweep would open as {user} do not answer 200 with HTML (list a download in NOT_OPENED):\n"
        + "\n".join(not_html)
    )

    sign_in(page, live_server, getattr(matrix.users, user))
    failures = []
    for entry in entries:
        page.goto(f"{live_server.url}{_url(entry, matrix)}")
        try:
            assert_accessible(page)
        except AssertionError as problem:
            failures.append(f"{entry.key}: {problem}")
    elapsed = time.monotonic() - started
    print(f"{user}: {len(entries)} pages in {elapsed:.1f}s")
    assert not failures, f"{len(failures)} of {len(entries)} pages failed as {user}:\n\n" + "\n\n".join(failures)


def test_downloads_are_not_html(matrix):
    """The downloads NOT_OPENED skips really answer with a file, so no HTML page hides in the list."""
    for key in sorted(DOWNLOADS):
        entry = next(entry for entry in MATRIX if entry.key == key)
        viewer = _viewer(entry)
        if viewer is None:
            continue
        response = _get(matrix, entry, viewer)
        assert response.status_code == 200, f"{key} as {viewer}: {response.status_code}"
        assert not response.get("Content-Type", "").startswith("text/html"), f"{key} answers with HTML"


# The main forms, each sent by the coordinator as first shown (empty, or prefilled but missing what is required):
# the page shown again with its GOV.UK error summary must pass axe too (error messages tied to their fields).
FORMS_SENT_EMPTY = (
    "children:add",
    "episodes:report",
    "episodes:record-return",
    "episodes:change-risk",
    "episodes:add-to-log",
    "risk:assign",
    "risk:screen",
    "risk:refer",
    "network:person-add",
    "network:place-add",
    "network:link-person",
    "network:find-person",
    "sharing:share",
    "sharing:break-glass",
    "sharing:withdraw",
    "philomena:upload-photo",
    "meetings:call-about-child",
    "meetings:new-action",
)


def test_main_forms_sent_empty_show_accessible_errors(page, live_server, matrix):
    entries = [entry for entry in MATRIX if entry.key in FORMS_SENT_EMPTY]
    assert {entry.key for entry in entries} == set(FORMS_SENT_EMPTY)
    sign_in(page, live_server, matrix.users.coordinator)
    failures = []
    for entry in entries:
        page.goto(f"{live_server.url}{_url(entry, matrix)}")
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        if not page.locator(".govuk-error-summary").count():
            failures.append(f"{entry.key}: sent empty, but no error summary was shown ({page.url})")
            continue
        try:
            assert_accessible(page)
        except AssertionError as problem:
            failures.append(f"{entry.key}: {problem}")
    assert not failures, f"{len(failures)} of {len(entries)} forms failed:\n\n" + "\n\n".join(failures)
