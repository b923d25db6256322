"""One "child changed" hook: every action that changes what is known about a child calls `child_changed`.

Apps above children subscribe from their `AppConfig.ready`, so no action names the apps that react to it:
the dashboard's roll-ups (analytics) and the risk triggers (risk) today. Two moments are offered:

- `in_transaction`: the subscriber runs inside the action's transaction, so what it writes commits or rolls
  back with the change (the roll-ups stay exact: `check_rollups` finds no drift).
- `on_commit`: the subscriber runs once the change has committed (queueing a background job, which must not
  see, or run for, a change that was rolled back). A failure there is logged, not raised: the change stands.

A bulk caller (the police notification import: thousands of actions in one transaction) wraps its work in
`deferred()`: the children changed are collected instead, and `flush()` (every chunk of rows, and on leaving the
block) tells each subscriber once per child, or once for them all where it subscribed a `many` form (the roll-ups'
`refresh_children`). What the subscribers finally see is the same as without it, in the same transaction; only the
number of calls differs. An exception leaving the block drops what was collected: the transaction it must sit in
rolls back with it.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

from django.db import connection, transaction

ChildChanged = Callable[[int], object]
ChildrenChanged = Callable[[list[int]], object]
When = Literal["in_transaction", "on_commit"]


@dataclass(frozen=True)
class _Subscriber:
    when: When
    one: ChildChanged
    many: ChildrenChanged | None = None


_subscribers: dict[str, _Subscriber] = {}


def subscribe(name: str, subscriber: ChildChanged, *, when: When, many: ChildrenChanged | None = None) -> None:
    """Call `subscriber(child_id)` whenever a child changes (or, after a deferred block, `many(child_ids)` once
    for all of them, where given). Subscribing the same name again replaces it."""
    _subscribers[name] = _Subscriber(when, subscriber, many)


def _after_commit(subscriber: ChildChanged, child_id: int) -> Callable[[], object]:
    """The call to queue: a plain function (Django logs a robust callback's failure by its name)."""

    def notify() -> object:
        return subscriber(child_id)

    return notify


def _notify(child_ids: Iterable[int]) -> None:
    ids = sorted(set(child_ids))
    if not ids:
        return
    for subscriber in _subscribers.values():
        if subscriber.when == "in_transaction":
            if subscriber.many is not None and len(ids) > 1:
                subscriber.many(ids)
            else:
                for child_id in ids:
                    subscriber.one(child_id)
        else:
            for child_id in ids:
                transaction.on_commit(_after_commit(subscriber.one, child_id), robust=True)


@dataclass
class Deferred:
    """The children changed inside a `deferred()` block, not yet told to the subscribers."""

    pending: set[int] = field(default_factory=set)

    def flush(self) -> int:
        """Tell the subscribers about the children collected so far; returns how many."""
        ids, self.pending = self.pending, set()
        _notify(ids)
        return len(ids)


_deferred: ContextVar[Deferred | None] = ContextVar("children_changes_deferred", default=None)


@contextmanager
def deferred() -> Iterator[Deferred]:
    """Collect the children changed in this block and tell the subscribers on `flush()` and on leaving it. Use it
    inside the transaction.atomic() block of the work (it is checked). A block inside another joins the outer one."""
    if not connection.in_atomic_block:
        raise RuntimeError("children.changes.deferred() must be used inside transaction.atomic()")
    outer = _deferred.get()
    if outer is not None:
        yield outer
        return
    collector = Deferred()
    token = _deferred.set(collector)
    try:
        yield collector
    except BaseException:
        collector.pending.clear()
        raise
    finally:
        _deferred.reset(token)
    collector.flush()


def child_changed(child_id: int) -> None:
    """Tell every subscriber that what is known about this child changed. Call it inside the action's transaction."""
    collector = _deferred.get()
    if collector is not None:
        collector.pending.add(child_id)
        return
    _notify([child_id])
