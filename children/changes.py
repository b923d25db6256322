"""One "child changed" hook: every action that changes what is known about a child calls `child_changed`.

Apps above children subscribe from their `AppConfig.ready`, so no action names the apps that react to it:
the dashboard's roll-ups (analytics) and the risk triggers (risk) today. Two moments are offered:

- `in_transaction`: the subscriber runs inside the action's transaction, so what it writes commits or rolls
  back with the change (the roll-ups stay exact: `check_rollups` finds no drift).
- `on_commit`: the subscriber runs once the change has committed (queueing a background job, which must not
  see, or run for, a change that was rolled back). A failure there is logged, not raised: the change stands.
"""

from collections.abc import Callable
from typing import Literal

from django.db import transaction

ChildChanged = Callable[[int], object]
When = Literal["in_transaction", "on_commit"]

_subscribers: dict[str, tuple[When, ChildChanged]] = {}


def subscribe(name: str, subscriber: ChildChanged, *, when: When) -> None:
    """Call `subscriber(child_id)` whenever a child changes. Subscribing the same name again replaces it."""
    _subscribers[name] = (when, subscriber)


def _after_commit(subscriber: ChildChanged, child_id: int) -> Callable[[], object]:
    """The call to queue: a plain function (Django logs a robust callback's failure by its name)."""

    def notify() -> object:
        return subscriber(child_id)

    return notify


def child_changed(child_id: int) -> None:
    """Tell every subscriber that what is known about this child changed. Call it inside the action's transaction."""
    for when, subscriber in _subscribers.values():
        if when == "in_transaction":
            subscriber(child_id)
        else:
            transaction.on_commit(_after_commit(subscriber, child_id), robust=True)
