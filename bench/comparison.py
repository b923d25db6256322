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

from django.conf import settings
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
CHILD_COLUMNS = [
    "child_id",
    "council_id",
    "la_child_id",
    "sex",
    "date_of_birth",
    "ethnicity",
    "upn",
    "mother",
    "mother_child_dob",
]
CARE_COLUMNS = [
    "id",
    "child_id",
    "decom",
    "rne",
    "legal_status",
    "cin",
    "place",
    "place_provider",
    "dec",
    "rec",
    "reason_place_change",
    "home_post",
    "pl_post",
    "urn",
]
# The SSDA903 tables' columns, as `returns.ssda903.build_return` writes them.
HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
MISSING = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
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
    children = _fetch(
        "SELECT id, responsible_council_id, la_child_id, sex, date_of_birth, ethnicity, upn, mother, "
        "mother_child_dob FROM children_child",
        CHILD_COLUMNS,
    )
    care = _fetch(f"SELECT {', '.join(CARE_COLUMNS)} FROM returns_careepisode", CARE_COLUMNS)  # noqa: S608
    for frame, columns in ((children, ("date_of_birth", "mother_child_dob")), (care, ("decom", "dec"))):
        for column in columns:
            frame[column] = pd.to_datetime(frame[column])
    missing = _fetch(
        "SELECT id, child_id, episode_type, last_seen_at, returned_at FROM episodes_missingepisode",
        ["id", "child_id", "episode_type", "last_seen_at", "returned_at"],
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


def pandas_ssda903(frames: dict[str, Any], council_id: int, year: Any) -> dict[str, list[dict[str, str]]]:
    """The SSDA903 return for one council and collection year (`returns.ssda903.CollectionYear`) with pandas:
    the same three tables `build_return` writes (the same rows in the same order, the same columns, dates
    in London time), from the children, care episodes and missing episodes held in memory."""
    import pandas as pd

    from returns.ssda903 import DATE_FORMAT, MOTHER_MIN_AGE

    children, care, missing = frames["children"], frames["care"], frames["missing"]
    start, end = pd.Timestamp(year.start), pd.Timestamp(year.end)
    theirs = care[care["child_id"].isin(children.loc[children["council_id"] == council_id, "child_id"])]
    looked_after = theirs[(theirs["decom"] <= end) & (theirs["dec"].isna() | (theirs["dec"] >= start))]
    kids = children[children["child_id"].isin(looked_after["child_id"].unique())]
    kids = kids.sort_values(["la_child_id", "child_id"]).reset_index(drop=True)
    kids["order"] = kids.index
    spans = theirs[theirs["child_id"].isin(kids["child_id"]) & (theirs["decom"] <= end)].copy()
    spans["ended"] = spans["dec"].notna() & (spans["dec"] <= end)

    def day(column: Any) -> Any:
        return column.dt.strftime(DATE_FORMAT).fillna("")

    # MOTHER and MC_DOB: a girl who was 12 or more on her last day looked after in the year.
    last_day = spans.assign(until=spans["dec"].where(spans["ended"], end)).groupby("child_id")["until"].max()
    kids["last_day"] = kids["child_id"].map(last_day)
    born, last = kids["date_of_birth"], kids["last_day"]
    before_birthday = (last.dt.month < born.dt.month) | ((last.dt.month == born.dt.month) & (last.dt.day < born.dt.day))
    age = last.dt.year - born.dt.year - before_birthday.astype(int)
    asked = (kids["sex"] == "F") & (age >= MOTHER_MIN_AGE) & kids["mother"].notna()
    is_mother = asked & (kids["mother"] == True)  # noqa: E712 (a nullable column)
    kids["DOB"] = day(kids["date_of_birth"])
    header = pd.DataFrame(
        {
            "CHILD": kids["la_child_id"],
            "SEX": kids["sex"].str.upper(),
            "DOB": kids["DOB"],
            "ETHNIC": kids["ethnicity"].str.upper(),
            "UPN": kids["upn"].str.upper(),
            "MOTHER": is_mother.map({True: "1", False: "0"}).where(asked, ""),
            "MC_DOB": day(kids["mother_child_dob"]).where(is_mother, ""),
        }
    )
    rows = spans[~(spans["ended"] & (spans["dec"] < start))].merge(kids[["child_id", "la_child_id", "order"]])
    rows = rows.sort_values(["order", "decom", "id"])
    ended = rows["ended"]
    episodes = pd.DataFrame(
        {
            "CHILD": rows["la_child_id"],
            "DECOM": day(rows["decom"]),
            "RNE": rows["rne"].str.upper(),
            "LS": rows["legal_status"].str.upper(),
            "CIN": rows["cin"].str.upper(),
            "PLACE": rows["place"].str.upper(),
            "PLACE_PROVIDER": rows["place_provider"].str.upper(),
            "DEC": day(rows["dec"]).where(ended, ""),
            "REC": rows["rec"].str.upper().where(ended, ""),
            "REASON_PLACE_CHANGE": rows["reason_place_change"].str.upper().where(ended, ""),
            "HOME_POST": rows["home_post"].str.upper(),
            "PL_POST": rows["pl_post"].str.upper(),
            "URN": rows["urn"].str.upper(),
        }
    )
    zone = settings.TIME_ZONE
    starts_at, ends_before = pd.Timestamp(year.starts_at), pd.Timestamp(year.ends_before)
    periods = missing[missing["child_id"].isin(kids["child_id"])]
    periods = periods[
        (periods["last_seen_at"] < ends_before)
        & (periods["returned_at"].isna() | (periods["returned_at"] >= starts_at))
    ]
    periods = periods.merge(kids[["child_id", "la_child_id", "DOB", "order"]]).sort_values(
        ["order", "last_seen_at", "id"]
    )
    returned = periods["returned_at"]
    missing_rows = pd.DataFrame(
        {
            "CHILD": periods["la_child_id"],
            "DOB": periods["DOB"],
            "MISSING": periods["episode_type"].str.upper(),
            "MIS_START": periods["last_seen_at"].dt.tz_convert(zone).dt.strftime(DATE_FORMAT),
            "MIS_END": returned.dt.tz_convert(zone).dt.strftime(DATE_FORMAT).where(returned < ends_before, ""),
        }
    )
    return {
        name: frame[columns].to_dict("records")
        for name, frame, columns in (
            ("Header", header, HEADER),
            ("Episodes", episodes, EPISODES),
            ("Missing", missing_rows, MISSING),
        )
    }


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


def duckdb_ssda903(database: Any, paths: dict[str, str], council_id: int, year: Any) -> dict[str, list[dict[str, str]]]:
    """The SSDA903 return with DuckDB over the Parquet copies: the same three tables (see `pandas_ssda903`)."""
    from returns.ssda903 import DATE_FORMAT, MOTHER_MIN_AGE

    care, children, missing = (f"read_parquet('{paths[name]}')" for name in ("care", "children", "missing"))
    start, end, zone = f"DATE '{year.start}'", f"DATE '{year.end}'", settings.TIME_ZONE
    starts_at, ends_before = (
        f"TIMESTAMPTZ '{year.starts_at.isoformat()}'",
        f"TIMESTAMPTZ '{year.ends_before.isoformat()}'",
    )

    def day(column: str) -> str:
        return f"COALESCE(strftime({column}, '{DATE_FORMAT}'), '')"

    kids = (
        f"SELECT k.*, ROW_NUMBER() OVER (ORDER BY la_child_id, child_id) AS ord FROM {children} k "  # noqa: S608
        f"WHERE council_id = {int(council_id)} AND EXISTS (SELECT 1 FROM {care} c WHERE c.child_id = k.child_id "
        f"AND c.decom <= {end} AND (c.dec IS NULL OR c.dec >= {start}))"
    )
    spans = (
        f"SELECT c.*, (c.dec IS NOT NULL AND c.dec <= {end}) AS ended FROM {care} c "  # noqa: S608
        f"WHERE c.decom <= {end} AND c.child_id IN (SELECT child_id FROM kids)"
    )
    age = (
        "(year(l.last_day) - year(k.date_of_birth) - CASE WHEN month(l.last_day) < month(k.date_of_birth) OR "
        "(month(l.last_day) = month(k.date_of_birth) AND day(l.last_day) < day(k.date_of_birth)) THEN 1 ELSE 0 END)"
    )
    asked = f"(k.sex = 'F' AND {age} >= {MOTHER_MIN_AGE} AND k.mother IS NOT NULL)"
    queries = {
        "Header": (
            "SELECT k.la_child_id, upper(k.sex), "  # noqa: S608 (names and dates only; no user input)
            f"{day('k.date_of_birth')}, upper(k.ethnicity), upper(k.upn), "
            f"CASE WHEN {asked} THEN (CASE WHEN k.mother THEN '1' ELSE '0' END) ELSE '' END, "
            f"CASE WHEN {asked} AND k.mother THEN {day('k.mother_child_dob')} ELSE '' END "
            "FROM kids k JOIN (SELECT child_id, max(CASE WHEN ended THEN dec ELSE "
            f"{end} END) AS last_day FROM spans GROUP BY child_id) l USING (child_id) ORDER BY k.ord"
        ),
        "Episodes": (
            f"SELECT k.la_child_id, {day('s.decom')}, upper(s.rne), upper(s.legal_status), upper(s.cin), "  # noqa: S608
            f"upper(s.place), upper(s.place_provider), CASE WHEN s.ended THEN {day('s.dec')} ELSE '' END, "
            "CASE WHEN s.ended THEN upper(s.rec) ELSE '' END, "
            "CASE WHEN s.ended THEN upper(s.reason_place_change) ELSE '' END, "
            "upper(s.home_post), upper(s.pl_post), upper(s.urn) "
            f"FROM spans s JOIN kids k USING (child_id) WHERE NOT (s.ended AND s.dec < {start}) "
            "ORDER BY k.ord, s.decom, s.id"
        ),
        "Missing": (
            f"SELECT k.la_child_id, {day('k.date_of_birth')}, upper(m.episode_type), "  # noqa: S608
            f"strftime(timezone('{zone}', m.last_seen_at), '{DATE_FORMAT}'), "
            f"CASE WHEN m.returned_at < {ends_before} THEN strftime(timezone('{zone}', m.returned_at), "
            f"'{DATE_FORMAT}') ELSE '' END "
            f"FROM {missing} m JOIN kids k USING (child_id) WHERE m.last_seen_at < {ends_before} "
            f"AND (m.returned_at IS NULL OR m.returned_at >= {starts_at}) ORDER BY k.ord, m.last_seen_at, m.id"
        ),
    }
    result = {}
    for name, columns in (("Header", HEADER), ("Episodes", EPISODES), ("Missing", MISSING)):
        sql = f"WITH kids AS ({kids}), spans AS ({spans}) {queries[name]}"
        result[name] = [dict(zip(columns, row, strict=True)) for row in database.execute(sql).fetchall()]
    return result


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
