"""The network picture's labels are whole and inside the picture (issue 15: a label once read "Adult known as
'Ski…"). In a real browser every label of every kind of node (children, persons of concern, places, the police-only
intelligence police see) is measured: each lies inside its cluster's cell and the drawing, and says the whole name
(the node's title says the same). Checked on the network page as the coordinator and as the police, at a desktop
width and at 320px."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from network import actions
from network.codes import Confidence, LinkSource, PersonKind, PlaceKind
from tests.browser.helpers import assert_accessible, sign_in
from tests.network.conftest import net  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

LONG_PERSON = "Adult known as 'Skinny' from the Eastgate flats"
LONG_PLACE = "Multi-storey car park behind Northtown bus station"

LABELS_JS = r"""() => {
  const svg = document.querySelector('svg.hw-net-svg');
  const [, , width, height] = svg.getAttribute('viewBox').split(' ').map(Number);
  const cells = [...svg.querySelectorAll('rect.hw-net-cell')].map(r => r.getBBox());
  const inside = (box, area) => box.x >= area.x - 0.5 && box.y >= area.y - 0.5
    && box.x + box.width <= area.x + area.width + 0.5 && box.y + box.height <= area.y + area.height + 0.5;
  return [...svg.querySelectorAll('a.hw-net-link')].map(link => {
    const text = link.querySelector('text.hw-net-label');
    const box = text.getBBox();
    return {
      title: link.querySelector('title').textContent,
      label: text.textContent.replace(/\s+/g, ' ').trim(),
      lines: text.querySelectorAll('tspan').length,
      inDrawing: inside(box, {x: 0, y: 0, width, height}),
      inCell: cells.some(cell => inside(box, cell)),
    };
  });
}"""


@pytest.fixture
def long_names(world, net):  # noqa: F811
    users = world.users
    link = {
        "source": LinkSource.SEEN_WITH,
        "linked_on": timezone.localdate() - dt.timedelta(days=2),
        "confidence": Confidence.CONFIRMED,
    }
    person = actions.add_person(acting_user=users.coordinator, kind=PersonKind.ADULT, display_name=LONG_PERSON)
    place = actions.add_place(acting_user=users.coordinator, kind=PlaceKind.OTHER, name=LONG_PLACE)
    for child in (world.child, world.placed_child):
        actions.link_child_to_person(acting_user=users.coordinator, child=child, person=person, **link)
        actions.link_child_to_place(acting_user=users.coordinator, child=child, place=place, **link)
    return person, place


@pytest.mark.parametrize(("user", "width"), [("coordinator", 1280), ("police", 1280), ("coordinator", 320)])
def test_every_label_is_whole_and_inside_its_cell(page: Page, live_server, world, long_names, user, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, getattr(world.users, user))
    page.goto(f"{live_server.url}/network/")
    assert_accessible(page)
    page.evaluate("document.fonts.ready")
    nodes = page.evaluate(LABELS_JS)
    labels = {node["label"] for node in nodes}
    assert {LONG_PERSON, LONG_PLACE, "Jordan Example"} <= labels, labels
    if user == "police":
        assert any("(police only)" in node["title"] for node in nodes), nodes
    for node in nodes:
        assert node["inDrawing"] and node["inCell"], node
        assert "…" not in node["label"], node
        assert node["title"].split(": ", 1)[1].startswith(node["label"]), node
