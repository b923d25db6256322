"""A coordinator reviews a likely duplicate from the data quality list side by side and merges it; every page is
checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from children.models import Child
from tests.browser.helpers import assert_accessible, sign_in
from tests.factories import ChildFactory, EpisodeFactory

pytestmark = pytest.mark.browser


def test_a_coordinator_reviews_a_likely_duplicate_and_merges_it(page: Page, live_server, world):
    ChildFactory(
        first_name="Jordon",
        last_name="Exampel",
        date_of_birth=world.child.date_of_birth,
        sex=world.child.sex,
        responsible_council=world.north,
        la_child_id="N000999",
    )
    duplicate = Child.objects.get(la_child_id="N000999")
    EpisodeFactory(child=duplicate, police_force=world.police_north, created_by=world.users.police)
    sign_in(page, live_server, world.users.coordinator)
    page.goto(f"{live_server.url}/analytics/data-quality/")
    expect(page.get_by_role("rowheader", name="N000123 and N000999")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Review the pair").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review a possible duplicate")
    expect(page.get_by_text("Missing episodes: 1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Merge the records").click()
    expect(page.get_by_role("link", name="Enter why these two records are the same child")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Keep N000123").check()
    page.get_by_label("Why are these two records the same child?").fill("The police added Jordan a second time")
    page.get_by_role("button", name="Merge the records").click()
    expect(page.get_by_text("Record N000999 was merged into N000123")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jordan Example")
    assert_accessible(page)
    assert Child.objects.get(pk=duplicate.pk).merged_into_id == world.child.pk
