"""What the episodes app lets a share name (sharing.Share, through the kernel's registry `access.share_kinds`): one
missing episode, as its summary. Loaded by `sharing.models` before it defines `Share` (ADR 0016).

The scoped lookups are imported where they are used: `episodes.scoping` reads this module's codes and fields."""

from typing import Any

from access.models import User
from access.scoping import in_child_councils
from access.share_kinds import ShareableItem, ShareKind, register_item, register_kind
from core.encryption import encrypted_fields
from core.templatetags.govuk import govuk_datetime
from episodes.models import MissingEpisode

EPISODE = "episode"  # the Share column
EPISODE_SUMMARY = "episode_summary"  # Share.what

# The episode's free text (the circumstances, who the child was found with, harm on return: every
# EncryptedTextField of the episode) and the reasons given for its risk grades. An episode summary share shows
# the rest (dates, places, who reported, police force and reference, risk grades, how the child was found).
EPISODE_FREE_TEXT_FIELDS = frozenset(encrypted_fields(MissingEpisode))
RISK_CHANGE_REASONS = "risk_change_reasons"
EPISODE_WORDS = EPISODE_FREE_TEXT_FIELDS | {RISK_CHANGE_REASONS}
_FORWARD_FIELDS = [*MissingEpisode._meta.fields, *MissingEpisode._meta.many_to_many]  # usable while models load
EPISODE_SUMMARY_FIELDS = frozenset(f.name for f in _FORWARD_FIELDS) - EPISODE_WORDS


def _visible_to(user: User) -> Any:
    from episodes.scoping import episodes_for

    return episodes_for(user)


def _candidates(user: User, child: Any) -> Any:
    return _visible_to(user).filter(child=child).order_by("-last_seen_at", "-pk")


def _may_share_summary(user: User, child: Any, episode: MissingEpisode | None) -> bool:
    """Council case roles of the child's councils share the child's episodes."""
    return episode is not None and episode.child_id == child.pk and in_child_councils(user, child)


register_item(
    ShareableItem(
        field=EPISODE,
        model="episodes.MissingEpisode",
        app_label="episodes",
        label="episode",
        order=10,
        visible_to=_visible_to,
        candidates=_candidates,
        option_label=lambda episode: f"last seen {govuk_datetime(episode.last_seen_at)}",
        may_share_about=in_child_councils,
        unseen_error="Choose an episode of this child's that you can see",
        url_name="episodes:detail",
        actions_slot="episode:actions",
        actions_order=20,  # after the grab pack
    )
)
register_kind(
    ShareKind(
        code=EPISODE_SUMMARY,
        label="Missing episode summary",
        app_label="episodes",
        order=10,
        item=EPISODE,
        may_share=_may_share_summary,
        receiver_fields=EPISODE_SUMMARY_FIELDS,
        missing_item="Choose the missing episode to share",
        hint="The report, risk grades and return of one missing episode",
    )
)
