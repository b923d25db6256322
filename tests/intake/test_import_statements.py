"""How many SQL statements the import makes per notification (issue 12's benchmark, docs/bench/police-import.md):
the work per row is set-based where it can be (per-chunk lookups, one roll-up refresh per chunk, no savepoint per
row), so the count per row stays low and does not grow with the file. Counted, not timed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics import rollups
from children.models import Child
from episodes.models import MissingEpisode
from intake import actions as intake_actions
from intake.actions import import_notifications
from intake.models import Source, Status
from intake.parsing import read_objects
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

# Nine rows in ten name a child by UPN (an exact match: the episode is reported), one in ten by a misspelt name
# and a date of birth (proposed: to the match queue), as in bench/police_import.py.
NAME_ONLY_EVERY = 10


def _rows(count: int, start: int = 0) -> list[dict[str, str]]:
    now = timezone.now()
    rows = []
    for n in range(start, start + count):
        seen = now - dt.timedelta(days=3, minutes=n)
        row = {
            "kind": "missing",
            "force_code": "41",
            "police_reference": f"41-COUNT-{n:05d}",
            "event_at": (seen + dt.timedelta(hours=1)).isoformat(),
            "missing_from": "placement",
            "last_seen_at": seen.isoformat(),
            "last_seen_place": "Bus station",
            "reported_by": "Foster carer",
            "risk_grade": "medium",
        }
        if n % NAME_ONLY_EVERY == NAME_ONLY_EVERY - 1:
            row.update(first_name="Counted", last_name=f"Chil{n}", date_of_birth="2011-06-15")
        else:
            row["upn"] = f"B{n:012d}"
        rows.append(row)
    return rows


def _children(world, count: int) -> None:
    for n in range(count):
        ChildFactory(
            la_child_id=f"CNT{n:05d}",
            upn=f"B{n:012d}",
            first_name="Counted",
            last_name=f"Child{n}",
            date_of_birth=dt.date(2011, 6, 15),
            responsible_council=world.north,
            placement_council=world.north,
        )


def _statements(world, rows: list[dict[str, str]]) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        result = import_notifications(
            lambda: read_objects(rows), acting_user=world.users.police, force=world.police_north, source=Source.API
        )
    return len(captured), dict(result.counts)


def test_statements_per_row_stay_low_and_flat(world):
    _children(world, 240)
    small, small_counts = _statements(world, _rows(40))
    large, large_counts = _statements(world, _rows(200, start=40))
    assert small_counts == {Status.APPLIED: 36, Status.QUEUED: 4}
    assert large_counts == {Status.APPLIED: 180, Status.QUEUED: 20}
    per_row = large / 200
    print(f"statements per row: {small / 40:.1f} (40 rows), {per_row:.1f} (200 rows)")
    assert MissingEpisode.objects.count() == 216
    assert Child.objects.filter(episodes__isnull=False).distinct().count() == 216
    # Before: about 37 a row on SQLite (a savepoint per row, the case and digest looked up row by row, the roll-ups
    # refreshed after every episode). Then about 11: the notification, the episode action's own statements, the
    # case. Since the task inbox landed, reporting a child missing also tells the council's coordinator (a
    # notification, its audit event and its delivery: about 7 more), so about 18 now; batching those per chunk
    # is the next saving (docs/bench/police-import.md).
    assert per_row <= 19
    assert large <= small * 5 + 200  # flat: five times the rows, about five times the statements
    # The roll-ups, refreshed once per chunk, equal a full recount.
    assert rollups.differences() == []


def test_a_chunk_boundary_changes_nothing(world, monkeypatch):
    """The same rows in chunks of 7 (an update, a found and a duplicate landing in other chunks than their missing
    notification): the same outcomes as in one chunk."""
    monkeypatch.setattr(intake_actions, "CHUNK_ROWS", 7)
    _children(world, 30)
    rows = _rows(20)
    now = timezone.now()
    rows.insert(3, rows[0])  # the same notification again
    rows.append(
        {
            "kind": "update",
            "force_code": "41",
            "police_reference": "41-COUNT-00001",
            "event_at": now.isoformat(),
            "risk_grade": "high",
        }
    )
    rows.insert(
        2,
        {
            "kind": "found",
            "force_code": "41",
            "police_reference": "41-COUNT-00008",
            "event_at": now.isoformat(),
            "returned_at": now.isoformat(),
            "found_place": "Home",
            "found_by": "police",
        },
    )
    result = import_notifications(
        lambda: read_objects(rows), acting_user=world.users.police, force=world.police_north, source=Source.API
    )
    # The found notification waits (row 3, first chunk) for its missing one (row 11, second chunk), then applies.
    assert result.counts == {Status.APPLIED: 19, Status.QUEUED: 2, Status.WAITING: 1, "duplicate": 1}
    assert MissingEpisode.objects.get(police_reference="41-COUNT-00001").risk_grade == "high"
    assert MissingEpisode.objects.get(police_reference="41-COUNT-00008").returned_at is not None
    assert rollups.differences() == []
