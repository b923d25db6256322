"""What the Philomena app adds to other apps' pages through core.sections: the child record's "Philomena profile"
section and an open episode's grab-pack link, each for those who may see the child's profile."""

from typing import Any

from access.models import User
from philomena.models import profile_applies
from philomena.scoping import can_edit_profile, can_view_profile
from philomena.selectors import profile_of


def child_section(user: User, *, child: Any, full_record: bool) -> dict[str, Any] | None:
    """Shown when the child has a profile or is in care (so one can be started)."""
    if not can_view_profile(user, child):
        return None
    profile = profile_of(child)
    if profile is None and not profile_applies(child):
        return None
    return {
        "shown": True,
        "child": child,
        "current": profile.current_version() if profile else None,
        "can_edit": can_edit_profile(user, child),
    }


def grab_pack_link(user: User, *, episode: Any) -> dict[str, Any] | None:
    if not (episode.is_open and can_view_profile(user, episode.child)):
        return None
    return {"shown": True, "child": episode.child}
