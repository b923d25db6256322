"""Small screens (issue 15): at 320px wide (WCAG 2.2's reflow width) the child record and My work fit the
screen, their tables stacked into labelled rows (core/static/css/homeward.css, hw-table--stacked), so no
action is pushed off-screen; screenshots are kept in test-results/browser."""

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
