"""Fuzzing the CSV, JSON Lines and API parsers (hypothesis): any input gives rows or per-field errors, never a
crash, and a rejected input writes nothing."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.actions import check_rows
from intake.parsing import FIELDS, FileError, ParsedNotification, check_row, read_csv, read_json_lines, read_objects

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
values = st.one_of(
    st.text(max_size=60), st.sampled_from(["missing", "update", "found", "41", "2026-01-01T10:00:00+00:00", ""])
)
rows = st.dictionaries(st.sampled_from([*FIELDS, "unknown", "\x00"]), values, max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)


@FUZZ
@given(rows)
def test_check_row_never_crashes(row):
    checked = check_row(row)
    assert isinstance(checked, ParsedNotification) or (checked and all(len(error) == 2 for error in checked))


@FUZZ
@given(st.binary(max_size=400))
def test_csv_reader_reads_rows_or_refuses_the_file(data):
    try:
        for number, values, why in read_csv(io.BytesIO(data)):
            assert number >= 2
            assert values is not None or why
            if values is not None:
                check_row(values)
    except FileError as exc:
        assert str(exc)


@FUZZ
@given(st.lists(st.lists(values, max_size=len(FIELDS) + 1), max_size=5))
def test_csv_with_the_header_and_any_values(records):
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow(FIELDS)
    writer.writerows(records)
    for _, values, why in read_csv(io.BytesIO(out.getvalue().encode())):
        if values is not None:
            check_row(values)
        else:
            assert why


@FUZZ
@given(st.binary(max_size=400))
def test_json_lines_reader_never_crashes(data):
    for _, values, why in read_json_lines(io.BytesIO(data)):
        assert (values is not None) != bool(why)
        if values is not None:
            check_row(values)


@pytest.mark.django_db
@FUZZ
@given(st.lists(json_values, max_size=5))
def test_api_batches_of_anything_are_checked_and_write_nothing_when_refused(world, batch):
    from intake.models import Notification

    result = check_rows(read_objects(batch), force=world.police_north)
    assert result.rows == len(batch)
    assert Notification.objects.count() == 0


@pytest.mark.django_db
@FUZZ
@given(st.lists(json_values, min_size=1, max_size=3))
def test_the_push_endpoint_answers_any_body_without_a_server_error(world, batch):
    from django.test import Client

    from access.tokens import issue_token
    from intake.models import Notification

    token = issue_token(world.users.police, scopes=["police-notifications:write"])
    response = Client().post(
        "/api/v1/police-notifications",
        json.dumps({"notifications": batch}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (200, 400, 422)
    if response.status_code != 200:
        assert Notification.objects.count() == 0
