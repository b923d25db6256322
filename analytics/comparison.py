"""The national benchmark's yardsticks: the dashboard's episode figures and the SSDA903 selection, computed
with pandas over the data held in memory and with DuckDB over a Parquet copy of it.

pandas, pyarrow and duckdb are benchmark-only dependencies (requirements-bench.txt): this module imports
them inside its functions, and nothing outside the benchmark imports it.

Both engines compute the same figures the dashboard's episode tables show for one scope and period: episodes
and distinct children per month, the period's children and repeat children (and the previous period's),
episodes by duration band, risk grade and local weekday and hour, episodes and distinct children by each
child characteristic, and (nationally) episodes and children by council. `figures_agree` holds them to
Homeward's own numbers, so a ratio is never a comparison of different answers.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

FACT_COLUMNS = [
    "child_id",
    "council_id",
    "month",
    "duration_band",
    "risk_grade",
    "weekday",
    "hour",
    "legal_status",
    "age_band",
    "sex",
    "ethnicity_group",
    "placement_type",
    "out_of_area",
]
BREAKDOWN_COLUMNS = ["legal_status", "age_band", "sex", "ethnicity_group", "placement_type", "out_of_area"]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    previous_start: dt.date
    previous_end: dt.date


def _fetch(sql: str, columns: list[str]) -> Any:
    import pandas as pd

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def load_frames() -> dict[str, Any]:
    """Everything the comparisons read, from the database into pandas (episode facts, children's councils,
    care episodes and missing episodes' times)."""
    import pandas as pd

    facts = _fetch(f"SELECT {', '.join(FACT_COLUMNS)} FROM analytics_episodefact", FACT_COLUMNS)  # noqa: S608
    facts["month"] = pd.to_datetime(facts["month"])
    children = _fetch("SELECT id, responsible_council_id FROM children_child", ["child_id", "council_id"])
    care = _fetch("SELECT child_id, decom, dec FROM returns_careepisode", ["child_id", "decom", "dec"])
    for column in ("decom", "dec"):
        care[column] = pd.to_datetime(care[column])
    missing = _fetch(
        "SELECT child_id, last_seen_at, returned_at FROM episodes_missingepisode",
        ["child_id", "last_seen_at", "returned_at"],
    )
    for column in ("last_seen_at", "returned_at"):
        missing[column] = pd.to_datetime(missing[column], utc=True)
    return {"facts": facts, "children": children, "care": care, "missing": missing}


def write_parquet(frames: dict[str, Any], directory: Path) -> dict[str, str]:
    """A Parquet file per frame (pyarrow), for DuckDB to scan."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = {}
    for name, frame in frames.items():
        path = directory / f"{name}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
        paths[name] = str(path)
    return paths


# --- pandas --------------------------------------------------------------------------------------------


def pandas_figures(facts: Any, council_id: int | None, period: Period, threshold: int) -> dict[str, Any]:
    """The dashboard's episode figures for one council (or every council: None) with pandas."""
    import pandas as pd

    scoped = facts if council_id is None else facts[facts["council_id"] == council_id]

    def window(start: dt.date, end: dt.date) -> Any:
        return scoped[(scoped["month"] >= pd.Timestamp(start)) & (scoped["month"] <= pd.Timestamp(end))]

    now, before = window(period.start, period.end), window(period.previous_start, period.previous_end)
    result: dict[str, Any] = {}
    for name, frame in (("current", now), ("previous", before)):
        per_child = frame.groupby("child_id").size()
        result[f"{name}_episodes"] = len(frame)
        result[f"{name}_children"] = len(per_child)
        result[f"{name}_repeat_children"] = int((per_child >= threshold).sum())
    by_month = now.groupby("month").agg(episodes=("child_id", "size"), children=("child_id", "nunique"))
    result["by_month"] = {month.date(): (int(row.episodes), int(row.children)) for month, row in by_month.iterrows()}
    result["duration"] = now.groupby("duration_band").size().to_dict()
    result["risk"] = now.groupby("risk_grade").size().to_dict()
    result["hours"] = len(now.groupby(["weekday", "hour"]).size())
    for column in BREAKDOWN_COLUMNS:
        grouped = now.groupby(column).agg(episodes=("child_id", "size"), children=("child_id", "nunique"))
        result[f"by_{column}"] = len(grouped)
    if council_id is None:
        result["by_council"] = len(
            now.groupby("council_id").agg(episodes=("child_id", "size"), children=("child_id", "nunique"))
        )
    return result


def pandas_ssda903(frames: dict[str, Any], council_id: int, start: dt.date, end: dt.date) -> tuple[int, int, int]:
    """The SSDA903 return's selection with pandas: the council's children looked after in the year, their
    care episodes up to the year's end, and their missing episodes in the year. Returns the three counts."""
    import pandas as pd

    care, children, missing = frames["care"], frames["children"], frames["missing"]
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    mine = care.merge(children[children["council_id"] == council_id], on="child_id")
    overlapping = mine[(mine["decom"] <= last) & (mine["dec"].isna() | (mine["dec"] >= first))]
    ids = overlapping["child_id"].unique()
    episodes = mine[mine["child_id"].isin(ids) & (mine["decom"] <= last)]
    year_start = pd.Timestamp(start, tz="UTC")
    year_end = pd.Timestamp(end + dt.timedelta(days=1), tz="UTC")
    theirs = missing[missing["child_id"].isin(ids)]
    in_year = theirs[
        (theirs["last_seen_at"] < year_end) & (theirs["returned_at"].isna() | (theirs["returned_at"] >= year_start))
    ]
    return len(ids), len(episodes), len(in_year)


# --- DuckDB --------------------------------------------------------------------------------------------


def duckdb_figures(database: Any, facts: str, council_id: int | None, period: Period, threshold: int) -> dict[str, Any]:
    """The same figures with DuckDB, scanning the Parquet copy of the facts."""
    scope = "" if council_id is None else f"AND council_id = {int(council_id)}"

    def window(start: dt.date, end: dt.date) -> str:
        return f"read_parquet('{facts}') WHERE month BETWEEN DATE '{start}' AND DATE '{end}' {scope}"

    now = window(period.start, period.end)
    result: dict[str, Any] = {}
    for name, source in (("current", now), ("previous", window(period.previous_start, period.previous_end))):
        episodes, children, repeat = database.execute(
            f"SELECT COALESCE(SUM(n), 0), COUNT(*), COUNT(*) FILTER (WHERE n >= {int(threshold)}) "  # noqa: S608
            f"FROM (SELECT child_id, COUNT(*) AS n FROM {source} GROUP BY child_id)"
        ).fetchone()
        result[f"{name}_episodes"], result[f"{name}_children"], result[f"{name}_repeat_children"] = (
            int(episodes),
            children,
            repeat,
        )
    result["by_month"] = {
        (month.date() if isinstance(month, dt.datetime) else month): (episodes, children)
        for month, episodes, children in database.execute(
            f"SELECT month, COUNT(*), COUNT(DISTINCT child_id) FROM {now} GROUP BY month"  # noqa: S608
        ).fetchall()
    }
    result["duration"] = dict(
        database.execute(f"SELECT duration_band, COUNT(*) FROM {now} GROUP BY 1").fetchall()  # noqa: S608
    )
    result["risk"] = dict(database.execute(f"SELECT risk_grade, COUNT(*) FROM {now} GROUP BY 1").fetchall())  # noqa: S608
    result["hours"] = len(database.execute(f"SELECT weekday, hour, COUNT(*) FROM {now} GROUP BY 1, 2").fetchall())  # noqa: S608
    for column in BREAKDOWN_COLUMNS:
        result[f"by_{column}"] = len(
            database.execute(
                f"SELECT {column}, COUNT(*), COUNT(DISTINCT child_id) FROM {now} GROUP BY 1"  # noqa: S608
            ).fetchall()
        )
    if council_id is None:
        result["by_council"] = len(
            database.execute(
                f"SELECT council_id, COUNT(*), COUNT(DISTINCT child_id) FROM {now} GROUP BY 1"  # noqa: S608
            ).fetchall()
        )
    return result


def duckdb_ssda903(
    database: Any, paths: dict[str, str], council_id: int, start: dt.date, end: dt.date
) -> tuple[int, int, int]:
    """The SSDA903 selection with DuckDB over the Parquet copies (see `pandas_ssda903`)."""
    care, children, missing = paths["care"], paths["children"], paths["missing"]
    ids = (
        f"SELECT DISTINCT c.child_id FROM read_parquet('{care}') c JOIN read_parquet('{children}') k "  # noqa: S608
        f"USING (child_id) WHERE k.council_id = {int(council_id)} AND c.decom <= DATE '{end}' "
        f"AND (c.dec IS NULL OR c.dec >= DATE '{start}')"
    )
    after = end + dt.timedelta(days=1)
    (count,) = database.execute(f"SELECT COUNT(*) FROM ({ids})").fetchone()  # noqa: S608
    (episodes,) = database.execute(
        f"SELECT COUNT(*) FROM read_parquet('{care}') WHERE child_id IN ({ids}) AND decom <= DATE '{end}'"  # noqa: S608
    ).fetchone()
    (in_year,) = database.execute(
        f"SELECT COUNT(*) FROM read_parquet('{missing}') WHERE child_id IN ({ids}) "  # noqa: S608
        f"AND last_seen_at < TIMESTAMPTZ '{after} 00:00:00+00' "
        f"AND (returned_at IS NULL OR returned_at >= TIMESTAMPTZ '{start} 00:00:00+00')"
    ).fetchone()
    return count, episodes, in_year


def figures_agree(homeward: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether another engine's headline and month-by-month figures equal Homeward's."""
    months = {month: pair for month, pair in other["by_month"].items() if pair != (0, 0)}
    wanted = {row["month"]: (row["episodes"], row["children"]) for row in homeward["by_month"] if row["episodes"]}
    return (
        months == wanted
        and other["current_episodes"] == homeward["episodes"]
        and other["current_children"] == homeward["children"]
        and other["current_repeat_children"] == homeward["repeat_children"]
    )
