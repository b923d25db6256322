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


def make_provisional(world, reference: str = "41-PROV-1", **child: str):
    """A child Homeward did not know, reported missing by Northmoor Police, whose police user created a provisional
    record for Northmoor from the match queue."""
    from intake.actions import create_provisional_child, import_notifications
    from intake.models import Notification, ProvisionalChild, Status
    from intake.parsing import read_objects

    names = {"first_name": "Sam", "last_name": "Newland", "date_of_birth": "2012-05-06", "sex": "F", **child}
    import_notifications(
        lambda: read_objects([{**missing(reference, postcode="NM1 2AB"), **names}]),
        acting_user=world.users.police,
        force=world.police_north,
        source="api",
    )
    queued = Notification.objects.get(police_reference=reference, status=Status.QUEUED)
    made = create_provisional_child(
        queued,
        responsible_council=world.north,
        living_arrangement="other",
        expected_version=queued.version,
        acting_user=world.users.police,
    )
    return ProvisionalChild.objects.select_related("child").get(child=made)
