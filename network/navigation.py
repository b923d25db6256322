"""What the network app adds to other pages: the menu item (core.navigation) and the link from a child's record
(children.hooks), each only for the roles that may open the network pages."""

from django.urls import reverse

from access.models import User
from children.models import Child
from network.partnership import can_see_partnership_picture
from network.scoping import can_merge_register, can_search_register, can_use_network, sees_network_child


def navigation_items(user: User) -> list[tuple[str, str]]:
    items = []
    if can_use_network(user):
        items += [
            ("Network", reverse("network:graph")),
            ("Persons of concern", reverse("network:persons")),
            ("Places", reverse("network:places")),
        ]
    if can_merge_register(user):
        items.append(("Possible duplicates", reverse("network:duplicates")))
    if can_see_partnership_picture(user):
        items.append(("Cross-border picture", reverse("network:partnership")))
    if can_search_register(user) and not can_use_network(user):  # network users find from a child's page
        items.append(("Partnership register", reverse("network:register-persons")))
    return items


def child_network_link(user: User, child: Child) -> tuple[str, str] | None:
    """The child's persons of concern, places and links, where the user may open that page."""
    if not sees_network_child(user, child.pk):
        return None
    return ("Persons of concern, places and children linked to this child", reverse("network:child", args=[child.pk]))
