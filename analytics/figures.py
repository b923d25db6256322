"""Every figure on the dashboard, as a plain function of (scope, filters) returning rows (a list of dicts).

The page, the CSV and Excel downloads and the tests all call these same functions. Numbers are exact and
unsuppressed here; small-number suppression is applied where figures are shown or written
(`analytics.tables`).

Where each figure comes from:
- the summary roll-ups (`EpisodeMonthlyRollup`, `EpisodeHourRollup`, `ChildMonthRollup`,
  `InterviewMonthlyRollup`, `FactorMonthlyRollup`): episodes and children per month, repeat children,
  durations, time of day, risk grades, the breakdowns by child characteristics, return interviews, push and
  pull factors and disclosures, the headline figures and their comparison, the regional table by council;
- the national roll-ups (`NationalMonthRollup`, `NationalChildMonth`, `NationalHourRollup`,
  `NationalInterviewRollup`, `NationalFactorRollup`), without the filter dimensions, for the regional
  (national) view when no filter is set;
- the per-episode fact table the roll-ups are maintained from (`EpisodeFact`): top places and postcode
  districts (free text is normalised once, when the fact is written, so this is a grouped count, not a scan
  of the episodes);
- the case records directly, because no roll-up answers them: open referrals (a snapshot of now, from
  risk.Referral) and the map (places recorded in the network app with coordinates).
"""

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from access.models import Agency
from analytics.dimensions import (
    DIMENSION_LABELS,
    WEEKDAYS,
    AgeBand,
    Area,
    DurationBand,
    age_band,
    ethnicity_group,
)
from analytics.filters import Filters, Scope
from analytics.models import (
    ChildMonthRollup,
    EpisodeFact,
    EpisodeHourRollup,
    EpisodeMonthlyRollup,
    FactorMonthlyRollup,
    InterviewMonthlyRollup,
    NationalChildMonth,
    NationalFactorRollup,
    NationalHourRollup,
    NationalInterviewRollup,
    NationalMonthRollup,
)
from analytics.values import Change, Rate
from episodes.codes import RiskGrade
from interviews.codes import FACTOR_CODES, FactorKind

Rows = list[dict]
OVER_A_DAY = [DurationBand.DAYS_1_3, DurationBand.DAYS_3_7, DurationBand.OVER_7D]
BREAKDOWNS = ["legal_status", "age_band", "sex", "ethnicity_group", "placement_type", "area"]
MAP_PRECISION = Decimal("0.01")  # about a kilometre: the map shows where, never an address


def _episodes(scope: Scope, filters: Filters, model=EpisodeMonthlyRollup) -> QuerySet:
    return model.objects.filter(scope.q(), filters.q()).order_by()


def national(scope: Scope, filters: Filters) -> bool:
    """Whether the national roll-ups answer: the regional view with no filter on the child or the episode."""
    return scope.kind == "regional" and not filters.dimensions()


def _national_months(scope: Scope, filters: Filters) -> QuerySet:
    return NationalMonthRollup.objects.filter(scope.q(), filters.q()).order_by()


def _child_months(scope: Scope, filters: Filters) -> QuerySet:
    """One row per child and month (and key): the national table when it answers, else the filtered one."""
    model = NationalChildMonth if national(scope, filters) else ChildMonthRollup
    return _episodes(scope, filters, model)


def _interviews(scope: Scope, filters: Filters, model=InterviewMonthlyRollup) -> QuerySet:
    """Interview (or factor) roll-up rows in scope: the national tables when they answer (the factors' only
    when no council is chosen, as they have no council column), else the filtered ones."""
    if not scope.shows_interviews:
        return model.objects.none()
    if national(scope, filters):
        if model is InterviewMonthlyRollup:
            model = NationalInterviewRollup
        elif not scope.council_id:
            return NationalFactorRollup.objects.filter(filters.q()).order_by()
    return model.objects.filter(scope.q(), filters.q()).order_by()


def _repeat_threshold() -> int:
    return settings.HOMEWARD_REPEAT_MISSING_COUNT


# --- Episodes and children ------------------------------------------------------------------------------


