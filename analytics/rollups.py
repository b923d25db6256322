"""Keeping the roll-ups in step with the case records, rebuilding them, and checking them against a recount.

The one rule: every roll-up row is a sum over *facts*, and a fact is a pure function of one child's case
records (`compute_facts`). So

- `refresh_child(child_id)`, subscribed to `children.changes.child_changed` (which every action that changes
  what is known about a child fires inside its own transaction), recomputes that child's facts, subtracts the
  old facts' contributions from the summary tables and adds the new ones (an additive upsert per key), and
  replaces the facts;
- `rebuild()` empties everything and adds every child's facts (used after bulk loads such as the synthetic
  generator, which writes without actions);
- `differences()` recomputes every fact from the case records and compares facts and summaries with what
  is stored: `manage.py check_rollups` reports any difference and fails.

Concurrency (PostgreSQL): a refresh takes a shared advisory lock and an advisory lock per child, so two
transactions refreshing one child apply their deltas one after the other, and a rebuild (which takes the
shared lock exclusively) never interleaves with a refresh. Advisory locks rather than a row lock on the
child: other actions lock the child's row and then the audit chain, while a refresh runs after the action's
audit event (holding the chain), so a row lock here could deadlock with them. Upserts touch keys in sorted
order, so two refreshes of different children that share a key cannot deadlock. SQLite serialises writers.
"""

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.db.models import Q

from analytics.dimensions import (
    age_band,
    duration_band,
    ethnicity_group,
    highest_grade,
    local,
    month_start,
    normalise_place,
    place_as_written,
    postcode_district,
)
from analytics.models import (
    DIMENSION_FIELDS,
    ROLLUP_MODELS,
    ChildMonthRollup,
    EpisodeFact,
    EpisodeHourRollup,
    EpisodeMonthlyRollup,
    FactorMonthlyRollup,
    InterviewFact,
    InterviewMonthlyRollup,
    NationalChildMonth,
    NationalFactorRollup,
    NationalHourRollup,
    NationalInterviewRollup,
    NationalMonthRollup,
    SummaryTable,
)
from children.models import Child
from episodes.models import MissingEpisode
from interviews.codes import Outcome
from interviews.models import InterviewFactor, ReturnInterview

_LOCK_KEY = 0x526F6C6C  # "Roll": shared by refreshes, exclusive for a rebuild
_CHILD_LOCK_BASE = _LOCK_KEY << 32  # plus the child's id: one advisory lock per child
CHUNK = 1000  # children per batch in a rebuild or a recount
UPSERT_BATCH = 500
DELETE_BATCH = 100


class EpisodeFactRow(NamedTuple):
    episode_id: int
    child_id: int
    force_id: int
    council_id: int
    placement_council_id: int
    out_of_area: bool
    legal_status: str
    age_band: str
    sex: str
    ethnicity_group: str
    placement_type: str
    risk_grade: str
    month: dt.date
    weekday: int
    hour: int
    duration_band: str
    last_seen_place: str
    last_seen_as_written: str
    last_seen_district: str
    found_place: str
    found_as_written: str
    found_district: str


class InterviewFactRow(NamedTuple):
    interview_id: int
    child_id: int
    council_id: int
    placement_council_id: int
    out_of_area: bool
    legal_status: str
    age_band: str
    sex: str
    ethnicity_group: str
    placement_type: str
    risk_grade: str
    month: dt.date
    offered: bool
    offered_in_time: bool
    outcome: str
    completed: bool
    completed_month: dt.date | None
    factors: tuple[tuple[str, str], ...]


@dataclass
class Facts:
    episodes: dict[int, EpisodeFactRow] = field(default_factory=dict)
    interviews: dict[int, InterviewFactRow] = field(default_factory=dict)


# --- Facts from the case records ------------------------------------------------------------------------

