"""The `returns` benchmark: the SSDA903 return for one council against DuckDB and pandas, at several sizes.

`python -m bench --only returns [--children 20000]` generates 2,000 children and then --children children
(on an empty database each size is committed, vacuumed on PostgreSQL or checkpointed on SQLite, and flushed after;
otherwise it is generated inside a transaction rolled back after, unless --keep), runs ANALYZE on PostgreSQL, and
for the council with the most children in the return times, warm (one run to warm up, then the median of RUNS
runs):

- Homeward's `build_return` as the Returns page calls it (the collector left on, as in a request), and as the
  export command does (`collector_paused`);
- DuckDB building the same three tables (Header, Episodes, Missing) over a Parquet copy of the same rows, and
  pandas over them in memory (`bench.comparison`);

and records whether both engines' tables equal Homeward's, and the ratio of Homeward's time to each engine's
(below 1: Homeward is faster). When the database already holds a national set (`generate_national`), it is
measured as it stands too ("existing"), without generating anything.
"""

import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q

from access.models import Agency, AgencyKind, User
from bench.registry import BenchmarkOptions, Rollback, benchmark
from children.models import Child
from episodes.models import MissingEpisode
from returns.models import CareEpisode
from synthetic.generator import generate

RUNS = 7
SMALL = 2_000


def _median(function: Callable[[], Any], runs: int = RUNS) -> tuple[Any, float, float]:
    """Warm up once, then the result, the median and the fastest of `runs` timings (seconds)."""
    result = function()
    timings = []
    for _ in range(runs):
        started = perf_counter()
        result = function()
        timings.append(perf_counter() - started)
    return result, statistics.median(timings), min(timings)


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _busiest_council(year: Any) -> Agency:
    """The council with the most children looked after on some day of the year."""
    busiest = (
        CareEpisode.objects.filter(decom__lte=year.end)
        .filter(Q(dec__isnull=True) | Q(dec__gte=year.start))
        .values("child__responsible_council")
        .annotate(n=Count("child", distinct=True))
        .order_by("-n", "child__responsible_council")
        .first()
    )
    if busiest is None:
        return Agency.objects.filter(kind=AgencyKind.COUNCIL).order_by("pk")[0]
    return Agency.objects.get(pk=busiest["child__responsible_council"])


def measure(report: Callable[[str], None], label: str) -> dict[str, Any]:
    """Time one council's return with Homeward, DuckDB and pandas on the data the database holds now."""
    import duckdb

    from bench import comparison
    from returns.ssda903 import CollectionYear, build_return, collector_paused

    _analyze()
    latest = MissingEpisode.objects.order_by("-last_seen_at").values_list("last_seen_at", flat=True).first()
    day = latest.date() if latest else None
    year = CollectionYear((day.year - 1 if day.month < 4 else day.year) if day else 2025)
    council = _busiest_council(year)
    report(f"  returns ({label}): {council.name}, SSDA903 {year.label}")

    def paused() -> Any:
        with collector_paused():
            return build_return(council, year)

    ssda, ours, ours_min = _median(lambda: build_return(council, year))
    _, ours_paused, _ = _median(paused)
    frames = comparison.load_frames()
    with tempfile.TemporaryDirectory() as directory:
        paths = comparison.write_parquet(frames, Path(directory))
        database = duckdb.connect()
        database.execute("SET threads TO 2")
        by_duckdb, duck, duck_min = _median(lambda: comparison.duckdb_ssda903(database, paths, council.pk, year))
        database.close()
    by_pandas, pandas, _ = _median(lambda: comparison.pandas_ssda903(frames, council.pk, year))
    tables = ssda.tables()
    result = {
        "children_in_database": Child.objects.count(),
        "care_episodes_in_database": CareEpisode.objects.count(),
        "missing_episodes_in_database": MissingEpisode.objects.count(),
        "council": council.name,
        "year": year.label,
        "rows": {name: len(rows) for name, rows in tables.items()},
        "homeward_ms": round(ours * 1000, 1),
        "homeward_min_ms": round(ours_min * 1000, 1),
        "homeward_collector_paused_ms": round(ours_paused * 1000, 1),
        "duckdb_ms": round(duck * 1000, 1),
        "duckdb_min_ms": round(duck_min * 1000, 1),
        "pandas_ms": round(pandas * 1000, 1),
        "ratio_to_duckdb": round(ours / duck, 2),
        # The fastest runs' ratio: on a shared, loaded machine the medians carry other work's pauses.
        "ratio_to_duckdb_fastest": round(ours_min / duck_min, 2),
        "ratio_to_pandas": round(ours / pandas, 2),
        "duckdb_agrees": by_duckdb == tables,
        "pandas_agrees": by_pandas == tables,
    }
    report(
        f"  returns ({label}): Homeward {result['homeward_ms']} ms, DuckDB {result['duckdb_ms']} ms "
        f"(ratio {result['ratio_to_duckdb']}; fastest runs {result['ratio_to_duckdb_fastest']}), "
        f"pandas {result['pandas_ms']} ms"
    )
    return result


def sizes(options: BenchmarkOptions) -> list[int]:
    return sorted({SMALL, options.children} if options.children > SMALL else {options.children})


def _vacuum() -> None:
    """On PostgreSQL VACUUM ANALYZE (outside a transaction): the visibility map lets PostgreSQL answer from indexes
    alone, as it can on any database autovacuum looks after. On SQLite a checkpoint, which moves the committed rows
    from the write-ahead log into the database file, as SQLite does on its own as a database is used (no ANALYZE:
    nothing in Homeward runs it on SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _empty() -> bool:
    return not (Child.objects.exists() or User.objects.exists() or Agency.objects.exists())


@benchmark("returns")
def returns_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """The SSDA903 return for one council against DuckDB and pandas, at 2,000 and --children children."""
    results: dict[str, Any] = {}
    existing = Child.objects.count()
    if existing:
        results["existing"] = measure(options.report, f"the {existing:,} children already loaded")
    # On an empty database each size is committed, vacuumed (or checkpointed), measured and then flushed, so the
    # return reads a database as it stands in service; otherwise (data already there) it is generated inside a
    # transaction that is rolled back, where PostgreSQL cannot use its visibility map and SQLite reads the rows
    # from its write-ahead log's uncommitted pages (on 6 December, 20,000 children: about twice as slow).
    committed = _empty() and not options.keep and not connection.in_atomic_block
    for size in sizes(options):
        how = "committed, then flushed" if committed else "in a transaction"
        options.report(f"  returns: generating {size:,} children ({how})")
        if committed:
            try:
                generate(size, options.seed)
                _vacuum()
                results[str(size)] = {**measure(options.report, f"{size:,} children"), "committed": True}
            finally:
                call_command("flush", interactive=False, verbosity=0)
            continue
        try:
            with transaction.atomic():
                generate(size, options.seed)
                results[str(size)] = {**measure(options.report, f"{size:,} children"), "committed": False}
                if not options.keep:
                    raise Rollback
        except Rollback:
            pass
    return {"runs_per_timing": RUNS, "seed": options.seed, "sizes": results, "kept": options.keep}