def episodes_by_month(scope: Scope, filters: Filters) -> Rows:
    """Episodes (by the month the child was last seen) and distinct children missing in each month."""
    if national(scope, filters):
        counts = {
            month: (episodes, children)
            for month, episodes, children in _national_months(scope, filters)
            .values_list("month")
            .annotate(episodes=Sum("episodes"), children=Sum("children"))
        }
        return [
            {"month": month, "episodes": counts.get(month, (0, 0))[0], "children": counts.get(month, (0, 0))[1]}
            for month in filters.months
        ]
    episodes = dict(_episodes(scope, filters).values_list("month").annotate(n=Sum("episodes")))
    children = dict(
        _episodes(scope, filters, ChildMonthRollup).values_list("month").annotate(n=Count("child_id", distinct=True))
    )
    return [
        {"month": month, "episodes": episodes.get(month, 0), "children": children.get(month, 0)}
        for month in filters.months
    ]


def episodes_per_child(scope: Scope, filters: Filters) -> dict[int, int]:
    """Each child missing in the period (within the filters) and their number of episodes in it."""
    return dict(_child_months(scope, filters).values_list("child_id").annotate(n=Sum("episodes")).order_by())


def repeat_children(scope: Scope, filters: Filters) -> Rows:
    """Children by their number of episodes in the period, up to the repeat threshold
    (settings.HOMEWARD_REPEAT_MISSING_COUNT), with the share of all episodes each group accounts for."""
    threshold = _repeat_threshold()
    counts = episodes_per_child(scope, filters)
    total = sum(counts.values())
    rows = []
    for number in range(1, threshold + 1):
        group = [n for n in counts.values() if (n >= threshold if number == threshold else n == number)]
        label = f"{number} or more (repeat)" if number == threshold else str(number)
        rows.append(
            {
                "group": label,
                "children": len(group),
                "episodes": sum(group),
                "share": Rate(sum(group), total),
            }
        )
    return rows


def _totals(scope: Scope, filters: Filters) -> dict:
    """The headline counts for one period (three grouped queries)."""
    by: Counter[str] = Counter()
    if national(scope, filters):
        by.update(
            {
                key: value or 0
                for key, value in _national_months(scope, filters)
                .aggregate(
                    episodes=Sum("episodes"),
                    over_a_day=Sum(F("days_1_3") + F("days_3_7") + F("over_7d")),
                    open=Sum("still_open"),
                    high=Sum("high"),
                )
                .items()
            }
        )
    for band, grade, n in (
        _episodes(scope, filters).values_list("duration_band", "risk_grade").annotate(n=Sum("episodes"))
        if not national(scope, filters)
        else []
    ):
        by["episodes"] += n
        by["over_a_day"] += n if band in OVER_A_DAY else 0
        by["open"] += n if band == DurationBand.OPEN else 0
        by["high"] += n if grade == RiskGrade.HIGH else 0
    counts = episodes_per_child(scope, filters)
    repeat = [n for n in counts.values() if n >= _repeat_threshold()]
    sums = _interviews(scope, filters).aggregate(
        due=Sum("interviews"), in_time=Sum("offered_in_time"), completed=Sum("completed")
    )
    return {
        "episodes": by["episodes"],
        "children": len(counts),
        "repeat_children": len(repeat),
        "repeat_share": Rate(sum(repeat), by["episodes"]),
        "over_a_day": by["over_a_day"],
        "high": by["high"],
        "open": by["open"],
        "due": sums["due"] or 0,
        "offered_in_time": Rate(sums["in_time"] or 0, sums["due"] or 0),
        "completed": sums["completed"] or 0,
    }


HEADLINE_MEASURES = [
    ("episodes", "Missing episodes"),
    ("children", "Children who went missing"),
    ("repeat_children", "Repeat children ({threshold} or more episodes)"),
    ("repeat_share", "Share of episodes that were repeat children's"),
    ("over_a_day", "Episodes lasting more than 24 hours"),
    ("high", "Episodes graded high risk"),
    ("open", "Episodes still open"),
    ("due", "Return interviews due"),
    ("offered_in_time", "Return interviews offered within {due_hours} hours"),
    ("completed", "Return interviews completed"),
]
INTERVIEW_MEASURES = {"due", "offered_in_time", "completed"}


def headline(scope: Scope, filters: Filters) -> Rows:
    """The headline figures for the period, the period of the same length before it, and the change."""
    now, before = _totals(scope, filters), _totals(scope, filters.previous())
    names = {"threshold": _repeat_threshold(), "due_hours": settings.HOMEWARD_RHI_DUE_HOURS}
    return [
        {
            "measure": label.format(**names),
            "current": now[key],
            "previous": before[key],
            "change": Change(now[key], before[key]),
        }
        for key, label in HEADLINE_MEASURES
        if scope.shows_interviews or key not in INTERVIEW_MEASURES
    ]


