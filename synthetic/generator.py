"""The synthetic data generator: invented councils, forces, schools and children with missing episodes
and return interviews in realistic proportions. Never a real person's details.

Design:
- Deterministic: one `random.Random(seed)` drives every choice, and each child's whole history
  (record, episodes, risk grades, interviews, factors) is drawn in one go, so the same seed and the
  same `now` give the same data whatever the batch sizes. Looked-after children's episodes of care
  (SSDA903) draw from a second stream seeded from the same seed, so they change nothing else.
- Fast: rows are built in memory and written with `bulk_create` inside one `transaction.atomic()`,
  a chunk of children at a time. Rows are linked through the primary keys `bulk_create` returns
  (PostgreSQL, and SQLite 3.35 or later), so no per-row query and no sequence to reset afterwards.
- The reference data (agencies, loader and practitioner users) is reused when it already exists,
  and council child IDs and police references skip values already in the database.
- It writes case tables directly, bypassing the actions: it is a loader of invented history, not a
  user. It records one audit event for the whole load so the audit chain stays valid.
"""

import math
import random
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from access.audit import record_event
from access.models import Agency, AgencyKind, AuditEvent, Role, RoleAssignment, User
from children.codes import Ethnicity, LegalStatus, LivingArrangement, Sex
from children.models import Child, PlacementHistory
from episodes.codes import EpisodeType, FoundBy, MissingFrom, RiskGrade
from episodes.models import MissingEpisode, RiskGradeChange
from interviews.codes import ConsentToShare, Disclosure, FactorKind, Outcome, PullFactor, PushFactor
from interviews.models import InterviewFactor, ReturnInterview
from network.models import ChildPersonLink, ChildPlaceLink, PersonOfConcern, Place
from returns.codes import EPISODE_CONTINUES, PLACEMENTS_WITHOUT_PROVIDER
from returns.models import CareEpisode
from synthetic import names
from synthetic.names import COUNCILS, FORCES, CouncilSpec, ForceSpec
from synthetic.network import NetworkPlanter, PlantedNetwork
from synthetic.placements import CHILDRENS_HOMES, plant_placements

T = TypeVar("T")
Progress = Callable[[int, int], None]

BATCH_SIZE = 5000  # rows per INSERT batch (SQLite lowers it to fit its 999-parameter limit)
CHILDREN_PER_CHUNK = 2000  # children whose rows are held in memory and written together
HISTORY_DAYS = 730  # episodes are spread over the two years up to `now`
MAX_EPISODES_PER_CHILD = 60
PRACTITIONERS_PER_PROVIDER = 5
SOCIAL_WORKERS_PER_COUNCIL = 8
LOADER_USERNAME = "synthetic.loader.{force}"

ROW_LABELS = {
    Agency: "agencies",
    User: "users",
    RoleAssignment: "role assignments",
    Child: "children",
    MissingEpisode: "missing episodes",
    RiskGradeChange: "risk grade changes",
    ReturnInterview: "return interviews",
    ReturnInterview.episodes.through: "interview episodes",
    InterviewFactor: "interview factors",
    CareEpisode: "care episodes",
    PlacementHistory: "placement history rows",
    PersonOfConcern: "persons of concern",
    Place: "places",
    ChildPersonLink: "child-person links",
    ChildPlaceLink: "child-place links",
    AuditEvent: "audit events",
}


def _returned_at(episode: MissingEpisode) -> datetime:
    assert episode.returned_at is not None  # interviews are drawn only for returned episodes
    return episode.returned_at


@dataclass
class GenerationReport:
    """What one run wrote: rows per table, how long it took, and the throughput."""

    children: int
    seed: int
    now: datetime
    rows: dict[str, int]
    seconds: float
    open_episodes: int = 0
    network: PlantedNetwork | None = None  # the planted exploitation clusters (synthetic/network.py)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase, where a loader times them

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "children": self.children,
            "seed": self.seed,
            "now": self.now.isoformat(),
            "rows": dict(self.rows),
            "total_rows": self.total_rows,
            "open_episodes": self.open_episodes,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
            "phases": {name: round(seconds, 3) for name, seconds in self.phases.items()},
        }


class Weighted(Generic[T]):
    """A fixed weighted choice: one `rng.random()` per pick, so draws stay reproducible."""

    def __init__(self, pairs: Sequence[tuple[T, float]]):
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


# --- Proportions ---------------------------------------------------------------------------------

