"""What the sharing app adds to other apps' pages through core.sections: the child record's "Shared with"
section, and the "Share" (and "Pass intelligence to the police") buttons on an episode or an interview."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from access import share_kinds
from access.models import User
from access.scoping import active_emergency
from sharing.scoping import can_share, can_share_about, shares_for, shares_received_by


def child_sharing_section(user: User, *, child: Any, full_record: bool) -> dict[str, Any]:
    """Whoever sees the whole record sees the shares of the child they may see (all of them for the child's
    council); anyone else sees what is shared with them."""
    related = ("to_agency", "to_user", "to_user__agency", "shared_by", "from_agency")
    scope = shares_for(user) if full_record else shares_received_by(user)
    shares = scope.filter(child=child).select_related(*related).order_by("-shared_at", "-pk")
    return {
        "child": child,
        "full_record": full_record,
        "shares": list(shares),
        "can_share": full_record and can_share_about(user, child),
    }


def share_buttons(field: str) -> Callable[..., dict[str, Any] | None]:
    """The section context for the page of an item (`ShareableItem.actions_slot`, the record given as `field`):
    "Share" where the user may share it on the share page, and the button to each page its other kinds are
    shared from (an interview: "Pass intelligence to the police") where they may share those."""

    def buttons(user: User, **records: Any) -> dict[str, Any] | None:
        record = records[field]
        child = record.child
        href = ""
        own_pages = []
        for kind in share_kinds.kinds_of(field):
            if not can_share(user, child, kind.code, record):
                continue
            if kind.on_share_page and not href:
                href = reverse("sharing:share", args=[child.pk]) + f"?{field}={record.pk}"
            if kind.own_page:
                own_pages.append({"href": reverse(kind.own_page, args=[record.pk]), "label": kind.own_page_label})
        return {"href": href, "own_pages": own_pages} if href or own_pages else None

    return buttons


def emergency_access_banners(user: User) -> dict[int, dict[str, Any]]:
    """core.banners: the children whose record the user is seeing under emergency access now, with the access that
    ends last, for the banner on every page about that child. One query (none for a role that cannot ask)."""
    banners: dict[int, dict[str, Any]] = {}
    for access in active_emergency(user).select_related("child").order_by("child_id", "-expires_at", "-pk"):
        banners.setdefault(access.child_id, {"access": access, "child": access.child})
    return banners