def duration_bands(scope: Scope, filters: Filters) -> Rows:
    """How long children were missing: last seen to found or returned, and those still missing."""
    if national(scope, filters):
        measures = NationalMonthRollup.DURATION_MEASURES
        sums = _national_months(scope, filters).aggregate(**{name: Sum(name) for name in measures.values()})
        counts = {band: sums[name] or 0 for band, name in measures.items()}
    else:
        counts = dict(_episodes(scope, filters).values_list("duration_band").annotate(n=Sum("episodes")))
    total = sum(counts.values())
    return [
        {"band": label, "episodes": counts.get(value, 0), "share": Rate(counts.get(value, 0), total)}
        for value, label in DurationBand.choices
    ]


def time_of_day(scope: Scope, filters: Filters) -> Rows:
    """Episodes by the local day of the week and hour the child was last seen: 7 rows of 24 hours."""
    every_council = national(scope, filters) and not scope.council_id
    rows = (
        NationalHourRollup.objects.filter(filters.q()).order_by()
        if every_council
        else _episodes(scope, filters, EpisodeHourRollup)
    )
    counts = {
        (weekday, hour): n for weekday, hour, n in rows.values_list("weekday", "hour").annotate(n=Sum("episodes"))
    }
    table: list[dict] = []
    for weekday, name in enumerate(WEEKDAYS):
        row: dict[str, object] = {"weekday": name}
        row.update({f"h{hour:02d}": counts.get((weekday, hour), 0) for hour in range(24)})
        row["total"] = sum(counts.get((weekday, hour), 0) for hour in range(24))
        table.append(row)
    return table


def risk_grades(scope: Scope, filters: Filters) -> Rows:
    """Episodes by their police risk grade now (the latest grade; the history is on each episode)."""
    if national(scope, filters):
        measures = NationalMonthRollup.RISK_MEASURES
        sums = _national_months(scope, filters).aggregate(**{name: Sum(name) for name in measures.values()})
        counts = {grade: sums[name] or 0 for grade, name in measures.items()}
    else:
        counts = dict(_episodes(scope, filters).values_list("risk_grade").annotate(n=Sum("episodes")))
    total = sum(counts.values())
    return [
        {"grade": label, "episodes": counts.get(value, 0), "share": Rate(counts.get(value, 0), total)}
        for value, label in RiskGrade.choices
    ]


def breakdown(scope: Scope, filters: Filters, dimension: str) -> Rows:
    """Episodes and distinct children by one characteristic of the child (legal status, age band when last
    seen, sex, ethnic group, placement type, in or out of area)."""
    column = "out_of_area" if dimension == "area" else dimension
    child_months = _child_months(scope, filters)
    if national(scope, filters):  # every episode is in the national child table, with the child's characteristics
        episodes = dict(child_months.values_list(column).annotate(n=Sum("episodes")))
    else:
        episodes = dict(_episodes(scope, filters).values_list(column).annotate(n=Sum("episodes")))
    children = dict(child_months.values_list(column).annotate(n=Count("child_id", distinct=True)))
    if dimension == "area":
        episodes = {(Area.OUT_OF_AREA if k else Area.IN_AREA): v for k, v in episodes.items()}
        children = {(Area.OUT_OF_AREA if k else Area.IN_AREA): v for k, v in children.items()}
    total = sum(episodes.values())
    labels = DIMENSION_LABELS[dimension]
    rows = [
        {
            "value": label,
            "episodes": episodes.get(value, 0),
            "children": children.get(value, 0),
            "share": Rate(episodes.get(value, 0), total),
        }
        for value, label in labels.items()
    ]
    if dimension == "age_band":  # "18 or over" only appears when a care leaver's episode is recorded
        rows = [row for row, value in zip(rows, labels, strict=True) if value != AgeBand.OVER_17 or row["episodes"]]
    return rows


# --- Where ----------------------------------------------------------------------------------------------


def _facts(scope: Scope, filters: Filters) -> QuerySet:
    return EpisodeFact.objects.filter(scope.q(), filters.q()).order_by()