LEGAL_STATUS = Weighted(
    [
        (LegalStatus.LOOKED_AFTER, 40),
        (LegalStatus.CHILD_IN_NEED, 25),
        (LegalStatus.CHILD_PROTECTION, 10),
        (LegalStatus.CARE_LEAVER, 5),
        (LegalStatus.NOT_KNOWN, 20),
    ]
)
LOOKED_AFTER_LIVING = Weighted(
    [
        (LivingArrangement.FOSTER_CARE, 55),
        (LivingArrangement.CHILDRENS_HOME, 28),
        (LivingArrangement.SUPPORTED, 12),
        (LivingArrangement.SECURE, 2),
        (LivingArrangement.OTHER, 3),
    ]
)
CARE_LEAVER_LIVING = Weighted(
    [
        (LivingArrangement.SUPPORTED, 60),
        (LivingArrangement.OTHER, 20),
        (LivingArrangement.HOME, 10),
        (LivingArrangement.FOSTER_CARE, 10),
    ]
)
FAMILY_LIVING = Weighted([(LivingArrangement.HOME, 93), (LivingArrangement.OTHER, 7)])
OUT_OF_AREA_SHARE = {LegalStatus.LOOKED_AFTER: 0.22, LegalStatus.CARE_LEAVER: 0.15}
# Children who go missing are mostly teenagers.
AGE = Weighted([(8, 1), (9, 1.5), (10, 3), (11, 4), (12, 6), (13, 10), (14, 15), (15, 19), (16, 20), (17, 14)])
SEX = Weighted([(Sex.MALE, 49), (Sex.FEMALE, 49), (Sex.UNKNOWN, 2)])
ETHNICITY = Weighted(
    [
        (Ethnicity.WBRI, 66),
        (Ethnicity.WIRI, 0.4),
        (Ethnicity.WOTH, 4),
        (Ethnicity.WIRT, 0.4),
        (Ethnicity.WROM, 0.8),
        (Ethnicity.MWBC, 3),
        (Ethnicity.MWBA, 1.5),
        (Ethnicity.MWAS, 1.5),
        (Ethnicity.MOTH, 3),
        (Ethnicity.AIND, 0.8),
        (Ethnicity.APKN, 1.5),
        (Ethnicity.ABAN, 0.7),
        (Ethnicity.AOTH, 2),
        (Ethnicity.BCRB, 1.5),
        (Ethnicity.BAFR, 3.5),
        (Ethnicity.BOTH, 2),
        (Ethnicity.CHNE, 0.2),
        (Ethnicity.OOTH, 4),
        (Ethnicity.REFU, 0.5),
        (Ethnicity.NOBT, 1.5),
    ]
)
# Heavier tails (more repeat episodes) for children in care than for children at home.
EPISODE_TAIL: dict[str, float] = {
    LegalStatus.LOOKED_AFTER: 1.75,
    LegalStatus.CARE_LEAVER: 1.9,
    LegalStatus.CHILD_PROTECTION: 2.1,
    LegalStatus.CHILD_IN_NEED: 2.2,
    LegalStatus.NOT_KNOWN: 2.5,
}
EXPLOITATION_CONCERN_SHARE = {LegalStatus.LOOKED_AFTER: 0.12, LegalStatus.CHILD_PROTECTION: 0.12}
OPEN_EPISODE_SHARE = 0.025
# The first children of each council (not missing now) came back within the last day and have not yet been
# offered their interview, whatever the day the data is generated: My work and the demo always have one to offer.
JUST_RETURNED_PER_COUNCIL = 2
AWAY_SHARE_IN_CARE = 0.20  # type A is mostly recorded for children in placements
AWAY_SHARE_AT_HOME = 0.08
# Local hour of the time last seen: evening peak, quiet small hours.
HOUR = Weighted(
    list(
        enumerate(
            [4, 3, 2, 1.5, 1, 1, 1, 1.5, 2.5, 2.5, 2.5, 2.5, 3, 3, 3.5, 5, 6, 7, 8, 9, 9.5, 9, 8, 6],
        )
    )
)
WEEKDAY_WEIGHT = [0.9, 0.9, 0.95, 1.0, 1.2, 1.25, 1.0]  # Monday..Sunday
RISK_USUAL = Weighted(
    [(RiskGrade.NO_APPARENT_RISK, 9), (RiskGrade.LOW, 29), (RiskGrade.MEDIUM, 55), (RiskGrade.HIGH, 7)]
)
RISK_CONCERN = Weighted(
    [(RiskGrade.NO_APPARENT_RISK, 3), (RiskGrade.LOW, 17), (RiskGrade.MEDIUM, 58), (RiskGrade.HIGH, 22)]
)
MISSING_FROM_PLACEMENT = Weighted([(MissingFrom.PLACEMENT, 85), (MissingFrom.SCHOOL, 7), (MissingFrom.OTHER, 8)])
MISSING_FROM: dict[str, Weighted[MissingFrom]] = {
    LivingArrangement.HOME: Weighted([(MissingFrom.HOME, 85), (MissingFrom.SCHOOL, 8), (MissingFrom.OTHER, 7)]),
    LivingArrangement.OTHER: Weighted([(MissingFrom.OTHER, 60), (MissingFrom.HOME, 30), (MissingFrom.SCHOOL, 10)]),
}
RISK_LEVELS = [RiskGrade.NO_APPARENT_RISK, RiskGrade.LOW, RiskGrade.MEDIUM, RiskGrade.HIGH]
FOUND_BY_MISSING = Weighted(
    [(FoundBy.SELF, 40), (FoundBy.POLICE, 27), (FoundBy.CARER, 18), (FoundBy.PROFESSIONAL, 10), (FoundBy.OTHER, 5)]
)
FOUND_BY_AWAY = Weighted([(FoundBy.SELF, 45), (FoundBy.CARER, 35), (FoundBy.PROFESSIONAL, 15), (FoundBy.POLICE, 5)])
FOUND_WITH = Weighted(names.FOUND_WITH)
HARM_ON_RETURN = Weighted(names.HARM_ON_RETURN)
PREVENTION_INTERVIEW = Weighted([(True, 75), (False, 15), (None, 10)])
CONSENT = Weighted([(ConsentToShare.YES, 70), (ConsentToShare.NO, 15), (ConsentToShare.NOT_ASKED, 15)])
FACTOR_COUNT = Weighted([(0, 15), (1, 45), (2, 30), (3, 10)])
PUSH = Weighted(
    [
        (PushFactor.CONFLICT, 30),
        (PushFactor.BOUNDARIES, 20),
        (PushFactor.PLACEMENT, 15),
        (PushFactor.MENTAL_HEALTH, 12),
        (PushFactor.SCHOOL, 10),
        (PushFactor.VIOLENCE_ABUSE, 6),
        (PushFactor.BULLYING, 5),
        (PushFactor.NEGLECT, 4),
        (PushFactor.OTHER, 5),
    ]
)
PULL = Weighted(
    [
        (PullFactor.FRIENDS, 40),
        (PullFactor.RELATIONSHIP, 15),
        (PullFactor.FAMILY, 12),
        (PullFactor.DRUGS_ALCOHOL, 12),
        (PullFactor.ADULTS_GIFTS, 7),
        (PullFactor.GANGS, 6),
        (PullFactor.OTHER, 5),
    ]
)
DISCLOSURE = Weighted(
    [
        (Disclosure.CSE, 20),
        (Disclosure.CCE, 18),
        (Disclosure.SUBSTANCE_MISUSE, 15),
        (Disclosure.SELF_HARM, 12),
        (Disclosure.COUNTY_LINES, 10),
        (Disclosure.ONLINE_HARM, 8),
        (Disclosure.PHYSICAL_ABUSE, 6),
        (Disclosure.DOMESTIC_ABUSE, 6),
        (Disclosure.SEXUAL_ABUSE, 3),
        (Disclosure.TRAFFICKING, 1),
        (Disclosure.RADICALISATION, 1),
    ]
)
# Return interviews, for returns long enough ago for the work to be done: about 75-80 % offered,
# 65 % of offers within the deadline, 60 % of offers accepted, 70 % of those held. The most recent
# returns are still due or overdue (My work has items); older gaps are fewer but never nil.
# Councils chase old gaps: a return long past with no offer or outcome recorded is rare (a data-quality item).
INTERVIEW_UNRECORDED = {"due": 0.55, "recent": 0.30, "months": 0.08, "old": 0.015}
NOT_OFFERED_SHARE = 0.12
OFFER_IN_TIME_SHARE = 0.65
OFFER_OUTCOME = {
    "old": Weighted([(Outcome.ACCEPTED, 60), (Outcome.DECLINED, 14), (Outcome.NO_CONTACT, 19), ("", 7)]),
    "recent": Weighted([(Outcome.ACCEPTED, 50), (Outcome.DECLINED, 12), (Outcome.NO_CONTACT, 13), ("", 25)]),
    "due": Weighted([(Outcome.ACCEPTED, 30), (Outcome.DECLINED, 10), (Outcome.NO_CONTACT, 15), ("", 45)]),
}
COMPLETED_SHARE = {"old": 0.70, "recent": 0.40, "due": 0.25}
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

