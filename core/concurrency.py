"""Optimistic locking: every editable case record carries a version that each change bumps."""

from typing import TypeVar

from django.db import models

from core.errors import ConflictError

M = TypeVar("M", bound=models.Model)


def lock_at_version(model: type[M], pk: int, expected_version: int) -> M:
    """Lock the row for this transaction and check nobody changed it since the user loaded it.

    Call inside `transaction.atomic()`. On PostgreSQL the row lock makes a concurrent writer wait;
    on SQLite the IMMEDIATE transaction mode serialises writers. Either way the second of two
    editors who loaded the same version gets a ConflictError instead of overwriting the first.

    The lock is FOR NO KEY UPDATE (no_key=True): it still excludes other writers of the row, but not
    the key-share lock that another transaction's foreign-key check takes at commit (the job worker
    inserting an alert on this episode), so the two never wait on each other (issue 13's deadlock).
    """
    instance = model._default_manager.select_for_update(no_key=True).get(pk=pk)
    if instance.version != expected_version:
        raise ConflictError()
    return instance


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, object]:
    return {name: getattr(instance, name) for name in fields}