def places(scope: Scope, filters: Filters, which: str = "last_seen") -> Rows:
    """The most common places children were last seen at or found at: counted under their normalised text
    (case, punctuation and postcode set aside) and shown as written in one of their episodes.

    A place is listed only when it was recorded for at least settings.HOMEWARD_DASHBOARD_PLACE_MIN_CHILDREN
    different children, so a single child's home address or a one-off description (which might name
    someone) never appears on the dashboard.
    """
    column = f"{which}_place"
    rows = list(
        _facts(scope, filters)
        .exclude(**{column: ""})
        .values_list(column)
        .annotate(episodes=Count("episode_id"), children=Count("child_id", distinct=True))
        .filter(children__gte=settings.HOMEWARD_DASHBOARD_PLACE_MIN_CHILDREN)
        .order_by("-episodes", "-children", column)[: settings.HOMEWARD_DASHBOARD_TOP_PLACES]
    )
    spellings: dict[str, Counter] = {place: Counter() for place, _, _ in rows}
    for place, written, n in (
        _facts(scope, filters)
        .filter(**{f"{column}__in": list(spellings)})
        .values_list(column, f"{which}_as_written")
        .annotate(n=Count("episode_id"))
    ):
        spellings[place][written] += n

    def shown(place: str) -> str:
        """The spelling most of its episodes use; on a tie, the first in character order."""
        return min(spellings[place].items(), key=lambda item: (-item[1], item[0]))[0]

    return [{"place": shown(place), "episodes": episodes, "children": children} for place, episodes, children in rows]


def districts(scope: Scope, filters: Filters, which: str = "last_seen") -> Rows:
    """Postcode districts (such as NM5) of the places children were last seen at or found at, where the place
    was written with a postcode (the episode has no postcode field of its own)."""
    column = f"{which}_district"
    rows = (
        _facts(scope, filters)
        .exclude(**{column: ""})
        .values_list(column)
        .annotate(episodes=Count("episode_id"), children=Count("child_id", distinct=True))
        .order_by("-episodes", column)[: settings.HOMEWARD_DASHBOARD_TOP_PLACES]
    )
    return [{"district": district, "episodes": episodes, "children": children} for district, episodes, children in rows]


