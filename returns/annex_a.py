"""Ofsted ILACS Annex A, list 8 (children in care), with the four missing columns.

One row per child the council is responsible for who is in care on the chosen day (a care episode
open that day). Missing and Absent counts are the child's episodes of each DfE type that started in
the 12 months up to and including that day (Annex A still calls "away from placement without
authorisation" *Absent*); the Y/N columns come from the return interview covering the child's latest
episode in those 12 months, and are blank when the child had none.
"""

import csv
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access.models import Agency
from children.codes import Sex
from children.models import Child
from core.spreadsheets import safe_cell, safe_text
from episodes.codes import EpisodeType
from episodes.models import MissingEpisode
from interviews.codes import Outcome
from interviews.models import ReturnInterview
from returns.models import CareEpisode

MISSING_COUNT = "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
ABSENT_COUNT = "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"
RHI_OFFERED = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
RHI_ACCEPTED = "Did the child accept a Return Interview after their last missing episode (Y/N)?"
HEADINGS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Legal Status",
    "Placement Type",
    "LA of Placement",
    MISSING_COUNT,
    ABSENT_COUNT,
    RHI_OFFERED,
    RHI_ACCEPTED,
]
SHEET_NAME = "List 8"
DATE_HEADINGS = {"Date of Birth"}
OFFERED_OUTCOMES = {Outcome.ACCEPTED, Outcome.DECLINED}


def twelve_months_before(day: dt.date) -> dt.date:
    """The same date a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def children_in_care_on(council: Agency, on: dt.date) -> QuerySet[Child]:
    """The children the council is responsible for with a care episode open on `on`."""
    in_care = CareEpisode.objects.filter(_in_care_on(on), child=OuterRef("pk"))
    return Child.objects.filter(Exists(in_care), responsible_council=council)


def _in_care_on(on: dt.date) -> Q:
    return Q(decom__lte=on) & (Q(dec__isnull=True) | Q(dec__gt=on))


def build_list8(council: Agency, on: dt.date) -> list[dict[str, object]]:
    """List 8 rows (heading -> value) for the council's children in care on `on`, in four queries."""
    in_care = children_in_care_on(council, on)
    child_ids = in_care.values("pk")
    children = list(
        in_care.order_by("la_child_id", "pk").values(
            "pk", "la_child_id", "sex", "ethnicity", "date_of_birth", "placement_council__name"
        )
    )
    placements = {
        e["child_id"]: e
        for e in CareEpisode.objects.filter(_in_care_on(on), child_id__in=child_ids).values(
            "child_id", "legal_status", "place"
        )
    }

    window = {
        "last_seen_at__gte": _start_of(twelve_months_before(on) + dt.timedelta(days=1)),
        "last_seen_at__lt": _start_of(on + dt.timedelta(days=1)),
    }
    counts: dict[int, dict[str, int]] = {}
    latest: dict[int, int] = {}  # child pk -> pk of their latest episode in the window
    for episode in (
        MissingEpisode.objects.filter(child_id__in=child_ids, **window)
        .order_by("child_id", "last_seen_at", "pk")
        .values("pk", "child_id", "episode_type")
    ):
        per_child = counts.setdefault(episode["child_id"], {})
        per_child[episode["episode_type"]] = per_child.get(episode["episode_type"], 0) + 1
        latest[episode["child_id"]] = episode["pk"]

    offered: dict[int, bool] = {}
    accepted: dict[int, bool] = {}
    links = ReturnInterview.episodes.through.objects.filter(
        missingepisode__child_id__in=child_ids, **{f"missingepisode__{k}": v for k, v in window.items()}
    ).values("missingepisode_id", "returninterview__offered_at", "returninterview__outcome")
    for link in links:
        episode_pk, outcome = link["missingepisode_id"], link["returninterview__outcome"]
        was_offered = link["returninterview__offered_at"] is not None or outcome in OFFERED_OUTCOMES
        offered[episode_pk] = offered.get(episode_pk, False) or was_offered
        accepted[episode_pk] = accepted.get(episode_pk, False) or outcome == Outcome.ACCEPTED

    rows = []
    for child in children:
        placement: Mapping[str, Any] = placements.get(child["pk"], {})
        child_counts = counts.get(child["pk"], {})
        last = latest.get(child["pk"])
        rows.append(
            {
                "Child Unique ID": child["la_child_id"],
                "Gender": Sex(child["sex"]).label if child["sex"] in Sex.values else child["sex"],
                "Ethnicity": child["ethnicity"].upper(),
                "Date of Birth": child["date_of_birth"],
                "Legal Status": placement.get("legal_status", ""),
                "Placement Type": placement.get("place", ""),
                "LA of Placement": child["placement_council__name"],
                MISSING_COUNT: child_counts.get(EpisodeType.MISSING, 0),
                ABSENT_COUNT: child_counts.get(EpisodeType.AWAY, 0),
                RHI_OFFERED: "" if last is None else ("Y" if offered.get(last) else "N"),
                RHI_ACCEPTED: "" if last is None else ("Y" if accepted.get(last) else "N"),
            }
        )
    return rows


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _cell_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return safe_text(value)


def write_csv(rows: list[dict[str, object]], path: str | Path) -> Path:
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADINGS)
        for row in rows:
            writer.writerow([_cell_text(row[h]) for h in HEADINGS])
    return path


def write_xlsx(rows: list[dict[str, object]], path: str | Path | BinaryIO) -> str | Path | BinaryIO:
    """An Excel workbook with one sheet, "List 8": headings in bold, dates as real Excel dates; written to a
    path, or to a binary file (a download)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    if isinstance(path, str):
        path = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one worksheet
    sheet.title = SHEET_NAME
    sheet.append(HEADINGS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(row[h]) for h in HEADINGS])
    for column, heading in enumerate(HEADINGS, start=1):
        if heading in DATE_HEADINGS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    workbook.save(path)
    return path
