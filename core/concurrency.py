"""Optimistic locking: every editable case record carries a version that each change bumps."""

from typing import Any, Protocol, TypeVar, cast

from django.db import models

from core.errors import ConflictError

M = TypeVar("M", bound=models.Model)


class Versioned(Protocol):
    """A record with a `version` column, bumped on every change (optimistic locking)."""

    version: int


def lock_at_version(model: type[M], pk: int, expected_version: int) -> M:
    """Lock the row for this transaction and check nobody changed it since the user loaded it.

    Call inside `transaction.atomic()`. On PostgreSQL the row lock makes a concurrent writer wait;
    on SQLite the IMMEDIATE transaction mode serialises writers. Either way the second of two
    editors who loaded the same version gets a ConflictError instead of overwriting the first.
    """
    instance = model._default_manager.select_for_update().get(pk=pk)
    if cast(Versioned, instance).version != expected_version:
        raise ConflictError()
    return instance


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}
