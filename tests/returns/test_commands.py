"""The export commands: the files they write, what they print, their audit events, and bad arguments."""

import csv
import datetime as dt
import os

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from access.models import AuditEvent
from returns.annex_a import ABSENT_COUNT, HEADINGS, MISSING_COUNT, RHI_ACCEPTED, RHI_OFFERED
from tests.returns.conftest import at, missing
from tests.returns.test_ssda903 import EXPECTED_EPISODES, EXPECTED_HEADER, EXPECTED_MISSING


def read_csv(path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# --- export_ssda903 ------------------------------------------------------------------------------


def test_export_ssda903_writes_the_three_files_and_audits(care_world, tmp_path, capsys):
    out = tmp_path / "ssda903"
    call_command("export_ssda903", "--year", "2025", "--council", "901", "--out", str(out), "--user", "coord.north")
    assert read_csv(out / "Header.csv") == EXPECTED_HEADER
    assert read_csv(out / "Episodes.csv") == EXPECTED_EPISODES
    assert read_csv(out / "Missing.csv") == EXPECTED_MISSING
    printed = capsys.readouterr().out
    assert printed.strip() == (
        "SSDA903 2025/26 for Northmoor Council (901): wrote Header.csv (4 rows), Episodes.csv (5 rows), "
        f"Missing.csv (4 rows) to {out}"
    )
    event = AuditEvent.objects.get(summary="SSDA903 export")
    assert (event.action, event.actor_username, event.object_type, event.child_id) == (
        AuditEvent.Action.CREATE,
        "coord.north",
        "agency",
        None,
    )
    assert event.changes == {
        "year": [None, "2025/26"],
        "rows": [None, {"Header": 4, "Episodes": 5, "Missing": 4}],
        "failures": [None, 0],
    }
    assert "N000" not in str(event.changes)  # no child identifiers, let alone names


def test_export_ssda903_lists_failures_and_writes_nothing(care_world, tmp_path, capsys):
    period = missing(care_world.world, care_world.sam, at(2025, 7, 20, 18), None)
    with pytest.raises(CommandError) as excinfo:
        call_command("export_ssda903", "--year", "2025", "--council", "901", "--out", str(tmp_path))
    assert str(excinfo.value) == (
        "1 check(s) failed: nothing was written. Correct the records, or give --allow-failures to write the "
        "files anyway."
    )
    assert capsys.readouterr().out.splitlines() == [
        "1 check(s) failed for Northmoor Council 2025/26:",
        f"  [577] child N000200, missing episode {period.pk}: The child's care ended on 31/07/2025 but this "
        "period has no end date",
    ]
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(summary="SSDA903 export").exists()


def test_export_ssda903_allow_failures_writes_and_still_lists_them(care_world, tmp_path, capsys):
    missing(care_world.world, care_world.sam, at(2025, 7, 20, 18), None)
    call_command("export_ssda903", "--year", "2025", "--council", "901", "--out", str(tmp_path), "--allow-failures")
    printed = capsys.readouterr().out
    assert "1 check(s) failed" in printed and "[577] child N000200" in printed
    assert len(read_csv(tmp_path / "Missing.csv")) == 6
    assert AuditEvent.objects.get(summary="SSDA903 export").changes["failures"] == [None, 1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2025", "--council", "999"], "No council has the LA code '999'. Known council codes: 901, 902."),
        (["--year", "25", "--council", "901"], "--year '25' is not a year: give the four-digit year"),
        (["--year", "2025/26", "--council", "901"], "--year '2025/26' is not a year"),
        (["--year", "twenty", "--council", "901"], "--year 'twenty' is not a year"),
        (["--year", "0000", "--council", "901"], "--year '0000' is out of range: give a collection year from 2000"),
    ],
)
def test_export_ssda903_refuses_bad_arguments(world, tmp_path, args, message):
    with pytest.raises(CommandError) as excinfo:
        call_command("export_ssda903", *args, "--out", str(tmp_path))
    assert str(excinfo.value).startswith(message)
    assert not AuditEvent.objects.filter(summary="SSDA903 export").exists()


def test_export_ssda903_refuses_an_out_dir_it_cannot_write(world, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    with pytest.raises(CommandError, match="is a file, not a directory"):
        call_command("export_ssda903", "--year", "2025", "--council", "901", "--out", str(a_file))
    with pytest.raises(CommandError, match="cannot be created"):
        call_command("export_ssda903", "--year", "2025", "--council", "901", "--out", str(a_file / "below"))
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(CommandError, match="is not writable"):
            call_command("export_ssda903", "--year", "2025", "--council", "901", "--out", str(locked))


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "--user 'nobody' is not an active Homeward user."),
        ("coord.south", "--user 'coord.south' does not work for Northmoor Council."),
    ],
)
def test_export_ssda903_refuses_a_user_who_is_not_the_councils(world, tmp_path, username, message):
    with pytest.raises(CommandError) as excinfo:
        call_command("export_ssda903", "--year", "2025", "--council", "901", "--out", str(tmp_path), "--user", username)
    assert str(excinfo.value) == message
    assert list(tmp_path.iterdir()) == []


