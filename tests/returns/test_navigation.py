"""Reaching the pages (issue 17): the menu offers the Returns page, the data quality list, the network, persons of
concern and places to the roles that may open them and to nobody else; the child's record links to the child's
persons, places and linked children for the same roles; and every link the menu offers opens."""

import re

import pytest
from django.urls import reverse

from core.navigation import navigation_items

MENU = {
    "Returns": reverse("returns:returns"),
    "Data quality": reverse("analytics:data-quality"),
    "Network": reverse("network:graph"),
    "Persons of concern": reverse("network:persons"),
    "Places": reverse("network:places"),
    "Possible duplicates": reverse("network:duplicates"),
    "Cross-border picture": reverse("network:partnership"),
    "Dashboard": reverse("analytics:dashboard"),
}
WHO = {
    "Returns": {"coordinator", "analyst", "coordinator_south"},
    "Data quality": {"coordinator", "manager", "analyst", "coordinator_south"},
    "Network": {"coordinator", "social_worker", "manager", "coordinator_south", "police", "police_south"},
}
WHO["Persons of concern"] = WHO["Places"] = WHO["Network"]
WHO["Possible duplicates"] = {"coordinator", "coordinator_south", "police", "police_south"}
WHO["Cross-border picture"] = {"police", "police_south"}  # and MASH (not in this world)
WHO["Dashboard"] = {"coordinator", "manager", "coordinator_south", "police", "police_south", "analyst"}
USERS = [
    "coordinator",
    "social_worker",
    "manager",
    "coordinator_south",
    "police",
    "police_south",
    "school_dsl",
    "practitioner",
    "health",
    "analyst",
    "admin",
]


@pytest.mark.parametrize("name", USERS)
def test_the_menu_offers_each_page_to_the_roles_that_may_open_it(client, world, name):
    user = getattr(world.users, name)
    offered = dict(navigation_items(user))
    for text, href in MENU.items():
        assert (offered.get(text) == href) is (name in WHO[text]), (name, text)
    client.force_login(user)
    body = client.get("/").content.decode()
    for text, href in MENU.items():
        if name in WHO[text]:
            assert f'href="{href}"' in body
            assert client.get(href).status_code == 200, (name, text)


@pytest.mark.parametrize("name", ["coordinator", "social_worker", "manager", "police", "school_dsl", "practitioner"])
def test_the_childs_record_links_to_their_persons_places_and_network_for_those_who_may_see_them(client, world, name):
    client.force_login(getattr(world.users, name))
    body = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    link = reverse("network:child", args=[world.child.pk])
    may = name in WHO["Network"]
    assert (f'href="{link}"' in body) is may
    if may:
        page = client.get(link).content.decode()
        assert re.search(r"[Pp]ersons of concern", page) and "Places" in page


@pytest.mark.parametrize("name", ["coordinator", "police"])
def test_the_network_pages_lead_to_children_missing_together_and_hotspots(client, world, name):
    """Issue 15: the network's pages were reachable only by typing /network/. From the menu's Network page, the
    network's own navigation leads to children missing together and hotspots, and each opens."""
    client.force_login(getattr(world.users, name))
    body = client.get(reverse("network:graph")).content.decode()
    for view in ("network:missing-together", "network:hotspots", "network:persons", "network:places"):
        assert f'href="{reverse(view)}"' in body, view
        assert client.get(reverse(view)).status_code == 200, view