CHILD_FIELDS = [
    "pk",
    "date_of_birth",
    "sex",
    "ethnicity",
    "legal_status",
    "responsible_council_id",
    "placement_council_id",
    "living_arrangement",
]
EPISODE_FIELDS = [
    "pk",
    "child_id",
    "police_force_id",
    "last_seen_at",
    "returned_at",
    "risk_grade",
    "last_seen_place",
    "found_place",
]
INTERVIEW_FIELDS = ["pk", "child_id", "due_by", "offered_at", "outcome", "completed_at"]


def _child_dimensions(child: dict[str, Any]) -> dict[str, Any]:
    return {
        "council_id": child["responsible_council_id"],
        "placement_council_id": child["placement_council_id"],
        "out_of_area": child["placement_council_id"] != child["responsible_council_id"],
        "legal_status": child["legal_status"],
        "sex": child["sex"],
        "ethnicity_group": ethnicity_group(child["ethnicity"]),
        "placement_type": child["living_arrangement"],
    }


def compute_facts(child_ids: Sequence[int]) -> Facts:
    """Every fact about these children, from their case records (a fixed number of queries)."""
    if not child_ids:
        return Facts()
    children = {row["pk"]: row for row in Child.objects.filter(pk__in=child_ids).values(*CHILD_FIELDS)}
    episodes = {
        row["pk"]: row
        for row in MissingEpisode.objects.filter(child_id__in=child_ids).order_by().values(*EPISODE_FIELDS)
    }
    interviews = list(ReturnInterview.objects.filter(child_id__in=child_ids).order_by().values(*INTERVIEW_FIELDS))
    covered: dict[int, list[int]] = defaultdict(list)
    factors: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if interviews:
        through = ReturnInterview.episodes.through
        for interview_id, episode_id in through.objects.filter(returninterview__child_id__in=child_ids).values_list(
            "returninterview_id", "missingepisode_id"
        ):
            covered[interview_id].append(episode_id)
        for interview_id, kind, code in InterviewFactor.objects.filter(interview__child_id__in=child_ids).values_list(
            "interview_id", "kind", "code"
        ):
            factors[interview_id].append((kind, code))
    return facts_from_records(children, episodes, interviews, covered, factors)


def facts_from_records(
    children: dict[int, dict[str, Any]],
    episodes: dict[int, dict[str, Any]],
    interviews: Iterable[dict[str, Any]],
    covered: dict[int, list[int]],
    factors: dict[int, list[tuple[str, str]]],
) -> Facts:
    """The one definition of every fact column, from case records held as dicts (`CHILD_FIELDS`,
    `EPISODE_FIELDS`, `INTERVIEW_FIELDS`; the episodes each interview covers; its factors). The refresh and
    the check read them from the database (`compute_facts`); a bulk loader passes what it has just written."""
    facts = Facts()
    for episode in episodes.values():
        child = children[episode["child_id"]]
        seen = local(episode["last_seen_at"])
        facts.episodes[episode["pk"]] = EpisodeFactRow(
            episode_id=episode["pk"],
            child_id=episode["child_id"],
            force_id=episode["police_force_id"],
            **_child_dimensions(child),
            age_band=age_band(child["date_of_birth"], seen.date()),
            risk_grade=episode["risk_grade"],
            month=month_start(seen.date()),
            weekday=seen.weekday(),
            hour=seen.hour,
            duration_band=duration_band(episode["last_seen_at"], episode["returned_at"]),
            last_seen_place=normalise_place(episode["last_seen_place"]),
            last_seen_as_written=place_as_written(episode["last_seen_place"]),
            last_seen_district=postcode_district(episode["last_seen_place"]),
            found_place=normalise_place(episode["found_place"]),
            found_as_written=place_as_written(episode["found_place"]),
            found_district=postcode_district(episode["found_place"]),
        )
    for interview in interviews:
        child = children[interview["child_id"]]
        its_episodes = [episodes[pk] for pk in covered.get(interview["pk"], ()) if pk in episodes]
        began = min((e["last_seen_at"] for e in its_episodes), default=interview["due_by"])
        offered_at, completed_at = interview["offered_at"], interview["completed_at"]
        facts.interviews[interview["pk"]] = InterviewFactRow(
            interview_id=interview["pk"],
            child_id=interview["child_id"],
            **_child_dimensions(child),
            age_band=age_band(child["date_of_birth"], local(began).date()),
            risk_grade=highest_grade([e["risk_grade"] for e in its_episodes]),
            month=month_start(local(interview["due_by"]).date()),
            offered=offered_at is not None,
            offered_in_time=offered_at is not None and offered_at <= interview["due_by"],
            outcome=interview["outcome"],
            completed=completed_at is not None,
            completed_month=month_start(local(completed_at).date()) if completed_at else None,
            factors=tuple(sorted(factors.get(interview["pk"], ()))),
        )
    return facts