# --- export_annex_a ------------------------------------------------------------------------------

EXPECTED_LIST8 = [
    ["N000123", "Female", "WBRI", "04/03/2011", "C2", "K2", "Northmoor Council", 1, 1, "Y", "N"],
    ["N000400", "Female", "WBRI", "02/02/2014", "C1", "U6", "Northmoor Council", 2, 0, "N", "N"],
    ["N000500", "Female", "WBRI", "17/05/2011", "C2", "U4", "Northmoor Council", 0, 0, "", ""],
    ["N000600", "Male", "MWBA", "12/12/2012", "C2", "R1", "Southvale Council", 0, 0, "", ""],
]


def test_annex_a_headings_are_ofsteds():
    assert HEADINGS[-4:] == [
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    ]
    assert HEADINGS[-4:] == [MISSING_COUNT, ABSENT_COUNT, RHI_OFFERED, RHI_ACCEPTED]


def test_export_annex_a_writes_an_excel_list_8(care_world, tmp_path, capsys):
    out = tmp_path / "annex-a.xlsx"
    call_command("export_annex_a", "--council", "901", "--on", "2026-04-05", "--out", str(out))
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["List 8"]
    rows = list(workbook["List 8"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADINGS
    as_text = [
        [c.strftime("%d/%m/%Y") if isinstance(c, dt.datetime) else ("" if c is None else c) for c in r]
        for r in rows[1:]
    ]
    assert as_text == EXPECTED_LIST8
    assert workbook["List 8"]["D2"].number_format == "DD/MM/YYYY"
    assert capsys.readouterr().out.strip() == (
        f"Annex A list 8 for Northmoor Council (901) on 05/04/2026: 4 children in care, written to {out}"
    )
    event = AuditEvent.objects.get(summary="Annex A export")
    assert event.action == AuditEvent.Action.CREATE
    assert event.changes == {"list": [None, "8"], "on": [None, "2026-04-05"], "rows": [None, 4]}


def test_export_annex_a_as_csv(care_world, tmp_path):
    out = tmp_path / "annex-a.csv"
    call_command("export_annex_a", "--council", "901", "--on", "05/04/2026", "--out", str(out), "--format", "csv")
    rows = read_csv(out)
    assert rows[0] == HEADINGS
    assert rows[1:] == [[str(value) for value in row] for row in EXPECTED_LIST8]


def test_annex_a_counts_the_12_months_up_to_the_day(care_world, tmp_path):
    """On 31/03/2026 Robin's 00:30 episode on 1 April has not happened; Sam has left care."""
    out = tmp_path / "annex-a.csv"
    call_command("export_annex_a", "--council", "901", "--on", "2026-03-31", "--out", str(out), "--format", "csv")
    rows = {row[0]: row[7:] for row in read_csv(out)[1:]}
    assert rows == {"N000123": ["1", "1", "Y", "N"], "N000400": ["1", "0", "N", "N"], "N000600": ["0", "0", "", ""]}
    call_command("export_annex_a", "--council", "901", "--on", "2026-05-02", "--out", str(out), "--format", "csv")
    rows = {row[0]: row[7:] for row in read_csv(out)[1:]}
    assert rows["N000123"] == ["0", "1", "Y", "N"]  # 02/05/2025 is more than 12 months before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--council", "123"], "No council has the LA code '123'"),
        (["--council", "901", "--on", "2026-02-30"], "--on '2026-02-30' is not a real date"),
        (["--council", "901", "--on", "tomorrow"], "--on 'tomorrow' is not a real date"),
    ],
)
def test_export_annex_a_refuses_bad_arguments(world, tmp_path, args, message):
    with pytest.raises(CommandError) as excinfo:
        call_command("export_annex_a", *args, "--out", str(tmp_path / "a.xlsx"))
    assert str(excinfo.value).startswith(message)


def test_export_annex_a_refuses_an_out_file_it_cannot_write(world, tmp_path):
    with pytest.raises(CommandError, match="is a directory"):
        call_command("export_annex_a", "--council", "901", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_annex_a", "--council", "901", "--out", str(tmp_path / "no" / "a.xlsx"))
    with pytest.raises(CommandError, match="invalid choice: 'pdf'"):
        call_command("export_annex_a", "--council", "901", "--out", str(tmp_path / "a.pdf"), "--format", "pdf")
