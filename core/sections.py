"""The sections apps add to other apps' pages: the child record's risk, Philomena, sharing and subject access
sections, an episode's grab-pack link and "Share" button, an interview's screening prompt.

A page names a slot ("child:top", say). An app above the page's own app registers, from its `AppConfig.ready`, the
template of its section and a function that builds the section's context for the user and the page's record, or
returns None where the user is not shown it. The page's view builds the slot (every query and permission check
runs there, scoped by the app that owns the records), and the template only renders what it was given with
`{% page_sections %}` (core.templatetags.govuk).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Given the signed-in user and the page's record(s) as keyword arguments (child=..., episode=...): the section's
# template context, or None where the user is not shown the section.
SectionContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    """A section ready to render: its template and the context its owning app built for this user."""

    template: str
    context: dict[str, Any]


_slots: dict[str, dict[str, tuple[int, str, SectionContext]]] = {}


def register(slot: str, app_label: str, *, order: int, template: str, context: SectionContext) -> None:
    """Add an app's section to a slot at `order` (lower first). Registering the same app again replaces it."""
    _slots.setdefault(slot, {})[app_label] = (order, template, context)


def build(slot: str, user: Any, **records: Any) -> list[Section]:
    """The slot's sections this user is shown, in order, each built by its app for these records."""
    sections = []
    for _, template, context in sorted(_slots.get(slot, {}).values(), key=lambda entry: entry[0]):
        built = context(user, **records)
        if built is not None:
            sections.append(Section(template, built))
    return sections