def stored_facts(child_ids: Sequence[int] | None = None) -> Facts:
    """The facts the tables hold now: for these children, or (None) for everyone."""
    episodes = EpisodeFact.objects.order_by()
    interviews = InterviewFact.objects.order_by()
    if child_ids is not None:
        episodes = episodes.filter(child_id__in=child_ids)
        interviews = interviews.filter(child_id__in=child_ids)
    facts = Facts()
    for values in episodes.values_list(*EpisodeFactRow._fields):
        row = EpisodeFactRow(*values)
        facts.episodes[row.episode_id] = row
    for values in interviews.values_list(*InterviewFactRow._fields):
        interview_row = InterviewFactRow(*values)
        interview_row = interview_row._replace(factors=tuple((kind, code) for kind, code in interview_row.factors))
        facts.interviews[interview_row.interview_id] = interview_row
    return facts


# --- What facts add to each summary table ---------------------------------------------------------------

Contributions = dict[type[SummaryTable], Counter]
OUTCOME_MEASURES = {
    Outcome.ACCEPTED: "accepted",
    Outcome.DECLINED: "declined",
    Outcome.NO_CONTACT: "no_contact",
    Outcome.NOT_OFFERED: "not_offered",
    "": "awaiting",
}


def _national_episode(result: Contributions, fact: EpisodeFactRow) -> None:
    """What one episode adds to the national roll-ups (everything but the distinct children)."""
    national = result[NationalMonthRollup]
    key = (fact.month, fact.council_id)
    national[(key, "episodes")] += 1
    national[(key, NationalMonthRollup.DURATION_MEASURES[fact.duration_band])] += 1
    national[(key, NationalMonthRollup.RISK_MEASURES[fact.risk_grade])] += 1
    child = (
        fact.month,
        fact.child_id,
        fact.council_id,
        fact.age_band,
        fact.legal_status,
        fact.sex,
        fact.ethnicity_group,
        fact.placement_type,
        fact.out_of_area,
    )
    result[NationalChildMonth][(child, "episodes")] += 1
    result[NationalHourRollup][((fact.month, fact.weekday, fact.hour), "episodes")] += 1


