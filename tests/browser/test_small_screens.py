"""Small screens (issue 15): at 320px wide (WCAG 2.2's reflow width) every page fits the screen, its tables
stacked into labelled rows (core/static/css/homeward.css, js/stacked-tables.mjs), so no action is pushed
off-screen: My work and the child record with their own data, then every page of the permission matrix (network,
cross-border picture, duplicates, meetings, data quality, ...) measured for document width, links and buttons
outside the screen and cells without their column's label; screenshots are kept in test-results/browser."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from tests.browser.conftest import FAILURE_ARTIFACTS
from tests.browser.helpers import assert_accessible, sign_in
from tests.factories import EpisodeFactory, InterviewFactory

pytestmark = pytest.mark.browser

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('main *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


@pytest.fixture
def history(world):
    now = timezone.now()
    episode = EpisodeFactory(
        child=world.child,
        police_force=world.police_north,
        created_by=world.users.police,
        last_seen_at=now - dt.timedelta(days=3),
        returned_at=now - dt.timedelta(days=2),
        police_reference="WP-2026-000777",
    )
    InterviewFactory(
        child=world.child,
        provider=world.provider,
        assigned_to=world.users.practitioner,
        covering=[episode],
        due_by=episode.returned_at + dt.timedelta(hours=72),
    )
    return episode


@pytest.mark.parametrize("path", ["child"])
def test_pages_fit_a_320px_screen(page: Page, live_server, world, history, path):
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, live_server, world.users.coordinator)
    url = f"/children/{world.child.pk}/" if path == "child" else "/"
    page.goto(f"{live_server.url}{url}")
    FAILURE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(FAILURE_ARTIFACTS / f"small-screen-{path}.png"), full_page=True)
    measured = page.evaluate(OVERFLOW_JS)
    assert measured["scroll"] <= measured["width"], measured
    assert_accessible(page)


@pytest.mark.parametrize("view", ["mine", "team"])
def test_my_work_fits_a_320px_screen(page: Page, live_server, world, history, view):
    """The task inbox at 320px: its summary and tasks stacked into labelled rows, nothing off-screen, no axe
    violations, for the coordinator's own tasks and the team view."""
    from access.models import Role
    from risk.codes import AlertKind
    from risk.models import Alert

    now = timezone.now()
    Alert.objects.create(
        child=world.child,
        kind=AlertKind.HIGH_RISK,
        dedupe_key="small-screen",
        detail="Graded high",
        raised_at=now - dt.timedelta(hours=30),
        for_role=Role.COORDINATOR,
    )
    EpisodeFactory(child=world.placed_child, police_force=world.police_north, created_by=world.users.police)
    InterviewFactory(child=world.child, provider=world.provider, due_by=now + dt.timedelta(hours=5))
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, live_server, world.users.coordinator)
    page.goto(f"{live_server.url}/{'?view=team' if view == 'team' else ''}")
    assert page.locator("#tasks tbody tr").count() >= 3
    FAILURE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(FAILURE_ARTIFACTS / f"small-screen-my-work-{view}.png"), full_page=True)
    measured = page.evaluate(OVERFLOW_JS)
    assert measured["scroll"] <= measured["width"], measured
    assert_accessible(page)


# Every visible link, button and form control of the page's main content and header must start and end within the
# screen's width: an action pushed off-screen (or into a table the reader must scroll sideways) cannot be pressed.
ACTIONS_JS = """() => {
  const width = document.documentElement.clientWidth;
  const off = [...document.querySelectorAll('main a, main button, main input, main select, main textarea, header a')]
    .filter(el => {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) return false;  // hidden (a closed details, a visually hidden span)
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || el.closest('.govuk-visually-hidden')) return false;
      return box.left < -1 || box.right > width + 1;
    })
    .map(el => `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 40)}" `
      + `${Math.round(el.getBoundingClientRect().left)}..${Math.round(el.getBoundingClientRect().right)}`);
  return off.slice(0, 10);
}"""

# Each data cell of a stacked table says which column it is in (its data-label, from the markup or from
# js/stacked-tables.mjs), and the table keeps its roles for screen readers.
LABELS_JS = """() => [...document.querySelectorAll('main table.govuk-table')].flatMap(table => {
  const problems = [];
  if (table.getAttribute('role') !== 'table' && !table.classList.contains('hw-table--stacked')) {
    problems.push(`table "${table.caption ? table.caption.innerText.slice(0, 40) : ''}" has no table role`);
  }
  for (const cell of table.querySelectorAll('tbody td')) {
    if (!cell.hasAttribute('data-label') && cell.innerText.trim()) {
      problems.push(`cell "${cell.innerText.trim().slice(0, 30)}" has no column label`);
    }
  }
  return problems;
}).slice(0, 5)"""


@pytest.fixture
def matrix(db, settings, tmp_path):
    """The permission matrix's records (tests/test_permission_matrix.py): every page has something on it."""
    from tests.test_permission_matrix import _build_matrix
    from tests.world import build_world

    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    settings.HOMEWARD_WEBHOOK_ALLOW_HTTP = True
    return _build_matrix(build_world())


def _pages_by_user():
    from tests.browser.test_every_page import PAGES_BY_USER

    return PAGES_BY_USER


@pytest.mark.parametrize("user", ["coordinator", "police", "auditor", "admin", "editor", "mash"])
def test_every_page_fits_a_320px_screen_with_every_action_on_it(page: Page, live_server, matrix, user):
    """Every page of the permission matrix a user opens (the sweep of test_every_page.py: My work, the child record
    with its placement history, the network and its lists, the cross-border picture, duplicates, meetings, data
    quality, ...) at 320px: the document is no wider than the screen, and no link, button or field lies outside
    it. Wide tables follow the Design System's advice for small screens: stacked into labelled rows."""
    from tests.test_permission_matrix import _url

    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, live_server, getattr(matrix.users, user))
    FAILURE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    failures = []
    for entry in _pages_by_user()[user]:
        page.goto(f"{live_server.url}{_url(entry, matrix)}")
        page.wait_for_load_state("load")
        measured = page.evaluate(OVERFLOW_JS)
        off_screen = page.evaluate(ACTIONS_JS)
        unlabelled = page.evaluate(LABELS_JS)
        shot = FAILURE_ARTIFACTS / f"small-screen-{entry.key.replace(':', '-')}.png"
        page.screenshot(path=str(shot), full_page=True)
        if measured["scroll"] > measured["width"] or off_screen or unlabelled:
            failures.append(
                f"{entry.key}: scrollWidth {measured['scroll']} (screen {measured['width']}), wider: {measured['wide']}"
                f"; actions off-screen: {off_screen}; unlabelled: {unlabelled}"
            )
    assert not failures, f"{len(failures)} pages do not fit 320px as {user}:\n" + "\n".join(failures)
