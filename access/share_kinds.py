"""The registry of what can be shared: each app registers, in its own `<app>/shareable.py`, the records of its own
that a share can name (`ShareableItem`) and the kinds of share it owns (`ShareKind`).

The registry lives in the kernel, below every domain app, because which kind of share reaches which record is
part of who may see a child's records (`access.scoping`, and each app's own scoping), while `sharing` only holds
the shares themselves. `sharing.models` loads every app's `shareable` module before it defines `Share` (see ADR
0016): each registered item becomes one nullable foreign key column of `Share` named after the item, and the
check constraint that a share names exactly its kind's item is generated from the kinds. Nothing in `sharing`'s
own code names another app's kind or item: it asks the registry.

Items and kinds are listed by their `order`, then name, whatever order their modules were imported in, so the
model, its migration state and the share page do not depend on import order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from access.models import User


@dataclass(frozen=True)
class ShareableItem:
    """A model whose rows a share can name. `field` is the `Share` column (a nullable foreign key, PROTECT, so a
    shared record cannot be deleted from under its shares)."""

    field: str  # "episode": the column Share.episode(_id)
    model: str  # "episodes.MissingEpisode"
    app_label: str  # the app that owns the model and registered it
    label: str  # "episode": how the audit trail names one ("episode 12")
    order: int  # where the item comes on the share page, before items of a higher order
    # The rows of this model the user may see (the app's scoped lookup): what the API accepts as input and
    # whether "Open what was shared" links to the item's page.
    visible_to: Callable[["User"], Any]
    # The rows the user may be offered to share about the child on the share page (each then checked by the
    # kind's `may_share`), in the order they are offered.
    candidates: Callable[["User", Any], Any]
    option_label: Callable[[Any], str]  # what follows the kind's label on the share page ("last seen ...")
    # Whether the user may share something of this item about the child at all (the "Share" link on the child's
    # record, the share page): cheap, and true whenever one of its kinds' `may_share` can be.
    may_share_about: Callable[["User", Any], bool]
    # The error when an id given for the item (the API's input) is not one the user can see (or not the child's).
    unseen_error: str = ""
    of_child: bool = True  # whether the model has the child it is about (`child_id`), which a share must match
    url_name: str = ""  # the item's page (one argument, its id), if it has one a recipient may open
    actions_slot: str = ""  # the core.sections slot of the item's page where "Share" goes ("episode:actions")
    actions_order: int = 10  # where "Share" comes among the other apps' actions in that slot (lower first)


@dataclass(frozen=True)
class ShareKind:
    """One kind of share (`Share.what`): its item, who may share it, and what its recipient sees."""

    code: str  # "episode_summary": the value stored in Share.what
    label: str  # "Missing episode summary"
    app_label: str  # the app that owns the rule (and registered it)
    order: int
    # Who may share this about the child: the item (None when the kind has none, or it is optional and left
    # out) is already one the share names. The sharing app checks first that the user can see cases at all.
    may_share: Callable[["User", Any, Any], bool]
    # The fields of the item the recipient sees (for the owning app's redaction, which reads them from here).
    receiver_fields: frozenset[str]
    item: str | None = None  # the ShareableItem.field this kind names, if any
    item_required: bool = True  # False: the item may be left out (police intelligence: the force's links)
    missing_item: str = ""  # the error when the share does not name exactly the kind's item
    hint: str = ""  # the hint under the kind on the share page
    on_share_page: bool = True  # False: shared from a page of its own (`own_page`), not the share page
    own_page: str = ""  # the URL name (argument: the item's id) of the page this kind is shared from, if any
    own_page_label: str = ""  # the button to that page on the item's page
    # The share page's option to share the kind without an item (when it is optional): its label for the child.
    no_item_option: Callable[[Any], str] | None = None
    no_item_label: str = ""  # how the audit trail names what is shared when there is no item ("the child's links")
    # Roles at the sharing agency that hold every share of this kind it made: they see and withdraw them. Empty:
    # the child's councils hold them (and whoever made the share).
    held_by_sharing_agency: tuple[str, ...] = ()
    # What the share shows its recipient and the agency that holds it, beyond the item's own page (police
    # intelligence: the links as they were when shared); None: nothing beyond the item.
    content: Callable[[Any], Any] | None = None
    content_template: str = ""  # the owning app's template that shows it (as `content`, with `share`, `child`)


_items: dict[str, ShareableItem] = {}
_kinds: dict[str, ShareKind] = {}


class RegistryError(Exception):
    """Registering an item or a kind twice, or a kind naming an item nobody registered."""


def register_item(item: ShareableItem) -> ShareableItem:
    if item.field in _items:
        raise RegistryError(f"The shareable item {item.field!r} is already registered")
    if not item.field.isidentifier() or "__" in item.field:
        raise RegistryError(f"{item.field!r} cannot name a column")
    _items[item.field] = item
    return item


def register_kind(kind: ShareKind) -> ShareKind:
    if kind.code in _kinds:
        raise RegistryError(f"The share kind {kind.code!r} is already registered")
    if kind.item is not None and kind.item not in _items:
        raise RegistryError(f"The share kind {kind.code!r} names {kind.item!r}, which no app registered")
    if kind.item is None and not kind.item_required:
        raise RegistryError(f"The share kind {kind.code!r} has no item, so it cannot be optional")
    if (kind.content is None) != (not kind.content_template):
        raise RegistryError(f"The share kind {kind.code!r} needs both its content and the template that shows it")
    if len(kind.code) > 30:  # Share.what's max_length
        raise RegistryError(f"The share kind code {kind.code!r} is longer than 30 characters")
    _kinds[kind.code] = kind
    return kind


def items() -> list[ShareableItem]:
    return sorted(_items.values(), key=lambda item: (item.order, item.field))


def item(field: str) -> ShareableItem:
    return _items[field]


def kinds() -> list[ShareKind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.code))


def kind(code: str) -> ShareKind | None:
    """The kind of this code; None for a code nobody registered (bad input)."""
    return _kinds.get(code)


def kinds_of(field: str) -> list[ShareKind]:
    """The kinds that name this item."""
    return [k for k in kinds() if k.item == field]


def choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in kinds()]


def item_of(share: Any) -> Any:
    """The record a share (or anything with the item columns) names, or None."""
    k = kind(share.what)
    return getattr(share, k.item) if k is not None and k.item is not None else None


def item_id_of(share: Any) -> int | None:
    k = kind(share.what)
    return getattr(share, f"{k.item}_id") if k is not None and k.item is not None else None


def describe(share: Any) -> str:
    """How the audit trail names what a share names: "episode 12", "return interview 3", "the child's links"."""
    k = kind(share.what)
    item_id = item_id_of(share)
    if k is not None and k.item is not None and item_id is not None:
        return f"{_items[k.item].label} {item_id}"
    return k.no_item_label if k is not None else ""
