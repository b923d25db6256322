"""Tampered ids (issue 4): every page and API operation that names a record, given an id that is not one the
user may reach (another council's record, one that does not exist, zero, a huge number, not a number at all),
answers 404 and never 500, nor a 403 that would reveal the record exists. The permission matrix
(tests/permission_matrix.py) lists every such URL, so a new one is covered here as soon as it is in the table."""

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from access.tokens import issue_token
from tests.permission_matrix import MATRIX, PUBLIC_SLUG, Entry

# Ids no record has: not in the table, zero, the largest 64-bit integer, past it (not storable at all).
MISSING_IDS = ("9999999", "0", str(2**63 - 1), str(2**64 + 7))
NOT_NUMBERS = ("abc", "1.5", "-1", "1e3", "%2e%2e", "1%00", "\u0661")  # the last: ARABIC-INDIC DIGIT ONE


# The permission matrix's record names (its fixture's attributes); other URL arguments (a table's slug) are not ids.
RECORDS = frozenset(
    {"child", "episode", "interview", "alert", "screening", "referral", "intel_person", "intel_link", "place"}
    | {"place_link", "photo", "share", "emergency_access", "stored_report", "open_episode", "open_interview"}
    | {"meeting", "meeting_action", "risk_change"}
    | {"queued_notification", "import_batch"}  # police notifications in: the match queue and an upload (issue 12)
    | {"provisional_record"}  # a child record created from a police report, for the council to confirm (issue 12)
    | {"duplicate", "intelligence_share"}  # a child recorded twice (the merge page); police intelligence (issue 12)
    | {"intel_twice", "place_twice"}  # a person and a place recorded twice (the register's compare pages, issue 14)
    | {"return_import"}  # an upload of a council's SSDA903 files (issue 17)
    | {"saved_search", "saved_audit_search"}  # opaque tokens: a tampered one is unknown, so 404
    | {"public_page", "concern"}  # a council's public page (its editor's pages) and a concern in the MASH queue
    | {"staff_user", "group_mapping"}  # administration: an account and a single sign-on group mapping
    | {"api_token", "system_client", "subscription", "delivery"}  # API credentials and webhooks (issue 17)
    | {"notification"}  # a user's own notification: anyone else's id is unknown, so 404
)
# URL arguments that name no record: a council's code and a page's address on the public site (issue 16), which
# anyone may read; a wrong one is a 404 (tests/public).
NOT_RECORDS = frozenset({"901", PUBLIC_SLUG})


def _is_record(value: object) -> bool:
    return isinstance(value, str) and value in RECORDS


def record_arg(writable, name: str) -> object:
    """The URL argument for the matrix's record `name`: a model's id, or an opaque token as it is."""
    record = getattr(writable, name)
    return getattr(record, "pk", record)


def _insider(entry: Entry) -> str:
    """Someone allowed to open the URL for the real record: a wrong id is then the only reason to refuse."""
    if entry.allowed:
        return sorted(entry.allowed)[0] if "coordinator" not in entry.allowed else "coordinator"
    return "coordinator"  # API writes: the coordinator writes episodes and interviews


def _path(entry: Entry, writable, replace: str, value: str) -> str:
    values = {name: record_arg(writable, v) if _is_record(v) else v for name, v in entry.args.items()}
    if entry.is_api:
        _method, path = entry.key.split(" ", 1)
        values[replace] = value
        return path.format(**values)
    # Build the real URL, then put the tampered value where the record's id was.
    marker = 987654321
    values[replace] = marker
    return reverse(entry.key, kwargs=values).replace(str(marker), value)