# Episodes of care (SSDA903) for looked-after children and care leavers, in England's proportions for
# children in care, leaning to teenagers: legal status, category of need, placement and provider.
CARE_LEGAL_STATUS = Weighted(
    [("C2", 62), ("V2", 20), ("C1", 11), ("E1", 2), ("J1", 2), ("J2", 1), ("L1", 1), ("L2", 0.5), ("J3", 0.5)]
)
CARE_NEED = Weighted([("N1", 55), ("N5", 13), ("N8", 10), ("N4", 8), ("N6", 6), ("N2", 3), ("N3", 3), ("N7", 0.5)])
PLACEMENT_FOR: dict[str, Weighted[str]] = {
    LivingArrangement.FOSTER_CARE: Weighted([("U6", 40), ("U4", 30), ("U3", 15), ("U1", 10), ("U5", 3), ("U2", 2)]),
    LivingArrangement.CHILDRENS_HOME: Weighted([("K2", 90), ("R1", 6), ("S1", 4)]),
    LivingArrangement.SUPPORTED: Weighted([("K3", 1)]),
    LivingArrangement.SECURE: Weighted([("K1", 80), ("R5", 20)]),
    LivingArrangement.OTHER: Weighted([("P1", 55), ("S1", 15), ("Z11", 15), ("R2", 10), ("R3", 5)]),
}
EARLIER_LIVING = Weighted(
    [(LivingArrangement.FOSTER_CARE, 65), (LivingArrangement.CHILDRENS_HOME, 30), (LivingArrangement.OTHER, 5)]
)
FOSTER_PROVIDER = Weighted([("PR1", 55), ("PR4", 40), ("PR5", 5)])
PROVIDER_FOR = {
    **dict.fromkeys(("U1", "U2", "U3"), Weighted([("PR1", 1)])),
    **dict.fromkeys(("U4", "U5", "U6"), FOSTER_PROVIDER),
    "K1": Weighted([("PR1", 50), ("PR2", 50)]),
    "K2": Weighted([("PR4", 78), ("PR1", 17), ("PR5", 5)]),
    "K3": Weighted([("PR4", 60), ("PR5", 25), ("PR1", 15)]),
    "R1": Weighted([("PR4", 80), ("PR5", 20)]),
    "R2": Weighted([("PR3", 1)]),
    "R3": Weighted([("PR4", 70), ("PR5", 30)]),
    "R5": Weighted([("PR3", 1)]),
    "S1": Weighted([("PR4", 60), ("PR5", 40)]),
    "P1": Weighted([("PR0", 1)]),
}
CARE_CHANGES = Weighted([(0, 35), (1, 28), (2, 18), (3, 10), (4, 6), (5, 3)])  # new episodes after the first
NEXT_EPISODE = Weighted([("P", 62), ("L", 18), ("B", 12), ("T", 8)])  # RNE: what changed
# How a legal status moves on (an interim order becomes a full one, and so on); a full care order stays.
NEXT_LEGAL_STATUS = {"C1": "C2", "V2": "C1", "L1": "V2", "L2": "C1", "J1": "V2", "J2": "V2", "J3": "V2"}
PLACEMENT_CHANGE_REASON = Weighted(
    [
        ("CARPL", 35),
        ("CREQB", 18),
        ("CHILD", 12),
        ("LAREQ", 9),
        ("OTHER", 7),
        ("CREQO", 6),
        ("CLOSE", 5),
        ("STAND", 5),
        ("ALLEG", 3),
    ]
)
LEFT_CARE = Weighted(
    [
        ("E5", 30),
        ("E4A", 22),
        ("E13", 14),
        ("E6", 8),
        ("E3", 6),
        ("E4B", 5),
        ("E8", 5),
        ("E41", 3),
        ("E45", 3),
        ("E48", 2),
        ("E16", 2),
    ]
)


# --- Small helpers -------------------------------------------------------------------------------


def upn_check_letter(digits: str) -> str:
    """The DfE check letter for the 12 digits of a UPN: weights 2..13, sum modulo 23."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, range(2, 14), strict=True))
    return UPN_CHECK_LETTERS[total % 23]


def make_upn(rng: random.Random, la_code: str, school_urn: str | None, birth_year: int) -> str:
    establishment = (school_urn or f"{rng.randrange(10000):04d}")[-4:]
    digits = f"{la_code}{establishment}{(birth_year + 5) % 100:02d}{rng.randrange(1000):03d}"
    return upn_check_letter(digits) + digits


def make_postcode(rng: random.Random, area: str) -> str:
    """A syntactically valid UK postcode in an invented postcode area."""
    letters = names.INWARD_LETTERS
    return f"{area}{rng.randint(1, 14)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def street(rng: random.Random) -> str:
    return f"{rng.choice(names.STREET_FIRST)} {rng.choice(names.STREET_SUFFIX)}"


def heavy_tail(rng: random.Random, alpha: float, cap: int) -> int:
    """A discrete power-law (Zipf-like) draw on 1..cap: P(k) proportional to k ** -alpha."""
    weights = _zipf_cumulative(alpha, cap)
    return bisect(weights, rng.random() * weights[-1]) + 1


_ZIPF_CACHE: dict[tuple[float, int], list[float]] = {}


def _zipf_cumulative(alpha: float, cap: int) -> list[float]:
    key = (alpha, cap)
    if key not in _ZIPF_CACHE:
        _ZIPF_CACHE[key] = list(accumulate(k**-alpha for k in range(1, cap + 1)))
    return _ZIPF_CACHE[key]


def lognormal_hours(rng: random.Random, median_hours: float, sigma: float) -> timedelta:
    return timedelta(hours=median_hours * math.exp(rng.gauss(0.0, sigma)))


# --- Reference data: agencies and system users ---------------------------------------------------


@dataclass
class CouncilWorld:
    spec: CouncilSpec
    agency: Agency
    force: Agency  # the force covering the council (its own link, if the council was already there)
    schools: list[Agency]
    provider: Agency
    health: Agency
    practitioners: list[User]
    social_workers: list[User]


@dataclass
class World:
    forces: dict[str, Agency]  # by force code
    force_prefix: dict[int, str]  # force pk -> police reference prefix
    loaders: dict[int, User]  # force pk -> the force's loader user
    councils: list[CouncilWorld]
    created: Counter = field(default_factory=Counter)


def _agency(world_created: Counter, kind: str, code: str, **defaults: Any) -> Agency:
    agency, created = Agency.objects.get_or_create(kind=kind, code=code, defaults=defaults)
    if created:
        world_created[Agency] += 1
    elif defaults.get("region") and not agency.region:  # made before agencies had regions
        agency.region = defaults["region"]
        agency.save(update_fields=["region"])
    return agency


def _system_user(
    world_created: Counter, username: str, agency: Agency, role: str | None, first: str, last: str, title: str
) -> User:
    """A user the generator owns: no usable password, so nobody can sign in as it."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.test",
            agency=agency,
            job_title=title,
            is_active=role is not None,
        )
        user.set_unusable_password()
        user.save()
        world_created[User] += 1
    if role and not RoleAssignment.objects.filter(user=user, role=role).exists():
        RoleAssignment.objects.create(user=user, role=role)
        world_created[RoleAssignment] += 1
    return user