def contributions(facts: Facts) -> Contributions:
    """Each summary table's rows as a Counter of (key, measure) -> amount."""
    result: Contributions = {model: Counter() for model in ROLLUP_MODELS}
    monthly, hourly, child_month = (
        result[EpisodeMonthlyRollup],
        result[EpisodeHourRollup],
        result[ChildMonthRollup],
    )
    for fact in facts.episodes.values():
        dims = tuple(getattr(fact, name) for name in DIMENSION_FIELDS)
        monthly[((fact.month, fact.force_id, *dims, fact.duration_band), "episodes")] += 1
        hourly[((fact.month, fact.force_id, *dims, fact.weekday, fact.hour), "episodes")] += 1
        child_month[((fact.month, fact.force_id, *dims, fact.child_id), "episodes")] += 1
        _national_episode(result, fact)
    national = result[NationalMonthRollup]
    # Facts come a whole child at a time, so a child adds one to the children of each month they went missing.
    for month, council_id, _child in {(fact.month, fact.council_id, fact.child_id) for fact in facts.episodes.values()}:
        national[((month, council_id), "children")] += 1
    interviews, factors = result[InterviewMonthlyRollup], result[FactorMonthlyRollup]
    national_interviews, national_factors = result[NationalInterviewRollup], result[NationalFactorRollup]
    for interview in facts.interviews.values():
        dims = tuple(getattr(interview, name) for name in DIMENSION_FIELDS)
        key, national_key = (interview.month, *dims), (interview.month, interview.council_id)
        for measure, counts in (
            ("interviews", True),
            ("offered", interview.offered),
            ("offered_in_time", interview.offered_in_time),
            ("completed", interview.completed),
            (OUTCOME_MEASURES.get(interview.outcome, "awaiting"), True),
        ):
            if counts:
                interviews[(key, measure)] += 1
                national_interviews[(national_key, measure)] += 1
        if interview.completed_month is not None:
            for kind, code in interview.factors:
                factors[((interview.completed_month, *dims, kind, code), "interviews")] += 1
                national_factors[((interview.completed_month, kind, code), "interviews")] += 1
    return result


def summary_rows(model: type[SummaryTable], counter: Counter) -> dict[tuple, dict[str, int]]:
    """A Counter of (key, measure) as {key: {measure: amount}}, every measure present, zero rows dropped."""
    rows: dict[tuple, dict[str, int]] = {}
    for (key, measure), amount in counter.items():
        rows.setdefault(key, dict.fromkeys(model.MEASURES, 0))[measure] += amount
    return {key: row for key, row in rows.items() if any(row.values())}


# --- Writing deltas -------------------------------------------------------------------------------------


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None  # a column of the table
    return connection.ops.quote_name(field.column)


def _upsert(model: type[SummaryTable], rows: list[tuple[tuple, dict[str, int]]]) -> None:
    """Add each row's measures to the stored row with the same key, creating it when there is none."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    keys = [_column(model, name) for name in model.KEY]
    measures = [_column(model, name) for name in model.MEASURES]
    width = len(keys) + len(measures)
    updates = ", ".join(f"{m} = {table}.{m} + EXCLUDED.{m}" for m in measures)
    for start in range(0, len(rows), UPSERT_BATCH):
        batch = rows[start : start + UPSERT_BATCH]
        placeholders = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(batch))
        params: list[Any] = []
        for key, values in batch:
            params.extend(key)
            params.extend(values[name] for name in model.MEASURES)
        # Table and column names come from the model's meta; every value is a parameter.
        insert = f"INSERT INTO {table} ({', '.join(keys + measures)}) VALUES {placeholders} "  # noqa: S608
        sql = insert + f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _delete_empty(model: type[SummaryTable], keys: list[tuple]) -> None:
    """Drop rows that a delta brought to zero, so the tables hold exactly what a recount would."""
    first = model.MEASURES[0]
    for start in range(0, len(keys), DELETE_BATCH):
        batch = keys[start : start + DELETE_BATCH]
        matches = reduce(or_, (Q(**dict(zip(model.KEY, key, strict=True))) for key in batch))
        model._default_manager.filter(matches, **{first: 0}).delete()


def apply_delta(old: Contributions, new: Contributions) -> int:
    """Add new minus old to every summary table. Returns the number of keys changed."""
    changed = 0
    for model in ROLLUP_MODELS:
        delta = Counter(new.get(model, Counter()))
        delta.subtract(old.get(model, Counter()))
        rows: dict[tuple, dict[str, int]] = {}
        for (key, measure), amount in delta.items():
            if amount:
                rows.setdefault(key, dict.fromkeys(model.MEASURES, 0))[measure] += amount
        ordered = sorted(rows.items())
        _upsert(model, ordered)
        shrunk = [key for key, values in ordered if values[model.MEASURES[0]] < 0]
        _delete_empty(model, shrunk)
        changed += len(ordered)
    return changed


def _write_facts(old: Facts, new: Facts) -> None:
    gone = [pk for pk, row in old.episodes.items() if new.episodes.get(pk) != row]
    EpisodeFact.objects.filter(pk__in=gone).delete()
    EpisodeFact.objects.bulk_create(
        EpisodeFact(**row._asdict()) for pk, row in new.episodes.items() if old.episodes.get(pk) != row
    )
    gone = [pk for pk, row in old.interviews.items() if new.interviews.get(pk) != row]
    InterviewFact.objects.filter(pk__in=gone).delete()
    InterviewFact.objects.bulk_create(
        InterviewFact(**{**row._asdict(), "factors": [list(pair) for pair in row.factors]})
        for pk, row in new.interviews.items()
        if old.interviews.get(pk) != row
    )


def _advisory_lock(exclusive: bool, children: Sequence[int] = ()) -> None:
    """The shared (refresh) or exclusive (rebuild) lock on the roll-ups, then a lock per child, in id order."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [_LOCK_KEY])
            if len(children) == 1:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHILD_LOCK_BASE + children[0]])
            elif children:
                # One statement for many children (a bulk import's chunk), still taking the locks in id order.
                cursor.execute(
                    "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY k) AS keys",
                    [sorted(_CHILD_LOCK_BASE + pk for pk in children)],
                )


