"""The navigation items sharing adds for the roles that use it (core.navigation)."""

from django.urls import reverse

from access.models import Role, User
from access.scoping import receives_shares
from sharing.scoping import can_review_emergency_access


def navigation_items(user: User) -> list[tuple[str, str]]:
    items = []
    if receives_shares(user):
        items.append(("Shared with my agency", reverse("sharing:received")))
    if user.has_role(Role.POLICE) and receives_shares(user):
        items.append(("Intelligence from interviews", reverse("sharing:intelligence")))
    if can_review_emergency_access(user):
        items.append(("Emergency access reviews", reverse("sharing:break-glass-review")))
    return items