def _loader(created: Counter, force: Agency) -> User:
    """The force's system user that synthetic episodes are recorded by: inactive, no usable password."""
    return _system_user(
        created,
        LOADER_USERNAME.format(force=force.code),
        force,
        None,
        "Synthetic",
        "Data Loader",
        "Synthetic data loader (cannot sign in)",
    )


def _staff(
    created: Counter, rng: random.Random, prefix: str, agency: Agency, role: str, title: str, count: int
) -> list[User]:
    return [
        _system_user(
            created,
            f"{prefix}.{number}",
            agency,
            role,
            rng.choice(names.GIVEN_NAMES_FEMALE + names.GIVEN_NAMES_MALE),
            rng.choice(names.SURNAMES),
            title,
        )
        for number in range(1, count + 1)
    ]


def ensure_world(council_specs: Sequence[CouncilSpec] = COUNCILS, force_specs: Sequence[ForceSpec] = FORCES) -> World:
    """Create (or find) the invented forces, councils, schools, providers, health bodies and staff
    (the regional set in synthetic.names, or another such as synthetic.national's)."""
    created: Counter = Counter()
    forces = {
        spec.code: _agency(created, AgencyKind.POLICE, spec.code, name=spec.name, region=spec.region)
        for spec in force_specs
    }
    loaders = {forces[spec.code].pk: _loader(created, forces[spec.code]) for spec in force_specs}
    councils = []
    for spec in council_specs:
        staff_rng = random.Random(f"staff-{spec.code}")  # staff names do not depend on the seed
        force = forces[spec.force_code]
        council = _agency(
            created, AgencyKind.COUNCIL, spec.code, name=spec.name, police_force=force, region=force.region
        )
        schools = [
            _agency(
                created,
                AgencyKind.SCHOOL,
                f"9{spec.code[1:]}{number + 1:03d}",
                name=names.SCHOOL_PATTERNS[number % len(names.SCHOOL_PATTERNS)].format(
                    town=spec.towns[number % len(spec.towns)]
                ),
                local_authority=council,
            )
            for number in range(4 + spec.weight // 6)
        ]
        provider = _agency(
            created,
            AgencyKind.RHI_PROVIDER,
            f"RHI{spec.code}",
            name=f"{spec.short} Return Home Interview Service",
            local_authority=council,
        )
        health = _agency(
            created,
            AgencyKind.HEALTH,
            f"HLT{spec.code}",
            name=f"{spec.short} Community Health Trust",
            local_authority=council,
        )

        councils.append(
            CouncilWorld(
                spec=spec,
                agency=council,
                force=council.police_force or forces[spec.force_code],
                schools=schools,
                provider=provider,
                health=health,
                practitioners=_staff(
                    created,
                    staff_rng,
                    f"synthetic.rhi.{spec.code}",
                    provider,
                    Role.RHI_PRACTITIONER,
                    "Return interview worker",
                    PRACTITIONERS_PER_PROVIDER,
                ),
                social_workers=_staff(
                    created,
                    staff_rng,
                    f"synthetic.sw.{spec.code}",
                    council,
                    Role.SOCIAL_WORKER,
                    "Social worker",
                    SOCIAL_WORKERS_PER_COUNCIL,
                ),
            )
        )
    force_prefix = {forces[spec.code].pk: spec.reference_prefix for spec in force_specs}
    for council_world in councils:  # a council already there may be linked to a force of its own
        force = council_world.force
        if force.pk not in loaders:
            loaders[force.pk] = _loader(created, force)
            force_prefix[force.pk] = f"F{force.code}"
    return World(
        forces=forces,
        force_prefix=force_prefix,
        loaders=loaders,
        councils=councils,
        created=created,
    )


# --- One child's history -------------------------------------------------------------------------


@dataclass
class ChildPlan:
    """A child and everything generated for them, linked by object until the rows are written."""

    child: Child
    episodes: list[MissingEpisode]
    grade_changes: list[RiskGradeChange]
    interviews: list[tuple[ReturnInterview, list[MissingEpisode], list[tuple[str, str]]]]
    care: list[CareEpisode] = field(default_factory=list)


class Generator:
    def __init__(
        self,
        rng: random.Random,
        world: World,
        now: datetime,
        due_hours: int,
        care_rng: random.Random | None = None,
        history_days: int = HISTORY_DAYS,
    ):
        self.rng = rng
        # Longer than HISTORY_DAYS (the national set's ten years): each child's own two years of history end
        # on a day drawn across the whole span, so children (and their ages) are spread over it.
        self.history_days = history_days
        # Episodes of care draw from a stream of their own, so they leave every other value unchanged.
        self.care_rng = care_rng or random.Random("care")
        self.world = world
        self.now = now
        self.due = timedelta(hours=due_hours)
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.records_mother = any(f.name == "mother" for f in Child._meta.concrete_fields)
        self.today = now.astimezone(self.zone).date()
        self.council_choice = Weighted([(council, council.spec.weight) for council in world.councils])
        self.force_of_council = {c.agency.pk: c.force.pk for c in world.councils}
        council_ids = [c.agency.pk for c in world.councils]
        self.used_child_ids: dict[int, set[str]] = {pk: set() for pk in council_ids}
        for council_id, child_id in Child.objects.filter(responsible_council_id__in=council_ids).values_list(
            "responsible_council_id", "la_child_id"
        ):
            self.used_child_ids[council_id].add(child_id)
        self.next_child_number = dict.fromkeys(council_ids, 1)
        self.just_returned_left = dict.fromkeys(council_ids, JUST_RETURNED_PER_COUNCIL)
        self.used_references: set[tuple[int, str]] = set(
            MissingEpisode.objects.filter(police_force_id__in=world.loaders.keys())
            .exclude(police_reference="")
            .values_list("police_force_id", "police_reference")
        )

    # The child's record ---------------------------------------------------------------------------

    def _child_id(self, council: CouncilWorld) -> str:
        used = self.used_child_ids[council.agency.pk]
        number = self.next_child_number[council.agency.pk]
        while f"{council.spec.child_id_prefix}{number:06d}" in used:
            number += 1
        self.next_child_number[council.agency.pk] = number + 1
        value = f"{council.spec.child_id_prefix}{number:06d}"
        used.add(value)
        return value

    def child(self, as_of: date | None = None) -> tuple[Child, CouncilWorld, CouncilWorld, bool]:
        """A child's record: their age is drawn for `as_of` (today unless the history is longer than usual)."""
        rng = self.rng
        council = self.council_choice.pick(rng)
        legal_status = LEGAL_STATUS.pick(rng)
        age = rng.choice((16, 17)) if legal_status == LegalStatus.CARE_LEAVER else AGE.pick(rng)
        born = (as_of or self.today) - timedelta(days=int((age + rng.random()) * 365.25))
        if legal_status == LegalStatus.LOOKED_AFTER:
            living = LOOKED_AFTER_LIVING.pick(rng)
            if living == LivingArrangement.SUPPORTED and age < 16:
                living = LivingArrangement.CHILDRENS_HOME if rng.random() < 0.5 else LivingArrangement.FOSTER_CARE
        elif legal_status == LegalStatus.CARE_LEAVER:
            living = CARE_LEAVER_LIVING.pick(rng)
        else:
            living = FAMILY_LIVING.pick(rng)
        placed = council
        if rng.random() < OUT_OF_AREA_SHARE.get(legal_status, 0.0):
            placed = rng.choice([c for c in self.world.councils if c is not council])
        sex = SEX.pick(rng)
        given = {
            Sex.FEMALE: names.GIVEN_NAMES_FEMALE,
            Sex.MALE: names.GIVEN_NAMES_MALE,
            Sex.UNKNOWN: names.GIVEN_NAMES_ANY,
        }[sex]
        at_school = rng.random() < (0.92 if age <= 16 else 0.4) * (
            0.2 if legal_status == LegalStatus.CARE_LEAVER else 1
        )
        school = rng.choice(placed.schools) if at_school else None
        upn_roll = rng.random()
        if upn_roll < 0.02:
            upn = ""
        elif upn_roll < 0.03:
            upn = "UN2"
        else:
            upn = make_upn(rng, council.spec.code, school.code if school else None, born.year)
        allocated = {
            LegalStatus.LOOKED_AFTER: 0.95,
            LegalStatus.CHILD_PROTECTION: 0.95,
            LegalStatus.CHILD_IN_NEED: 0.85,
            LegalStatus.CARE_LEAVER: 0.6,
        }.get(legal_status, 0.0)
        social_worker = rng.choice(council.social_workers) if rng.random() < allocated else None
        concern = rng.random() < EXPLOITATION_CONCERN_SHARE.get(legal_status, 0.06)
        # SSDA903 asks whether a looked-after girl aged 12 or more is a mother. Drawn whether or not
        # the model holds the answer, so the rest of the data does not depend on it.
        mother_roll, mother_age_days = rng.random(), rng.randrange(30, 600)
        child = Child(
            la_child_id=self._child_id(council),
            upn=upn,
            first_name=rng.choice(given),
            last_name=rng.choice(names.SURNAMES),
            preferred_name=rng.choice(names.GIVEN_NAMES_ANY) if rng.random() < 0.03 else "",
            date_of_birth=born,
            sex=sex,
            gender_identity="Non-binary" if sex == Sex.UNKNOWN and rng.random() < 0.5 else "",
            ethnicity=ETHNICITY.pick(rng),
            legal_status=legal_status,
            responsible_council_id=council.agency.pk,
            living_arrangement=living,
            placement_council_id=placed.agency.pk,
            placement_postcode=make_postcode(rng, placed.spec.postcode_area) if rng.random() < 0.95 else "",
            school_id=school.pk if school else None,
            social_worker_id=social_worker.pk if social_worker else None,
        )
        if self.records_mother and legal_status == LegalStatus.LOOKED_AFTER and sex == Sex.FEMALE and age >= 12:
            child.mother = None if mother_roll < 0.1 else age >= 15 and mother_roll > 0.985
            if child.mother:
                child.mother_child_dob = self.today - timedelta(days=mother_age_days)
        return child, council, placed, concern

    # Episode times --------------------------------------------------------------------------------

    def _local_time(self, moment: datetime) -> datetime:
        """Move `moment` to a realistic local time of day on (about) the same day."""
        rng = self.rng
        local = moment.astimezone(self.zone)
        for _ in range(4):  # favour Fridays and Saturdays
            if rng.random() * 1.25 <= WEEKDAY_WEIGHT[local.weekday()]:
                break
            local += timedelta(days=rng.choice((-1, 1)))
        hour = HOUR.pick(rng)
        naive = datetime(local.year, local.month, local.day, hour, rng.randrange(60))  # noqa: DTZ001
        return naive.replace(tzinfo=self.zone).astimezone(UTC)

    def episode_times(
        self, count: int, born: date, open_latest: bool, away_share: float, until: datetime | None = None
    ) -> list[tuple[datetime, datetime | None, EpisodeType]]:
        """Non-overlapping (last seen, returned) pairs, oldest first, in the HISTORY_DAYS up to `until` (now
        by default); only the latest may be open."""
        rng = self.rng
        now = until or self.now
        old_enough = datetime(born.year + 7, born.month, min(born.day, 28), tzinfo=UTC)
        start = max(now - timedelta(days=HISTORY_DAYS), old_enough)
        end = now - timedelta(hours=3)
        span = (end - start).total_seconds()
        history = count - 1 if open_latest else count
        open_since = end - timedelta(seconds=rng.random() * 4 * 86400) if open_latest else None
        clusters = [rng.random() * span for _ in range(1 + max(history - 1, 0) // 5)]
        starts = []
        for _ in range(history):
            # Repeat episodes come in bursts around a few troubled periods.
            offset = rng.random() * span if history == 1 else rng.choice(clusters) + rng.gauss(0.0, 15 * 86400)
            moment = self._local_time(start + timedelta(seconds=min(max(offset, 0.0), span)))
            starts.append(min(max(moment, start), end))
        starts.sort()
        kept: list[datetime] = []
        for moment in starts:  # at least three hours between one last-seen time and the next
            if (kept and moment - kept[-1] < timedelta(hours=3)) or (
                open_since is not None and moment > open_since - timedelta(hours=3)
            ):
                continue
            kept.append(moment)
        if open_since is not None:
            kept.append(max(open_since, start))
        result: list[tuple[datetime, datetime | None, EpisodeType]] = []
        for index, last_seen in enumerate(kept):
            kind = EpisodeType.MISSING
            if index == len(kept) - 1 and open_latest:
                result.append((last_seen, None, kind))
                continue
            away = rng.random() < away_share
            if away:
                kind = EpisodeType.AWAY
            duration = lognormal_hours(rng, 5 if away else 9, 1.25)
            duration = min(max(duration, timedelta(minutes=20)), timedelta(days=45))
            latest = min(now + timedelta(days=3), self.now) - timedelta(minutes=10 + rng.randrange(50))
            if index + 1 < len(kept):
                room = kept[index + 1] - last_seen
                latest = last_seen + room - min(timedelta(hours=1 + rng.random() * 5), room / 3)
            result.append((last_seen, min(last_seen + duration, latest), kind))
        return result

    def _just_returned_times(
        self, count: int, born: date, away_share: float
    ) -> list[tuple[datetime, datetime | None, EpisodeType]]:
        """A child's history ending a week ago, then one missing episode that ended within the last day."""
        earlier = self.episode_times(count - 1, born, False, away_share, self.now - timedelta(days=7))
        last_seen = self.now - timedelta(hours=8 + self.rng.random() * 12)
        returned = last_seen + timedelta(hours=2 + self.rng.random() * 4)
        return [*earlier, (last_seen, returned, EpisodeType.MISSING)]

    # Everything for one child ---------------------------------------------------------------------

    def plan(self, open_episode: bool) -> ChildPlan:
        rng = self.rng
        until = None
        if self.history_days > HISTORY_DAYS and not open_episode:
            until = self.now - timedelta(days=rng.random() * (self.history_days - HISTORY_DAYS))
        child, council, placed, concern = self.child(until.astimezone(self.zone).date() if until else None)
        in_care = child.legal_status in (LegalStatus.LOOKED_AFTER, LegalStatus.CARE_LEAVER)
        alpha = EPISODE_TAIL[child.legal_status] - (0.2 if concern else 0.0)
        count = heavy_tail(rng, alpha, MAX_EPISODES_PER_CHILD)
        force_id = self.force_of_council[placed.agency.pk]
        loader = self.world.loaders[force_id]
        risk = RISK_CONCERN if concern else RISK_USUAL
        episodes: list[MissingEpisode] = []
        changes: list[RiskGradeChange] = []
        away_share = AWAY_SHARE_IN_CARE if in_care else AWAY_SHARE_AT_HOME
        just_returned = until is None and not open_episode and self.just_returned_left[council.agency.pk] > 0
        if just_returned:
            self.just_returned_left[council.agency.pk] -= 1
            times = self._just_returned_times(count, child.date_of_birth, away_share)
        else:
            times = self.episode_times(count, child.date_of_birth, open_episode, away_share, until)
        for last_seen, returned, kind in times:
            episode, grade_changes = self._episode(child, placed, force_id, loader, risk, last_seen, returned, kind)
            episodes.append(episode)
            changes.extend(grade_changes)
        practitioner = rng.choice(council.practitioners)
        came_back = [e for e in episodes if e.returned_at]
        not_yet_offered = episodes[-1] if just_returned else None
        interviews = self._interviews(child, council, practitioner, concern, came_back, not_yet_offered)
        care = self.care_episodes(child, council, placed, episodes)
        return ChildPlan(child=child, episodes=episodes, grade_changes=changes, interviews=interviews, care=care)

    def _police_reference(self, force_id: int, reported: datetime) -> str:
        local = reported.astimezone(self.zone)
        year_start = datetime(local.year, 1, 1, tzinfo=self.zone)
        fraction = (local - year_start).total_seconds() / (366 * 86400)
        number = 1000 + int(fraction * 880000)  # references rise through the year
        while True:
            reference = f"{self.world.force_prefix[force_id]}-{local.year}-{number:06d}"
            if (force_id, reference) not in self.used_references:
                self.used_references.add((force_id, reference))
                return reference
            number += 1

    def _episode(
        self,
        child: Child,
        placed: CouncilWorld,
        force_id: int,
        loader: User,
        risk: Weighted,
        last_seen: datetime,
        returned: datetime | None,
        kind: str,
    ) -> tuple[MissingEpisode, list[RiskGradeChange]]:
        rng = self.rng
        town = rng.choice(placed.spec.towns)
        living = child.living_arrangement
        missing_from = MISSING_FROM.get(living, MISSING_FROM_PLACEMENT).pick(rng)
        if missing_from == MissingFrom.SCHOOL and child.school_id is None:
            missing_from = MissingFrom.OTHER
        if missing_from == MissingFrom.SCHOOL:
            school = next(s for s in placed.schools if s.pk == child.school_id)
            last_seen_place = school.name
            reported_by = "School designated safeguarding lead"
        else:
            if missing_from in (MissingFrom.HOME, MissingFrom.PLACEMENT) and rng.random() < 0.45:
                last_seen_place = f"{'Home' if missing_from == MissingFrom.HOME else 'Placement'} address, {town}"
            else:
                last_seen_place = rng.choice(names.LAST_SEEN_PATTERNS).format(street=street(rng), town=town)
            reported_by = self._reporter(living)
        ceiling = (returned or self.now) - last_seen
        delay = min(lognormal_hours(rng, 1.5, 0.9), timedelta(hours=12), ceiling * 0.8)
        reported = last_seen + delay
        grade = risk.pick(rng)
        changes = [RiskGradeChange(grade=grade, reason="Grade at report", changed_at=reported, changed_by_id=loader.pk)]
        long_episode = ceiling > timedelta(hours=24)
        if rng.random() < (0.25 if long_episode else 0.08) and ceiling > delay + timedelta(minutes=30):
            level = RISK_LEVELS.index(grade)
            up = level < 3 and (level == 0 or rng.random() < 0.75)
            new_grade = RISK_LEVELS[level + 1 if up else level - 1]
            changed_at = reported + (ceiling - delay) * (0.1 + 0.6 * rng.random())
            reason = rng.choice(names.RISK_CHANGE_REASONS_UP if up else names.RISK_CHANGE_REASONS_DOWN)
            changes.append(
                RiskGradeChange(
                    grade=new_grade,
                    previous_grade=grade,
                    reason=reason,
                    changed_at=changed_at,
                    changed_by_id=loader.pk,
                )
            )
            grade = new_grade
        episode = MissingEpisode(
            child=child,
            episode_type=kind,
            missing_from=missing_from,
            last_seen_at=last_seen,
            last_seen_place=last_seen_place,
            reported_at=reported,
            reported_by=reported_by,
            police_force_id=force_id,
            police_reference="" if rng.random() < 0.02 else self._police_reference(force_id, reported),
            risk_grade=grade,
            circumstances=rng.choice(names.CIRCUMSTANCES) if rng.random() < 0.7 else "",
            created_by_id=loader.pk,
        )
        if returned is not None:
            found_by = (FOUND_BY_AWAY if kind == EpisodeType.AWAY else FOUND_BY_MISSING).pick(rng)
            if found_by == FoundBy.SELF:
                found_place = "Returned home" if living == LivingArrangement.HOME else "Returned to where they live"
            else:
                found_town = town if rng.random() < 0.85 else rng.choice(rng.choice(self.world.councils).spec.towns)
                found_place = rng.choice(names.FOUND_PATTERNS).format(street=street(rng), town=found_town)
            episode.returned_at = returned
            episode.found_place = found_place
            episode.found_by = found_by
            episode.found_with = FOUND_WITH.pick(rng)
            episode.harm_on_return = HARM_ON_RETURN.pick(rng)
            episode.prevention_interview_done = PREVENTION_INTERVIEW.pick(rng)
        for change in changes:
            change.episode = episode
        return episode, changes

    def _reporter(self, living: str) -> str:
        rng = self.rng
        if living == LivingArrangement.HOME:
            return rng.choice(("Mother", "Mother", "Mother", "Father", "Father", "Grandmother", "Stepfather", "Aunt"))
        reporters: dict[str, str] = {
            LivingArrangement.FOSTER_CARE: "Foster carer",
            LivingArrangement.CHILDRENS_HOME: "Residential support worker at the children's home",
            LivingArrangement.SUPPORTED: "Key worker at the supported accommodation",
            LivingArrangement.SECURE: "Secure unit staff",
        }
        return reporters.get(living) or rng.choice(
            ("Relative caring for the child", "Family friend caring for the child")
        )

    # Episodes of care ------------------------------------------------------------------------------

    def care_episodes(
        self, child: Child, council: CouncilWorld, placed: CouncilWorld, episodes: list[MissingEpisode]
    ) -> list[CareEpisode]:
        """A looked-after child's period of care, still open; a care leaver's, ended with an E code.

        Care begins before the first missing episode and (for a care leaver) ends on or after the last
        return, and no placement or legal status changes on a day the child was missing, so every
        missing period sits inside one placement of one period of care: a valid SSDA903 return.
        """
        rng = self.care_rng
        if child.legal_status not in (LegalStatus.LOOKED_AFTER, LegalStatus.CARE_LEAVER) or not episodes:
            return []
        missing_days = [
            (e.last_seen_at.astimezone(self.zone).date(), (e.returned_at or self.now).astimezone(self.zone).date())
            for e in episodes
        ]
        left = None
        if child.legal_status == LegalStatus.CARE_LEAVER:
            if episodes[-1].returned_at is None:
                return []  # care cannot have ended while the child is missing
            last_return = missing_days[-1][1]
            left = last_return + timedelta(days=rng.randrange((self.today - last_return).days + 1))
        first_missing = missing_days[0][0]
        decom = max(
            first_missing - timedelta(days=14 + int(rng.expovariate(1 / 600))),
            child.date_of_birth + timedelta(days=30),
        )
        last_day = left or self.today
        changes: set[date] = set()
        for _ in range(CARE_CHANGES.pick(rng)):
            day = decom + timedelta(days=1 + rng.randrange(max((last_day - decom).days - 1, 1)))
            if day < last_day and not any(start <= day <= end for start, end in missing_days):
                changes.add(day)
        home_post = make_postcode(rng, council.spec.postcode_area)
        legal_status, need = CARE_LEGAL_STATUS.pick(rng), CARE_NEED.pick(rng)
        starts = [decom, *sorted(changes)]
        result: list[CareEpisode] = []
        place = provider = pl_post = urn = ""
        for index, start in enumerate(starts):
            last = index == len(starts) - 1
            rne = "S" if index == 0 else NEXT_EPISODE.pick(rng)
            if rne in ("L", "B"):
                if legal_status in NEXT_LEGAL_STATUS:
                    legal_status = NEXT_LEGAL_STATUS[legal_status]
                else:
                    rne = "P"
            if rne != "L":
                living = child.living_arrangement if last and child.living_arrangement in PLACEMENT_FOR else None
                place = PLACEMENT_FOR[living or EARLIER_LIVING.pick(rng)].pick(rng)
                provider = "" if place in PLACEMENTS_WITHOUT_PROVIDER else PROVIDER_FOR[place].pick(rng)
                area = (placed if last else rng.choice((council, placed))).spec.postcode_area
                pl_post = home_post if place == "P1" else make_postcode(rng, area)
                if last and child.placement_postcode and place != "P1":
                    pl_post = child.placement_postcode
                urn = f"SC{rng.randrange(10**5, 10**6)}" if place in CHILDRENS_HOMES else ""
            if result:
                result[-1].dec, result[-1].rec = start, EPISODE_CONTINUES
                result[-1].reason_place_change = PLACEMENT_CHANGE_REASON.pick(rng) if rne != "L" else ""
            result.append(
                CareEpisode(
                    child=child,
                    decom=start,
                    rne=rne,
                    legal_status=legal_status,
                    cin=need,
                    place=place,
                    place_provider=provider,
                    home_post=home_post,
                    pl_post=pl_post,
                    urn=urn,
                )
            )
        if left is not None:
            result[-1].dec, result[-1].rec = left, LEFT_CARE.pick(rng)
        return result

    # Return interviews ----------------------------------------------------------------------------

    def _interviews(
        self,
        child: Child,
        council: CouncilWorld,
        practitioner: User,
        concern: bool,
        returned: list[MissingEpisode],
        not_yet_offered: MissingEpisode | None = None,
    ) -> list[tuple[ReturnInterview, list[MissingEpisode], list[tuple[str, str]]]]:
        """One interview per group of returns: an episode starting within the deadline of the
        previous return joins that return's interview, as `open_interview_for_return` does."""
        groups: list[list[MissingEpisode]] = []
        for episode in returned:
            if groups and episode.last_seen_at - _returned_at(groups[-1][-1]) <= self.due:
                groups[-1].append(episode)
            else:
                groups.append([episode])
        return [
            self._interview(child, council, practitioner, concern, group, any(e is not_yet_offered for e in group))
            for group in groups
        ]

    def _interview(
        self,
        child: Child,
        council: CouncilWorld,
        practitioner: User,
        concern: bool,
        group: list[MissingEpisode],
        not_yet_offered: bool = False,
    ) -> tuple[ReturnInterview, list[MissingEpisode], list[tuple[str, str]]]:
        rng = self.rng
        now = self.now
        first_return = _returned_at(group[0])
        last_return = _returned_at(group[-1])
        due_by = first_return + self.due
        age = now - first_return
        stage = "due" if age < self.due else "recent" if age < timedelta(days=14) else "old"
        unrecorded_share = INTERVIEW_UNRECORDED["months" if stage == "old" and age.days < 90 else stage]
        interview = ReturnInterview(child=child, due_by=due_by, provider_id=council.provider.pk)
        factors: list[tuple[str, str]] = []
        unrecorded = rng.random() < unrecorded_share or not_yet_offered
        interview.assigned_to_id = practitioner.pk if rng.random() < (0.7 if unrecorded else 0.95) else None
        if unrecorded or now - last_return < timedelta(minutes=30):
            return interview, group, factors
        if rng.random() < NOT_OFFERED_SHARE:
            interview.outcome = Outcome.NOT_OFFERED
            interview.not_offered_reason = rng.choice(names.NOT_OFFERED_REASONS)
            return interview, group, factors
        if rng.random() < OFFER_IN_TIME_SHARE:
            offered = first_return + timedelta(hours=1) + (self.due - timedelta(hours=2)) * rng.random()
        else:
            offered = due_by + lognormal_hours(rng, 40, 0.8)
        offered = max(offered, last_return + timedelta(minutes=30))
        if offered > now - timedelta(minutes=5):
            offered = last_return + (now - last_return) * (0.2 + 0.6 * rng.random())
        interview.offered_at = offered
        interview.offered_by = rng.choice(names.OFFERED_BY)
        interview.outcome = OFFER_OUTCOME[stage].pick(rng)
        if interview.outcome != Outcome.ACCEPTED or rng.random() >= COMPLETED_SHARE[stage]:
            return interview, group, factors
        completed = offered + lognormal_hours(rng, 60, 0.7)
        if completed > now - timedelta(minutes=5):
            return interview, group, factors
        in_care = child.legal_status in (LegalStatus.LOOKED_AFTER, LegalStatus.CARE_LEAVER)
        town = rng.choice(council.spec.towns)
        push = {PUSH.pick(rng) for _ in range(FACTOR_COUNT.pick(rng))}
        if not in_care:
            push.discard(PushFactor.PLACEMENT)
        pull = {PULL.pick(rng) for _ in range(FACTOR_COUNT.pick(rng))}
        disclosures: set[str] = set()
        if rng.random() < (0.55 if concern else 0.2):
            disclosures = {DISCLOSURE.pick(rng) for _ in range(rng.choice((1, 1, 1, 2)))}
        factors = [(FactorKind.PUSH, code) for code in sorted(push)]
        factors += [(FactorKind.PULL, code) for code in sorted(pull)]
        factors += [(FactorKind.DISCLOSURE, code) for code in sorted(disclosures)]
        interview.completed_at = completed
        interview.completed_by_id = interview.assigned_to_id or practitioner.pk
        interview.assigned_to_id = interview.completed_by_id
        interview.where_stayed = rng.choice(names.WHERE_STAYED).format(town=town)
        interview.who_with = rng.choice(names.WHO_WITH)
        interview.harm_suffered = "" if rng.random() < 0.8 else "Described being frightened; no physical injury"
        interview.disclosure_details = (
            "Synthetic record: the child described what happened while missing; details shared with the "
            "social worker under the agreed lawful basis."
            if disclosures
            else ""
        )
        interview.childs_wishes = rng.choice(names.CHILDS_WISHES)
        interview.actions_agreed = rng.choice(names.ACTIONS_AGREED)
        interview.consent_to_share = CONSENT.pick(rng)
        interview.narrative = (
            f"Synthetic record. The interview covered {len(group)} episode{'s' if len(group) > 1 else ''}. "
            "The child talked about why they left and where they went, and agreed the actions below."
        )
        return interview, group, factors


# --- Writing ---------------------------------------------------------------------------------------


def _write_chunk(plans: list[ChildPlan], rows: Counter) -> None:
    """Insert one chunk's rows, parents first; bulk_create fills in each parent's new pk."""
    through = ReturnInterview.episodes.through
    children = [plan.child for plan in plans]
    for child in children:
        child.set_name_keys()
    Child.objects.bulk_create(children, batch_size=BATCH_SIZE)
    care = [episode for plan in plans for episode in plan.care]
    CareEpisode.objects.bulk_create(care, batch_size=BATCH_SIZE)
    episodes = [episode for plan in plans for episode in plan.episodes]
    MissingEpisode.objects.bulk_create(episodes, batch_size=BATCH_SIZE)
    grade_changes = [change for plan in plans for change in plan.grade_changes]
    RiskGradeChange.objects.bulk_create(grade_changes, batch_size=BATCH_SIZE)
    interviews = [item for plan in plans for item in plan.interviews]
    ReturnInterview.objects.bulk_create([interview for interview, _, _ in interviews], batch_size=BATCH_SIZE)
    links = [
        through(returninterview_id=interview.pk, missingepisode_id=episode.pk)
        for interview, covered, _ in interviews
        for episode in covered
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    factors = [
        InterviewFactor(interview_id=interview.pk, kind=kind, code=code)
        for interview, _, codes in interviews
        for kind, code in codes
    ]
    InterviewFactor.objects.bulk_create(factors, batch_size=BATCH_SIZE)
    rows[Child] += len(children)
    rows[CareEpisode] += len(care)
    rows[MissingEpisode] += len(episodes)
    rows[RiskGradeChange] += len(grade_changes)
    rows[ReturnInterview] += len(interviews)
    rows[through] += len(links)
    rows[InterviewFactor] += len(factors)


def _backdate(first_episode_pk: int | None, first_interview_pk: int | None, due: timedelta) -> None:
    """Make the generated records look entered when they happened, not at load time."""
    if first_episode_pk is not None:
        MissingEpisode.objects.filter(pk__gte=first_episode_pk).update(
            created_at=F("reported_at"), updated_at=Coalesce("returned_at", "reported_at")
        )
    if first_interview_pk is not None:
        ReturnInterview.objects.filter(pk__gte=first_interview_pk).update(
            created_at=F("due_by") - due, updated_at=Coalesce("completed_at", "offered_at", F("due_by") - due)
        )


def generate(
    children: int, seed: int, *, now: datetime | None = None, progress: Progress | None = None
) -> GenerationReport:
    """Write `children` synthetic children with their episodes and return interviews.

    The same `seed` and `now` give the same rows (into a database with the same reference data).
    `progress`, if given, is called with (children written so far, children wanted) after each chunk.
    """
    if children < 1:
        raise ValueError("children must be at least 1")
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError(
            "The synthetic data generator needs a database that returns primary keys from bulk inserts "
            "(PostgreSQL, or SQLite 3.35 or later)."
        )
    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    due_hours = settings.HOMEWARD_RHI_DUE_HOURS
    started = time.perf_counter()
    rows: Counter = Counter()
    rng = random.Random(seed)
    with transaction.atomic():
        world = ensure_world()
        rows.update(world.created)
        generator = Generator(rng, world, now, due_hours, care_rng=random.Random(f"care-{seed}"))
        planter = NetworkPlanter(generator, seed)
        # About 2.5 % of children (at least one in twenty) have their latest episode still open.
        open_count = max(1 if children >= 20 else 0, round(children * OPEN_EPISODE_SHARE))
        open_children = set(rng.sample(range(children), open_count))
        first_episode_pk = first_interview_pk = None
        done = 0
        while done < children:
            size = min(CHILDREN_PER_CHUNK, children - done)
            plans = [generator.plan(index in open_children) for index in range(done, done + size)]
            _write_chunk(plans, rows)
            planter.observe(plans)
            if first_episode_pk is None:
                first_episode_pk = next((e.pk for p in plans for e in p.episodes), None)
            if first_interview_pk is None:
                first_interview_pk = next((i.pk for p in plans for i, _, _ in p.interviews), None)
            done += size
            if progress:
                progress(done, children)
        network = planter.plant(rows)
        first_child = min((pk for pk, *_ in planter.children), default=0)
        rows[PlacementHistory] += plant_placements(
            seed, first_child, (cluster.children for cluster in network.clusters)
        )
        _backdate(first_episode_pk, first_interview_pk, timedelta(hours=due_hours))
        record_event(
            actor=None,
            action=AuditEvent.Action.CREATE,
            summary=f"Synthetic data generated: {children} children, {rows[MissingEpisode]} episodes",
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
    )