# --- The three entry points -----------------------------------------------------------------------------


def refresh_children(child_ids: Iterable[int]) -> int:
    """Bring the roll-ups in step with these children's case records. Call it inside the transaction of
    the change (the actions do); returns the number of summary keys that changed."""
    ids = sorted({int(pk) for pk in child_ids})
    if not ids:
        return 0
    with transaction.atomic():
        _advisory_lock(exclusive=False, children=ids)
        old, new = stored_facts(ids), compute_facts(ids)
        if old == new:
            return 0
        changed = apply_delta(contributions(old), contributions(new))
        _write_facts(old, new)
    return changed


def refresh_child(child_id: int) -> int:
    """The hook the episode and interview actions call, once each, inside their transaction."""
    return refresh_children([child_id])


def children_with_records() -> list[int]:
    with_episodes = set(MissingEpisode.objects.order_by().values_list("child_id", flat=True).distinct())
    with_interviews = set(ReturnInterview.objects.order_by().values_list("child_id", flat=True).distinct())
    return sorted(with_episodes | with_interviews)


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass
class RebuildReport:
    children: int = 0
    episodes: int = 0
    interviews: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: list[tuple]) -> None:
    """Write many rows fast: COPY on PostgreSQL, one prepared INSERT run many times elsewhere."""
    if not rows:
        return
    columns = ", ".join(_column(model, name) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {_table(model)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {_table(model)} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608


def _fact_rows(facts: Facts) -> tuple[list[tuple], list[tuple]]:
    """The rows to insert: an interview's factors go in as JSON."""
    episodes: list[tuple] = list(facts.episodes.values())
    interviews: list[tuple] = [
        tuple({**row._asdict(), "factors": json.dumps([list(pair) for pair in row.factors])}.values())
        for row in facts.interviews.values()
    ]
    return episodes, interviews


def _summaries_from_facts() -> None:
    """Fill every summary table from the fact tables in one grouped INSERT … SELECT each (the same sums
    `contributions` makes in Python for a refresh; the tests hold the two to the same rows)."""
    episode_fact, interview_fact = _table(EpisodeFact), _table(InterviewFact)
    model: type[SummaryTable]
    for model in (EpisodeMonthlyRollup, EpisodeHourRollup, ChildMonthRollup, NationalChildMonth, NationalHourRollup):
        keys = ", ".join(_column(model, name) for name in model.KEY)
        insert = f"INSERT INTO {_table(model)} ({keys}, episodes) "
        with connection.cursor() as cursor:
            cursor.execute(insert + f"SELECT {keys}, COUNT(*) FROM {episode_fact} GROUP BY {keys}")  # noqa: S608
    _national_from_facts()
    outcomes = ", ".join(f"'{value}'" for value in OUTCOME_MEASURES if value)
    expressions = {
        "interviews": "COUNT(*)",
        "offered": "SUM(CASE WHEN offered THEN 1 ELSE 0 END)",
        "offered_in_time": "SUM(CASE WHEN offered_in_time THEN 1 ELSE 0 END)",
        "completed": "SUM(CASE WHEN completed THEN 1 ELSE 0 END)",
        **{
            measure: f"SUM(CASE WHEN outcome = '{value}' THEN 1 ELSE 0 END)"
            for value, measure in OUTCOME_MEASURES.items()
            if value
        },
        "awaiting": f"SUM(CASE WHEN outcome IN ({outcomes}) THEN 0 ELSE 1 END)",
    }
    for model in (InterviewMonthlyRollup, NationalInterviewRollup):
        keys = ", ".join(_column(model, name) for name in model.KEY)
        measures = model.MEASURES
        sums = [expressions[measure] for measure in measures]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(model)} ({keys}, {', '.join(measures)}) "  # noqa: S608
                f"SELECT {keys}, {', '.join(sums)} FROM {interview_fact} GROUP BY {keys}"
            )
    if connection.vendor == "postgresql":
        source = f"{interview_fact} CROSS JOIN LATERAL jsonb_array_elements(factors) AS pair"
        kind, code = "pair->>0", "pair->>1"
    else:
        source = f"{interview_fact}, json_each({interview_fact}.factors) AS pair"
        kind, code = "json_extract(pair.value, '$[0]')", "json_extract(pair.value, '$[1]')"
    for model, dimensions in (
        (FactorMonthlyRollup, [_column(FactorMonthlyRollup, name) for name in DIMENSION_FIELDS]),
        (NationalFactorRollup, []),
    ):
        dims = "".join(f"{column}, " for column in dimensions)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(model)} (month, {dims}kind, code, interviews) "  # noqa: S608
                f"SELECT completed_month, {dims}{kind}, {code}, COUNT(*) FROM {source} "
                f"WHERE completed_month IS NOT NULL GROUP BY completed_month, {dims}{kind}, {code}"
            )


