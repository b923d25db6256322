"""What the sharing app adds to other apps' pages through core.sections: the child record's "Shared with"
section, and the "Share" (and "Pass intelligence to the police") buttons on an episode or an interview."""

from typing import Any

from django.urls import reverse

from access.models import User
from access.scoping import active_emergency
from sharing.codes import ShareWhat
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


def episode_share_button(user: User, *, episode: Any) -> dict[str, Any] | None:
    if not can_share(user, episode.child, ShareWhat.EPISODE_SUMMARY, episode=episode):
        return None
    return {"href": reverse("sharing:share", args=[episode.child_id]) + f"?episode={episode.pk}"}


def interview_share_buttons(user: User, *, interview: Any) -> dict[str, Any] | None:
    """ "Share" for an interview summary, and "Pass intelligence to the police" where the user may pass it."""
    child = interview.child
    href = intelligence = ""
    if can_share(user, child, ShareWhat.INTERVIEW_SUMMARY, interview=interview):
        href = reverse("sharing:share", args=[child.pk]) + f"?interview={interview.pk}"
    if can_share(user, child, ShareWhat.INTERVIEW_INTELLIGENCE, interview=interview):
        intelligence = reverse("sharing:share-intelligence", args=[interview.pk])
    return {"href": href, "intelligence_href": intelligence} if href or intelligence else None


def emergency_access_banners(user: User) -> dict[int, dict[str, Any]]:
    """core.banners: the children whose record the user is seeing under emergency access now, with the access that
    ends last, for the banner on every page about that child. One query (none for a role that cannot ask)."""
    banners: dict[int, dict[str, Any]] = {}
    for access in active_emergency(user).select_related("child").order_by("child_id", "-expires_at", "-pk"):
        banners.setdefault(access.child_id, {"access": access, "child": access.child})
    return banners
