"""The national-scale synthetic data set: about 175 invented councils of England and Wales and their ~43
police forces, ten years of missing episodes, written with PostgreSQL COPY.

Every child's history is drawn by the same `synthetic.generator.Generator` as the regional set (the same
proportions, heavy tails and rules), only over a longer history and a national set of invented agencies;
what differs is how rows reach the database. On PostgreSQL each chunk's primary keys are taken from the
tables' own sequences (`nextval` over a series, so a concurrent writer is never given the same key) and the
rows go in with `COPY … FROM STDIN`; elsewhere (SQLite, for tests and small sizes) the generator's own
`bulk_create` writer is used. Each chunk's facts are computed from the rows in memory by the roll-ups' own
`facts_from_records` (no second definition, no reading back) and written in bulk; at the end every summary
table is grouped from the facts in SQL (`analytics.rollups.rebuild_summaries`). Optional free text that no
figure reads is left empty (`OPTIONAL_FREE_TEXT`), so the load is not spent encrypting it (but for the few
episodes and interviews of the planted exploitation clusters).

Names and codes: council codes 001-175 and force codes 01-43 with an "N" (no real DfE LA code is below
201 and no Home Office force code has a letter); towns are invented from word parts; postcode areas start
with J (no real postcode area but Jersey's JE, which is never used). No person is named by any of it.
"""

import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import cast

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import ForeignKey
from django.utils import timezone

from access.audit import record_event
from access.models import AuditEvent, Region
from analytics.rollups import (
    CHILD_FIELDS,
    EPISODE_FIELDS,
    INTERVIEW_FIELDS,
    Facts,
    facts_from_records,
    insert_facts,
    insert_rows,
    rebuild_summaries,
    refresh_children,
)
from children.models import Child
from core.encryption import EncryptedTextField
from episodes.models import MissingEpisode, RiskGradeChange
from interviews.models import InterviewFactor, ReturnInterview
from returns.models import CareEpisode
from synthetic.generator import (
    OPEN_EPISODE_SHARE,
    ROW_LABELS,
    ChildPlan,
    GenerationReport,
    Generator,
    _backdate,
    _write_chunk,
    ensure_world,
)
from synthetic.names import CouncilSpec, ForceSpec
from synthetic.network import NetworkPlanter

NATIONAL_COUNCILS = 175
NATIONAL_FORCES = 43
NATIONAL_YEARS = 10
CHILDREN_PER_CHUNK = 5000

_STARTS = (
    "Ash", "Brack", "Cald", "Dun", "Elm", "Fen", "Gar", "Hal", "Ings", "Kel", "Lang", "Marl", "Nor", "Oak",
    "Pen", "Rother", "Sal", "Thorn", "Ull", "Wen", "Yar", "Bram", "Cor", "Dray", "Eld", "Fal", "Glen",
    "Hart", "Lyn", "Mel",
)  # fmt: skip
_ENDS = (
    "ford", "ham", "ley", "mouth", "bury", "wick", "thorpe", "by", "combe", "field", "stow", "worth",
    "den", "holme", "minster", "stead", "well", "bridge", "caster", "dale", "hurst", "moor", "port",
    "ton", "wood",
)  # fmt: skip
_COUNCIL_KINDS = (
    "{place} City Council",
    "{place} County Council",
    "{place} Borough Council",
    "{place} Metropolitan Borough Council",
    "{place} Council",
)
_WELSH_SHARE = 22 / 175  # Wales has 22 unitary authorities, most of them county boroughs or counties
_POSTCODE_AREAS = tuple(f"J{letter}" for letter in "ABDFGHLMNPRSTUWY")  # J + a letter, never JE (Jersey)


