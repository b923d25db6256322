import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from intake.parsing import FIELDS


def row(**values: str) -> dict[str, str]:
    return {name: str(value) for name, value in values.items()}


def missing(reference: str = "41-MP-1", *, hours_ago: int = 10, **extra: str) -> dict[str, str]:
    now = timezone.now()
    base = {
        "kind": "missing",
        "force_code": "41",
        "police_reference": reference,
        "event_at": (now - dt.timedelta(hours=hours_ago - 1)).isoformat(),
        "last_seen_at": (now - dt.timedelta(hours=hours_ago)).isoformat(),
        "last_seen_place": "Northmoor bus station",
        "reported_by": "Foster carer",
        "missing_from": "placement",
        "risk_grade": "medium",
    }
    base.update(extra)
    return base


def update(reference: str, *, at: dt.datetime, **extra: str) -> dict[str, str]:
    return {"kind": "update", "force_code": "41", "police_reference": reference, "event_at": at.isoformat(), **extra}


def found(reference: str, *, at: dt.datetime, **extra: str) -> dict[str, str]:
    base = {
        "kind": "found",
        "force_code": "41",
        "police_reference": reference,
        "event_at": at.isoformat(),
        "returned_at": at.isoformat(),
        "found_place": "A friend's house",
        "found_by": "police",
    }
    base.update(extra)
    return base


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FIELDS))
    writer.writeheader()
    for values in rows:
        writer.writerow(values)
    return out.getvalue().encode()


def jsonl_bytes(rows: list[dict]) -> bytes:
    return "".join(json.dumps(values) + "\n" for values in rows).encode()


@pytest.fixture
def mash_police(world):
    from access.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="mash.police", agency=world.police_north, roles=[Role.MASH])