# A body each API write would accept for a record the caller may change, so only the id decides the answer.
SOON = "2026-01-01T10:00:00+00:00"
WRITE_BODIES = {
    "PATCH /api/v1/episodes/{id}": {"version": 1},
    "POST /api/v1/episodes/{id}/risk-grade": {"grade": "high", "reason": "Tampered id check", "version": 1},
    "POST /api/v1/episodes/{id}/return": {
        "returned_at": SOON,
        "found_place": "Home",
        "found_by": "police",
        "version": 1,
    },
    "POST /api/v1/return-interviews/{id}/assign": {"practitioner": None, "version": 1},
    "POST /api/v1/episodes/{id}/log": {"kind": "sighting", "occurred_at": SOON, "note": "Tampered id check"},
    "POST /api/v1/alerts/{id}/assign": {"assigned_to": None, "version": 1},
    "POST /api/v1/notifications/{id}/read": {},
    "POST /api/v1/return-interviews/{id}/offer": {"version": 1},
    "POST /api/v1/meeting-actions/{id}/status": {"status": "done", "version": 1},
    "PATCH /api/v1/children/{id}": {"preferred_name": "Jo", "version": 1},
    "POST /api/v1/alerts/{id}/decision": {"decision": "no_further_action", "reason": "Tampered id check"},
    "POST /api/v1/shares/{id}/withdraw": {"reason": "Tampered id check", "version": 1},
    "POST /api/v1/return-interviews/{id}/interview": {
        "completed_at": SOON,
        "episode_ids": [1],
        "consent_to_share": "yes",
        "version": 1,
    },
}


def test_every_api_write_with_an_id_has_a_body():
    writes = {e.key for e in MATRIX if e.is_api and not e.key.startswith("GET") and "{" in e.key}
    assert writes == set(WRITE_BODIES)


def _request(entry: Entry, writable, user: str, url: str):
    who = getattr(writable.users, user)
    if entry.is_api:
        method = entry.key.split(" ")[0].lower()
        client = Client()
        kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {issue_token(who)}"}}
        if method != "get":
            kwargs.update(data=json.dumps(WRITE_BODIES[entry.key]), content_type="application/json")
        return getattr(client, method)(url, **kwargs)
    client = Client()
    client.force_login(who)
    return getattr(client, entry.method)(url)


CASES = [
    pytest.param(entry, name, id=f"{entry.key}-{name}")
    for entry in MATRIX
    for name, value in entry.args.items()
    if _is_record(value)
]


def test_every_record_the_matrix_names_is_known():
    """A new record type in the permission matrix must be added to RECORDS, or its URLs would go untested here."""
    named = {v for entry in MATRIX for v in entry.args.values() if isinstance(v, str) and not v.isalpha()} - NOT_RECORDS
    named |= {v for entry in MATRIX for v in entry.args.values() if isinstance(v, str) and v in RECORDS}
    assert named <= RECORDS


@pytest.mark.parametrize(("entry", "arg"), CASES)
def test_an_id_no_record_has_is_not_found(writable, entry: Entry, arg: str):
    user = _insider(entry)
    for value in MISSING_IDS:
        response = _request(entry, writable, user, _path(entry, writable, arg, value))
        assert response.status_code == 404, f"{entry.key} {arg}={value} as {user}: {response.status_code}"


@pytest.mark.parametrize(("entry", "arg"), CASES)
def test_an_id_that_is_not_a_number_is_not_found(writable, entry: Entry, arg: str):
    user = _insider(entry)
    for value in NOT_NUMBERS:
        response = _request(entry, writable, user, _path(entry, writable, arg, value))
        assert response.status_code == 404, f"{entry.key} {arg}={value} as {user}: {response.status_code}"


@pytest.mark.parametrize(("entry", "arg"), CASES)
def test_another_councils_record_is_not_found(writable, entry: Entry, arg: str):
    """Southvale's coordinator, given Jordan's (Northmoor) record ids, learns nothing: 404, whatever the URL."""
    url = _path(entry, writable, arg, str(record_arg(writable, entry.args[arg])))
    if "coordinator_south" in entry.allowed:
        pytest.skip("Southvale's coordinator may open this record (the permission matrix says why)")
    response = _request(entry, writable, "coordinator_south", url)
    expected = entry.expected("coordinator_south")
    assert response.status_code == expected, f"{entry.key} as coordinator_south: {response.status_code}"
    assert response.status_code in {403, 404}
    if response.status_code == 403:
        # A 403 is only for a page the role has no part in at all, never "this record exists but is not yours".
        assert not re.search(r"Jordan|N000123", response.content.decode())