def national_specs(
    councils: int = NATIONAL_COUNCILS, forces: int = NATIONAL_FORCES
) -> tuple[tuple[CouncilSpec, ...], tuple[ForceSpec, ...]]:
    """Invented councils and forces in England and Wales's numbers, the same every time.

    Council sizes are heavy-tailed (a few big counties and cities, many small boroughs), so the busiest
    council holds a few per cent of the children, as the biggest do in England.
    """
    rng = random.Random("national-agencies")
    places = [start + end for start in _STARTS for end in _ENDS]
    rng.shuffle(places)
    force_specs = []
    for number in range(1, forces + 1):
        place = places.pop()
        name = rng.choice(("{p} Police", "{p} Constabulary", "{p} and {q} Police")).format(p=place, q=places.pop())
        region = Region.values[(number - 1) * len(Region.values) // forces]  # about four forces a region
        force_specs.append(ForceSpec(f"N{number:02d}", name, f"X{number:02d}", region))
    council_specs = []
    for number in range(1, councils + 1):
        place = places.pop()
        welsh = number > councils * (1 - _WELSH_SHARE)
        kind = "{place} County Borough Council" if welsh else rng.choice(_COUNCIL_KINDS)
        towns = (place, *(places.pop() for _ in range(rng.randint(1, 3))))
        council_specs.append(
            CouncilSpec(
                code=f"{number:03d}",
                name=kind.format(place=place),
                short=place,
                force_code=force_specs[(number - 1) * forces // councils].code,
                child_id_prefix=f"N{number:03d}",
                postcode_area=_POSTCODE_AREAS[number % len(_POSTCODE_AREAS)],
                weight=max(1, round(40 * rng.paretovariate(1.6) / 2)),
                towns=towns,
            )
        )
    return tuple(council_specs), tuple(force_specs)


# --- Writing with COPY ---------------------------------------------------------------------------------


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's own sequence (safe alongside other writers)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return [row[0] for row in cursor.fetchall()]


# Field types whose Python value psycopg's COPY takes as it is (Django's preparation leaves it unchanged on
# PostgreSQL); any other field (encrypted text, JSON…) is prepared by the field itself.
_AS_IS = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.ForeignKey,
    models.IntegerField,
)
_PLAIN_TEXT = models.TextField


def _prepared(field: models.Field) -> bool:
    if isinstance(field, EncryptedTextField):
        return True
    return not (isinstance(field, _AS_IS) or type(field) is _PLAIN_TEXT)


def _copy(model: type[models.Model], objects: Sequence[models.Model], overrides: Callable | None = None) -> None:
    """Give the objects primary keys and COPY them in. Encrypted (and any other specially prepared) fields
    are prepared by the field as `bulk_create` would; `overrides(obj)` sets columns an auto_now field
    would stamp, and other auto_now fields get the moment of the load."""
    if not objects:
        return
    fields = list(model._meta.concrete_fields)
    relations = [field for field in fields if field.is_relation]
    for obj, pk in zip(objects, _reserve_ids(model, len(objects)), strict=True):
        obj.pk = pk
        for field in relations:  # a parent written earlier in the chunk: take its new key
            if getattr(obj, field.attname) is None and cast(ForeignKey, field).is_cached(obj):
                parent = cast(ForeignKey, field).get_cached_value(obj)
                if parent is not None:
                    setattr(obj, field.attname, parent.pk)
    stamped_now = timezone.now()
    automatic = {
        field.attname for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    plan = [(field.attname, _prepared(field), field.attname in automatic, field) for field in fields]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            stamped = overrides(obj) if overrides else {}
            values = obj.__dict__
            row = []
            for attname, prepared, is_automatic, field in plan:
                if attname in stamped:
                    value = stamped[attname]
                elif is_automatic:
                    value = stamped_now
                else:
                    value = values[attname]
                row.append(field.get_db_prep_save(value, connection) if prepared else value)
            copy.write_row(row)


# Free text the analytics never read and no rule requires: left empty in the national set (it is only
# ever decrypted on a child's own pages), which saves encrypting some twenty million values. Text a rule
# requires (why an interview was not offered, what a disclosure was) is kept and encrypted.
OPTIONAL_FREE_TEXT = {
    MissingEpisode: ("circumstances", "found_with", "harm_on_return"),
    ReturnInterview: ("where_stayed", "who_with", "harm_suffered", "childs_wishes", "actions_agreed", "narrative"),
}


def _without_optional_text(plans: list[ChildPlan]) -> None:
    for plan in plans:
        for objects, model in ((plan.episodes, MissingEpisode), ((i for i, _, _ in plan.interviews), ReturnInterview)):
            for obj in objects:
                for name in OPTIONAL_FREE_TEXT[model]:
                    setattr(obj, name, "")


def _facts(plans: list[ChildPlan]) -> Facts:
    """The chunk's facts, from the rows just written, by the roll-ups' own definition of each column."""
    children = {plan.child.pk: {name: getattr(plan.child, name) for name in CHILD_FIELDS} for plan in plans}
    episodes = {
        episode.pk: {name: getattr(episode, name) for name in EPISODE_FIELDS}
        for plan in plans
        for episode in plan.episodes
    }
    interviews, covered, factors = [], {}, {}
    for plan in plans:
        for interview, group, codes in plan.interviews:
            interviews.append({name: getattr(interview, name) for name in INTERVIEW_FIELDS})
            covered[interview.pk] = [episode.pk for episode in group]
            factors[interview.pk] = list(codes)
    return facts_from_records(children, episodes, interviews, covered, factors)


def _copy_chunk(plans: list[ChildPlan], rows: Counter, due: timedelta) -> None:
    """One chunk's rows, parents first, each table in one COPY; records look entered when they happened."""
    through = ReturnInterview.episodes.through
    children = [plan.child for plan in plans]
    for child in children:
        child.set_name_keys()
    _copy(Child, children)
    care = [episode for plan in plans for episode in plan.care]
    _copy(CareEpisode, care)
    episodes = [episode for plan in plans for episode in plan.episodes]
    _copy(
        MissingEpisode,
        episodes,
        lambda e: {"created_at": e.reported_at, "updated_at": e.returned_at or e.reported_at},
    )
    grade_changes = [change for plan in plans for change in plan.grade_changes]
    _copy(RiskGradeChange, grade_changes)
    interviews = [item for plan in plans for item in plan.interviews]
    _copy(
        ReturnInterview,
        [interview for interview, _, _ in interviews],
        lambda i: {"created_at": i.due_by - due, "updated_at": i.completed_at or i.offered_at or i.due_by - due},
    )
    # The two link tables take their keys from their sequences' defaults: plain rows, no model objects.
    links = [(interview.pk, episode.pk) for interview, covered, _ in interviews for episode in covered]
    insert_rows(through, ["returninterview", "missingepisode"], links)
    factors = [(interview.pk, kind, code) for interview, _, codes in interviews for kind, code in codes]
    insert_rows(InterviewFactor, ["interview", "kind", "code"], factors)
    for model, written in (
        (Child, children),
        (CareEpisode, care),
        (MissingEpisode, episodes),
        (RiskGradeChange, grade_changes),
        (ReturnInterview, interviews),
        (through, links),
        (InterviewFactor, factors),
    ):
        rows[model] += len(written)


def _chunks(total: int, size: int) -> Iterable[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(size, total - start)


def generate_national(
    children: int,
    seed: int,
    *,
    years: int = NATIONAL_YEARS,
    councils: int = NATIONAL_COUNCILS,
    forces: int = NATIONAL_FORCES,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationReport:
    """Write `children` children over `years` years for a national set of invented councils and forces,
    with their facts, and regroup every summary table from the facts: the roll-ups are current after it.

    Deterministic for a seed and `now`, as `synthetic.generator.generate` is. It plants exploitation networks as the
    regional generator does (`synthetic.network.NetworkPlanter`: children of a force area's councils sharing
    adults and places, and noise) and writes the facts of the children they touch. The report's `phases` give
    the seconds spent setting up the agencies, drawing the children, writing their rows, writing their facts,
    planting the networks and grouping the summaries.
    """
    if children < 1:
        raise ValueError("children must be at least 1")
    if years < 2:
        raise ValueError("years must be at least 2 (each child's history spans two)")
    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    due = timedelta(hours=settings.HOMEWARD_RHI_DUE_HOURS)
    started = time.perf_counter()
    phases: defaultdict[str, float] = defaultdict(float)
    rows: Counter = Counter()
    rng = random.Random(seed)
    copying = connection.vendor == "postgresql"
    with transaction.atomic():
        clock = time.perf_counter()
        world = ensure_world(*national_specs(councils, forces))
        rows.update(world.created)
        generator = Generator(
            rng,
            world,
            now,
            settings.HOMEWARD_RHI_DUE_HOURS,
            care_rng=random.Random(f"care-{seed}"),
            history_days=round(years * 365.25),
        )
        phases["agencies"] += time.perf_counter() - clock
        planter = NetworkPlanter(generator, seed)
        open_count = max(1 if children >= 20 else 0, round(children * OPEN_EPISODE_SHARE))
        open_children = set(rng.sample(range(children), open_count))
        for start, size in _chunks(children, CHILDREN_PER_CHUNK):
            clock = time.perf_counter()
            plans = [generator.plan(index in open_children) for index in range(start, start + size)]
            _without_optional_text(plans)
            phases["drawing"] += time.perf_counter() - clock
            clock = time.perf_counter()
            if copying:
                _copy_chunk(plans, rows, due)
            else:
                _write_chunk(plans, rows)
                _backdate(
                    next((e.pk for p in plans for e in p.episodes), None),
                    next((i.pk for p in plans for i, _, _ in p.interviews), None),
                    due,
                )
            phases["rows"] += time.perf_counter() - clock
            clock = time.perf_counter()
            insert_facts(_facts(plans))
            phases["facts"] += time.perf_counter() - clock
            planter.observe(plans)
            if progress:
                progress(start + size, children)
        clock = time.perf_counter()
        network = planter.plant(rows)
        # The planted clusters' episodes and interviews were written after those children's facts.
        refresh_children(sorted({child for cluster in network.clusters for child in cluster.children}))
        phases["networks"] += time.perf_counter() - clock
        clock = time.perf_counter()
        rebuild_summaries()
        phases["summaries"] += time.perf_counter() - clock
        record_event(
            actor=None,
            action=AuditEvent.Action.CREATE,
            summary=f"National synthetic data generated: {children} children, {rows[MissingEpisode]} episodes",
        )
        rows[AuditEvent] += 1
    return GenerationReport(
        children=children,
        seed=seed,
        now=now,
        rows={label: rows[model] for model, label in ROW_LABELS.items()},
        seconds=time.perf_counter() - started,
        open_episodes=open_count,
        network=network,
        phases=dict(phases),
    )