def _national_from_facts() -> None:
    """Fill the national month roll-up from the episode facts: one grouped INSERT … SELECT."""
    model = NationalMonthRollup
    sums = {"episodes": "COUNT(*)", "children": "COUNT(DISTINCT child_id)"}
    for column, measure in [
        *(("duration_band", pair) for pair in model.DURATION_MEASURES.items()),
        *(("risk_grade", pair) for pair in model.RISK_MEASURES.items()),
    ]:
        value, name = measure
        sums[name] = f"SUM(CASE WHEN {column} = '{value}' THEN 1 ELSE 0 END)"
    measures = model.MEASURES
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(model)} (month, council_id, {', '.join(measures)}) "  # noqa: S608
            f"SELECT month, council_id, {', '.join(sums[m] for m in measures)} FROM {_table(EpisodeFact)} "
            "GROUP BY month, council_id"
        )


def insert_facts(facts: Facts) -> tuple[int, int]:
    """Append facts for records that have none yet (a rebuild, or a bulk loader's new children) in bulk;
    the summaries are then grouped from the fact tables (`rebuild_summaries`). Returns the rows written."""
    episodes, interviews = _fact_rows(facts)
    insert_rows(EpisodeFact, EpisodeFactRow._fields, episodes)
    insert_rows(InterviewFact, InterviewFactRow._fields, interviews)
    return len(episodes), len(interviews)


