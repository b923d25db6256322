"""The statutory returns as files a person downloads from the Returns page: each built from the same functions
as the export commands, and each download audited (what, which council and year, how many rows; no child's
details)."""

import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from access.audit import record_event
from access.models import Agency, AuditEvent, User
from returns.annex_a import build_list8, write_xlsx
from returns.ssd import SSD_MISSING_COLUMNS, build_ssd_missing
from returns.ssda903 import FILE_NAMES, TABLE_COLUMNS, CollectionYear, Ssda903Return, write_table

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ReturnFile:
    key: str
    label: str
    checked: bool  # an SSDA903 table: refused while Homeward's checks of the DfE rules fail, unless accepted


RETURN_FILES = {
    file.key: file
    for file in [
        ReturnFile("ssda903-header", "SSDA903 Header (CSV)", checked=True),
        ReturnFile("ssda903-episodes", "SSDA903 Episodes (CSV)", checked=True),
        ReturnFile("ssda903-missing", "SSDA903 Missing (CSV)", checked=True),
        ReturnFile("annex-a", "Ofsted Annex A list 8 (Excel)", checked=False),
        ReturnFile("ssd-missing", "Standard Safeguarding Dataset ssd_missing (CSV)", checked=False),
    ]
}
SSDA903_TABLES = {"ssda903-header": "Header", "ssda903-episodes": "Episodes", "ssda903-missing": "Missing"}


@dataclass(frozen=True)
class Download:
    name: str
    content_type: str
    content: bytes
    rows: int


def annex_a_day(year: CollectionYear) -> dt.date:
    """Annex A lists the children in care on a day: the year's last day, or today while the year runs."""
    return min(year.end, timezone.localdate())


def build_download(key: str, council: Agency, year: CollectionYear, ssda: Ssda903Return) -> Download:
    if key in SSDA903_TABLES:
        table = SSDA903_TABLES[key]
        return _csv(f"{council.code}-{year.year}-{FILE_NAMES[table]}", TABLE_COLUMNS[table], ssda.tables()[table])
    if key == "ssd-missing":
        return _csv(
            f"{council.code}-{year.year}-ssd_missing.csv", SSD_MISSING_COLUMNS, build_ssd_missing(council, year)
        )
    day = annex_a_day(year)
    rows = build_list8(council, day)
    out = io.BytesIO()
    write_xlsx(rows, out)
    return Download(f"{council.code}-annex-a-list8-{day:%Y-%m-%d}.xlsx", XLSX, out.getvalue(), len(rows))


def _csv(name: str, columns: list[str], rows: list[dict[str, str]]) -> Download:
    out = io.StringIO()
    write_table(out, columns, rows)
    return Download(name, CSV, out.getvalue().encode("utf-8"), len(rows))


def record_download(
    *, acting_user: User, council: Agency, year: CollectionYear, key: str, rows: int, failures: int
) -> None:
    """The audit of a return downloaded from the page, as the export commands write theirs."""
    with transaction.atomic():
        record_event(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            obj=council,
            summary=f"Return downloaded: {RETURN_FILES[key].label}",
            changes={"year": [None, year.label], "rows": [None, rows], "failures": [None, failures]},
        )