def map_points(scope: Scope, filters: Filters) -> Rows:
    """Where children were last seen or found, on a grid of about a kilometre: places in the network app that
    have coordinates and are linked to an episode in the figures as "last seen at" or "found at". Police-only
    intelligence is left out. Read from the case records (the links change outside the episode actions)."""
    from network.codes import LinkSource
    from network.models import ChildPlaceLink

    links = ChildPlaceLink.objects.filter(
        episode_id__in=_facts(scope, filters).values("episode_id"),
        source__in=[LinkSource.LAST_SEEN_AT, LinkSource.FOUND_AT],
        police_only=False,
        place__police_only=False,
        place__latitude__isnull=False,
        place__longitude__isnull=False,
    ).order_by()
    cells: dict[tuple[Decimal, Decimal], set[int]] = {}
    for latitude, longitude, episode_id in links.values_list("place__latitude", "place__longitude", "episode_id"):
        assert latitude is not None and longitude is not None  # filtered above
        key = (
            Decimal(latitude).quantize(MAP_PRECISION, ROUND_HALF_UP),
            Decimal(longitude).quantize(MAP_PRECISION, ROUND_HALF_UP),
        )
        cells.setdefault(key, set()).add(episode_id)
    return [
        {"latitude": latitude, "longitude": longitude, "episodes": len(episodes)}
        for (latitude, longitude), episodes in sorted(cells.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


# --- Return interviews and what children said -----------------------------------------------------------

INTERVIEW_ROWS = [
    ("interviews", "Due (the child returned and an interview was owed)"),
    ("offered", "Offered"),
    ("offered_in_time", "Offered within {due_hours} hours"),
    ("accepted", "Accepted"),
    ("completed", "Completed"),
    ("declined", "Declined by the child"),
    ("no_contact", "Could not make contact"),
    ("not_offered", "Not offered"),
    ("awaiting", "No outcome recorded yet"),
]


def interviews(scope: Scope, filters: Filters) -> Rows:
    """Return interviews due in the period (by the month they were due) and what became of them."""
    sums = _interviews(scope, filters).aggregate(**{key: Sum(key) for key, _ in INTERVIEW_ROWS})
    due = sums["interviews"] or 0
    names = {"due_hours": settings.HOMEWARD_RHI_DUE_HOURS}
    return [
        {"measure": label.format(**names), "interviews": sums[key] or 0, "share": Rate(sums[key] or 0, due)}
        for key, label in INTERVIEW_ROWS
    ]


def factor_kinds() -> list[tuple[str, str]]:
    return [
        (FactorKind.PUSH, "Push factors"),
        (FactorKind.PULL, "Pull factors"),
        (FactorKind.DISCLOSURE, "Disclosures"),
    ]


def factors_by_month(scope: Scope, filters: Filters, kind: str) -> Rows:
    """How often each push factor, pull factor or disclosure was recorded, by the month the interview was held.
    One interview can record several."""
    counts = {
        (code, month): n
        for code, month, n in _interviews(scope, filters, FactorMonthlyRollup)
        .filter(kind=kind)
        .values_list("code", "month")
        .annotate(n=Sum("interviews"))
    }
    rows = []
    for code, label in FACTOR_CODES[kind].choices:
        row = {"factor": label}
        row.update({f"{month:%Y-%m}": counts.get((code, month), 0) for month in filters.months})
        row["total"] = sum(counts.get((code, month), 0) for month in filters.months)
        rows.append(row)
    return rows


def factor_trend(scope: Scope, filters: Filters) -> Rows:
    """Push factors, pull factors and disclosures recorded in each month (the chart over time)."""
    counts = {
        (kind, month): n
        for kind, month, n in _interviews(scope, filters, FactorMonthlyRollup)
        .values_list("kind", "month")
        .annotate(n=Sum("interviews"))
    }
    return [
        {"month": month, **{kind: counts.get((kind, month), 0) for kind, _ in factor_kinds()}}
        for month in filters.months
    ]


# --- Open referrals (there is no meetings-and-actions record yet) ---------------------------------------


def open_referrals(scope: Scope, filters: Filters, today: dt.date | None = None) -> Rows:
    """Referrals still open now (made or accepted, not yet closed), by where they went and how long they have
    been open. Homeward has no record of meetings and their actions yet; open referrals are the open work it
    does hold. Read from the case records: a snapshot of today, so the period and risk grade filters do not
    apply; the child's characteristics do (age band as of today)."""
    from risk.codes import ReferralStatus, ReferralTo
    from risk.models import Referral

    today = today or timezone.localdate()
    child_filter = Q()
    for name in ("legal_status", "sex", "placement_type"):
        value = getattr(filters, name)
        if value:
            child_filter &= Q(**{f"child__{'living_arrangement' if name == 'placement_type' else name}": value})
    if filters.area:
        same = Q(child__placement_council_id=F("child__responsible_council_id"))
        child_filter &= same if filters.area == Area.IN_AREA else ~same
    referrals = Referral.objects.open().filter(scope.children("child__"), child_filter).order_by()
    counts: Counter = Counter()
    for to, status, made_at, born, ethnicity in referrals.values_list(
        "to", "status", "made_at", "child__date_of_birth", "child__ethnicity"
    ):
        if filters.age_band and age_band(born, today) != filters.age_band:
            continue
        if filters.ethnicity_group and ethnicity_group(ethnicity) != filters.ethnicity_group:
            continue
        older = (today - timezone.localdate(made_at)).days > settings.HOMEWARD_DASHBOARD_REFERRAL_DAYS
        counts[(to, status, "open")] += 1
        counts[(to, status, "older")] += older
    return [
        {
            "to": to_label,
            "status": status_label,
            "referrals": counts[(to, status, "open")],
            "older": counts[(to, status, "older")],
        }
        for to, to_label in ReferralTo.choices
        for status, status_label in ReferralStatus.choices
        if status in (ReferralStatus.MADE, ReferralStatus.ACCEPTED)
    ]


# --- The regional view ----------------------------------------------------------------------------------


def by_council(scope: Scope, filters: Filters) -> Rows:
    """The regional view's comparison: each council's episodes, children, repeat children and interviews
    offered in time (children counted under the council responsible for them)."""
    by_month = _national_months(scope, filters) if national(scope, filters) else _episodes(scope, filters)
    episodes = dict(by_month.values_list("council_id").annotate(n=Sum("episodes")))
    per_child = _child_months(scope, filters).values_list("council_id", "child_id").annotate(n=Sum("episodes"))
    children: Counter = Counter()
    repeat: Counter = Counter()
    for council_id, _child, n in per_child:
        children[council_id] += 1
        repeat[council_id] += n >= _repeat_threshold()
    offers = {
        council_id: Rate(in_time or 0, due or 0)
        for council_id, due, in_time in _interviews(scope, filters)
        .values_list("council_id")
        .annotate(due=Sum("interviews"), in_time=Sum("offered_in_time"))
    }
    names = dict(Agency.objects.filter(pk__in=set(episodes) | set(offers)).values_list("pk", "name"))
    return [
        {
            "council": names.get(pk, str(pk)),
            "episodes": episodes.get(pk, 0),
            "children": children[pk],
            "repeat_children": repeat[pk],
            "offered_in_time": offers.get(pk, Rate(0, 0)),
        }
        for pk in sorted(names, key=lambda pk: names[pk])
    ]
