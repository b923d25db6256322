"""Generated data shared by a module's tests: written once, rolled back when the module ends."""

import datetime as dt

import pytest
from django.db import transaction

from synthetic.generator import generate

# A fixed "now" in the past: the same seed and now always give the same rows.
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """300 synthetic children; each test runs in its own savepoint inside this transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = generate(300, seed=11, now=NOW)
        yield report
        transaction.set_rollback(True)