def _empty(models_: Sequence[type[models.Model]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(_table(model) for model in models_)}")
        else:
            for model in models_:
                cursor.execute(f"DELETE FROM {_table(model)}")  # noqa: S608


def rebuild_summaries() -> dict[str, int]:
    """Empty every summary table and group it again from the fact tables, which must be complete (a
    rebuild, or a bulk loader that wrote the facts of everything it loaded). Returns each table's rows."""
    with transaction.atomic():
        _advisory_lock(exclusive=True)
        _empty(ROLLUP_MODELS)
        _summaries_from_facts()
        return {str(model._meta.model_name): model._default_manager.count() for model in ROLLUP_MODELS}


def rebuild(progress: Callable[[int, int], None] | None = None) -> RebuildReport:
    """Empty the facts and summaries and recount every child: after a bulk load, or to repair.

    Facts are computed child by child (a chunk at a time) and written in bulk; the summaries are then
    grouped from the facts by the database, which is far faster than adding deltas row by row.
    """
    report = RebuildReport()
    with transaction.atomic():
        _advisory_lock(exclusive=True)
        _empty([EpisodeFact, InterviewFact])
        ids = children_with_records()
        for done, chunk in enumerate(_chunks(ids), start=1):
            episodes, interviews = insert_facts(compute_facts(chunk))
            report.episodes += episodes
            report.interviews += interviews
            if progress:
                progress(min(done * CHUNK, len(ids)), len(ids))
        report.rows = rebuild_summaries()
        report.children = len(ids)
    return report


# --- The check ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    table: str
    key: dict[str, Any]
    stored: Any
    recounted: Any

    def __str__(self) -> str:
        key = ", ".join(f"{name}={value}" for name, value in self.key.items())
        return f"{self.table} [{key}]: stored {self.stored}, recount {self.recounted}"


def _stored_summary(model: type[SummaryTable]) -> dict[tuple, dict[str, int]]:
    return {
        tuple(values[: len(model.KEY)]): dict(zip(model.MEASURES, values[len(model.KEY) :], strict=True))
        for values in model._default_manager.order_by().values_list(*model.KEY, *model.MEASURES)
    }


def _compare_facts(
    table: str, key_name: str, stored: Mapping[int, tuple], expected: Mapping[int, tuple]
) -> Iterator[Difference]:
    for pk in sorted(stored.keys() | expected.keys()):
        if stored.get(pk) != expected.get(pk):
            yield Difference(table, {key_name: pk}, stored.get(pk), expected.get(pk))


def differences() -> list[Difference]:
    """Every way the stored facts and summaries differ from a full recount of the case records."""
    found: list[Difference] = []
    expected: Contributions = {model: Counter() for model in ROLLUP_MODELS}
    seen_episodes: set[int] = set()
    seen_interviews: set[int] = set()
    for chunk in _chunks(children_with_records()):
        recount, stored = compute_facts(chunk), stored_facts(chunk)
        found += _compare_facts("episode fact", "episode", stored.episodes, recount.episodes)
        found += _compare_facts("interview fact", "interview", stored.interviews, recount.interviews)
        seen_episodes |= recount.episodes.keys() | stored.episodes.keys()
        seen_interviews |= recount.interviews.keys() | stored.interviews.keys()
        for model, counter in contributions(recount).items():
            expected[model].update(counter)
    for pk in EpisodeFact.objects.values_list("pk", flat=True).iterator():
        if pk not in seen_episodes:
            found.append(Difference("episode fact", {"episode": pk}, "a fact", "no such episode"))
    for pk in InterviewFact.objects.values_list("pk", flat=True).iterator():
        if pk not in seen_interviews:
            found.append(Difference("interview fact", {"interview": pk}, "a fact", "no such interview"))
    for model in ROLLUP_MODELS:
        stored_rows, recounted = _stored_summary(model), summary_rows(model, expected[model])
        for key in sorted(stored_rows.keys() | recounted.keys(), key=repr):
            if stored_rows.get(key) != recounted.get(key):
                found.append(
                    Difference(
                        str(model._meta.verbose_name),
                        dict(zip(model.KEY, key, strict=True)),
                        stored_rows.get(key),
                        recounted.get(key),
                    )
                )
    return found
