"""The demo's SSDA903 imports (issue 17): the Returns import page shows one upload imported and one refused.

Three invented looked-after children (council child IDs DEMO-SSDA-1 to 3, never anyone real), with their
episodes of care and past missing periods, are written as SSDA903 Header, Episodes and Missing files and
imported through the page's own steps (`returns.imports`); a second upload, with a wrong sex code and a missing
period for a child not in its Header, is refused with its errors listed by file, row and column. A second run
changes nothing (it looks for the council's imports first).
"""

import datetime as dt

from django.utils import timezone

from access.models import User
from returns.imports import queue_import, run_queued_import
from returns.models import ReturnImport
from returns.ssda903 import EPISODE_COLUMNS, HEADER_COLUMNS, MISSING_COLUMNS, format_date


def _csv(columns: list[str], rows: list[list[str]]) -> str:
    return "\n".join([",".join(columns), *(",".join(row) for row in rows)]) + "\n"


def demo_files(today: dt.date) -> dict[str, str]:
    """The three files, with dates counted back from `today` (so the periods are always in the past)."""

    def ago(days: int) -> str:
        return format_date(today - dt.timedelta(days=days))

    header = [
        ["DEMO-SSDA-1", "F", ago(15 * 365), "WBRI", "", "0", ""],
        ["DEMO-SSDA-2", "M", ago(14 * 365 + 100), "MWBC", "", "", ""],
        ["DEMO-SSDA-3", "M", ago(16 * 365 + 40), "BAFR", "", "", ""],
    ]
    episodes = [
        ["DEMO-SSDA-1", ago(700), "S", "C2", "N1", "U4", "PR1", ago(300), "X1", "CARPL", "NM1 1AA", "NM2 2BB", ""],
        ["DEMO-SSDA-1", ago(300), "P", "C2", "N1", "K2", "PR4", "", "", "", "NM1 1AA", "NM3 3BB", "SC123456"],
        ["DEMO-SSDA-2", ago(500), "S", "V2", "N4", "U1", "PR1", ago(90), "E13", "", "NM4 4DD", "NM5 5EE", ""],
        ["DEMO-SSDA-3", ago(400), "S", "C1", "N2", "U6", "PR1", "", "", "", "NM6 6FF", "NM7 7GG", ""],
    ]
    missing = [
        ["DEMO-SSDA-1", header[0][2], "M", ago(650), ago(649)],
        ["DEMO-SSDA-1", header[0][2], "A", ago(200), ago(199)],
        ["DEMO-SSDA-1", header[0][2], "M", ago(120), ago(118)],
        ["DEMO-SSDA-2", header[1][2], "M", ago(300), ago(300)],
        ["DEMO-SSDA-3", header[2][2], "A", ago(250), ago(249)],
    ]
    return {
        "header": _csv(HEADER_COLUMNS, header),
        "episodes": _csv(EPISODE_COLUMNS, episodes),
        "missing": _csv(MISSING_COLUMNS, missing),
    }


def add_returns_demo(coordinator: User) -> int:
    """Import the demo files and upload a refused set, once; return how many imports were made (0 when there)."""
    if ReturnImport.objects.filter(council=coordinator.agency).exists():
        return 0
    files = demo_files(timezone.localdate())
    run_queued_import(queue_import(acting_user=coordinator, **files).pk)
    broken = {
        **files,
        "header": files["header"].replace("DEMO-SSDA-2,M,", "DEMO-SSDA-2,X,"),
        "missing": files["missing"] + f"DEMO-SSDA-9,,M,{format_date(timezone.localdate() - dt.timedelta(days=30))},\n",
    }
    run_queued_import(queue_import(acting_user=coordinator, **broken).pk)
    return 2
