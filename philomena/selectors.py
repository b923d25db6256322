"""Reads for the profile pages and the grab-pack, scoped to the person asking."""

import logging

from django.utils import timezone

from access.models import User
from children.models import Child
from episodes.scoping import episodes_for
from philomena.grabpack import GrabPack
from philomena.models import PhilomenaProfile, ProfilePhoto

logger = logging.getLogger(__name__)

# How many of the child's most recent returned episodes the grab-pack lists (a page's worth).
GRAB_PACK_PAST_EPISODES = 10


def profile_of(child: Child) -> PhilomenaProfile | None:
    return PhilomenaProfile.objects.filter(child=child).first()


def photo_bytes(photo: ProfilePhoto | None) -> bytes | None:
    if photo is None:
        return None
    try:
        with photo.image.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        logger.error("Philomena photo %s is in the database but its file is missing", photo.pk)
        return None


def grab_pack_for(user: User, child: Child, profile: PhilomenaProfile | None) -> GrabPack:
    """The grab-pack's contents: the current version and its photo, and the episodes the user may see."""
    version = profile.current_version() if profile else None
    episodes = episodes_for(user).filter(child=child).select_related("police_force")
    return GrabPack(
        child=Child.objects.select_related("responsible_council", "placement_council", "social_worker").get(
            pk=child.pk
        ),
        version=version,
        photo=photo_bytes(version.photo if version else None),
        open_episode=episodes.open().first(),
        past_episodes=list(episodes.returned().order_by("-last_seen_at")[:GRAB_PACK_PAST_EPISODES]),
        produced_at=timezone.now(),
        produced_by=user,
    )
