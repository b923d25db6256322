"""`police_import`: a file of police notifications through the one import (`intake.actions.import_notifications`:
every row checked, matched and applied through the episodes actions), beside PostgreSQL's own `COPY` of the same
file into a plain table, in the same run. Rows per second for each, their ratio, and the import's peak memory
(resident set growth, sampled) to show it stays flat as the file grows.

`python -m bench --only police_import --rows 1000000` for the full-size run (docs/bench/police-import.md); the
default is 5,000 rows. Nine rows in ten name a child by UPN (an exact match: the episode is reported), one in ten
by a misspelt name and date of birth only (proposed, to the match queue). Everything is rolled back unless --keep.
"""

import csv
import datetime as dt
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from access.models import Agency, AgencyKind, Role, RoleAssignment, User
from bench.registry import BenchmarkOptions, Rollback, benchmark
from children.codes import LivingArrangement, Sex
from children.models import Child
from intake.actions import import_notifications
from intake.parsing import FIELDS, read_csv

NAME_ONLY_EVERY = 10


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


class PeakMemory:
    """Samples the resident set every 50 ms while the import runs: its growth over the baseline, at the peak."""

    def __init__(self) -> None:
        self.baseline = _rss_bytes()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _rss_bytes())

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())


def _write_file(path: Path, rows: int, force_code: str) -> None:
    now = timezone.now()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(FIELDS))
        writer.writeheader()
        for n in range(rows):
            seen = now - dt.timedelta(days=30, minutes=n)
            row = {
                "kind": "missing",
                "force_code": force_code,
                "police_reference": f"BENCH-{n:07d}",
                "event_at": (seen + dt.timedelta(hours=1)).isoformat(),
                "missing_from": "placement",
                "last_seen_at": seen.isoformat(),
                "last_seen_place": "Bus station",
                "reported_by": "Foster carer",
                "risk_grade": "medium",
                "postcode": "NM1 1AA",
            }
            if n % NAME_ONLY_EVERY == NAME_ONLY_EVERY - 1:
                row.update(first_name="Benchmark", last_name=f"Chil{n}", date_of_birth="2011-06-15")
            else:
                row["upn"] = f"B{n:012d}"
            writer.writerow(row)


def _setup(rows: int) -> tuple[Agency, User]:
    force = Agency.objects.create(kind=AgencyKind.POLICE, name="Benchmark Police", code="98")
    council = Agency.objects.create(kind=AgencyKind.COUNCIL, name="Benchmark Council", code="998", police_force=force)
    user = User.objects.create(username="bench.police", agency=force)
    RoleAssignment.objects.create(user=user, role=Role.POLICE)
    batch = []
    for n in range(rows):
        batch.append(
            Child(
                la_child_id=f"BENCH{n:07d}",
                upn=f"B{n:012d}",
                first_name="Benchmark",
                last_name=f"Child{n}",
                date_of_birth=dt.date(2011, 6, 15),
                sex=Sex.FEMALE,
                responsible_council=council,
                placement_council=council,
                living_arrangement=LivingArrangement.FOSTER_CARE,
            )
        )
        if len(batch) == 5_000:
            Child.objects.bulk_create(batch)
            batch = []
    Child.objects.bulk_create(batch)
    return force, user


def _copy(path: Path) -> float:
    """PostgreSQL's COPY of the same file into a plain table of text columns: seconds taken."""
    columns = ", ".join(f"{name} text" for name in FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE bench_copy ({columns})")  # column names are FIELDS
        started = time.perf_counter()
        with (
            path.open("rb") as source,
            cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return elapsed


@benchmark("police_import")
def police_import(options: BenchmarkOptions) -> dict[str, Any]:
    """A police notification file through the full import, beside PostgreSQL COPY of the same rows."""
    rows = options.rows
    result: dict[str, Any] = {"rows": rows}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notifications.csv"
        _write_file(path, rows, "98")
        result["file_bytes"] = path.stat().st_size
        try:
            with transaction.atomic():
                options.report(f"  police_import: {rows:,} children for the notifications to match")
                force, user = _setup(rows)
                if connection.vendor == "postgresql":
                    copy_seconds = _copy(path)
                    result["copy_rows_per_second"] = rows / copy_seconds
                    result["copy_seconds"] = copy_seconds

                def open_rows():
                    with path.open("rb") as stream:
                        yield from read_csv(stream)

                def progress(done: int) -> None:
                    if done % 50_000 == 0:
                        options.report(f"  police_import: {done:,} of {rows:,} rows")

                with PeakMemory() as memory:
                    started = time.perf_counter()
                    imported = import_notifications(
                        open_rows, acting_user=user, force=force, source="command", progress=progress
                    )
                    seconds = time.perf_counter() - started
                result.update(
                    seconds=seconds,
                    rows_per_second=rows / seconds,
                    outcomes=dict(imported.counts),
                    peak_memory_growth_mib=(memory.peak - memory.baseline) / 2**20,
                )
                if "copy_rows_per_second" in result:
                    result["ratio_to_copy"] = result["rows_per_second"] / result["copy_rows_per_second"]
                if not options.keep:
                    raise Rollback
        except Rollback:
            pass
    return result
