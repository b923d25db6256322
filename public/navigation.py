"""The public app's menu items (core.navigation): the MASH queue for MASH workers, public pages for editors."""

from django.urls import reverse

from access.models import User
from public.scoping import edits_public_pages, sees_mash_queue


def navigation_items(user: User) -> list[tuple[str, str]]:
    items = []
    if sees_mash_queue(user):
        items.append(("MASH queue", reverse("public:mash-queue")))
    if edits_public_pages(user):
        items.append(("Public pages", reverse("public:editor-pages")))
    return items
