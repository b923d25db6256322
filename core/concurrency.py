"""Optimistic locking: every editable case record carries a version that each change bumps.

An action that changes a versioned record does it in one way (`versioned_update`):

    with transaction.atomic():
        edit = versioned_update(MissingEpisode, episode.pk, expected_version, RETURN_FIELDS)
        ...check, then set the new values on edit.record...
        changes = edit.save()  # bumps the version, saves, returns the audit diff of RETURN_FIELDS
        record_event(..., obj=edit.record, changes=changes)
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

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

    The lock is FOR NO KEY UPDATE (no_key=True): it still excludes other writers of the row, but not
    the key-share lock that another transaction's foreign-key check takes at commit (the job worker
    inserting an alert on this episode), so the two never wait on each other (issue 13's deadlock).
    """
    instance = model._default_manager.select_for_update(no_key=True).get(pk=pk)
    if cast(Versioned, instance).version != expected_version:
        raise ConflictError()
    return instance


def snapshot(instance: models.Model, fields: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as {field: [before, after]} (the shape of an audit event's changes)."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


@dataclass
class VersionedEdit(Generic[M]):
    """A versioned record locked for change: `record` to check and change, `before` its audited fields as loaded."""

    record: M
    fields: list[str]
    before: dict[str, Any]

    def save(self, *, update_fields: Sequence[str] | None = None) -> dict[str, list[Any]]:
        """Bump the version and save the record (only `update_fields`, when given: list the version too); return
        what changed in the audited fields, for the audit event."""
        cast(Versioned, self.record).version += 1
        self.record.save(update_fields=update_fields)
        return diff(self.before, snapshot(self.record, self.fields))


def versioned_update(model: type[M], pk: int, expected_version: int, fields: Sequence[str] = ()) -> VersionedEdit[M]:
    """Lock the record at the version the user loaded (ConflictError if anyone changed it since) and take a
    snapshot of `fields`, the ones the audit event reports. Call inside `transaction.atomic()`; raise a
    ValidationError to refuse (nothing is saved), or set the new values on `edit.record` and call `edit.save()`."""
    record = lock_at_version(model, pk, expected_version)
    return VersionedEdit(record, list(fields), snapshot(record, fields))
