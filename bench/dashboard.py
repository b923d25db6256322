"""The `dashboard` benchmark: the dashboard's figures on a generated data set, read from the roll-ups.

`python -m bench --only dashboard [--children 20000]` generates the children, rebuilds the roll-ups
(the generator writes without the actions), then times, warm (one run to warm up, then the median of
RUNS runs): every table of the busiest council's dashboard, the whole council page (figures, charts and
template), the busiest police force's figures, the regional view's figures and page, one incremental
refresh after an episode changes, and the same month-by-month count done straight from the episodes, for
comparison. It checks the roll-ups equal a recount. Everything is rolled back unless --keep is given.
"""

import statistics
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import partial
from time import perf_counter
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.test import RequestFactory
from django.utils import timezone

from access.http import AuthenticatedHttpRequest
from access.models import Agency, AgencyKind, Role, RoleAssignment, User
from analytics import figures, rollups
from analytics.filters import Filters, Scope
from analytics.models import ROLLUP_MODELS, EpisodeFact, InterviewFact
from analytics.tables import all_tables
from analytics.views import dashboard
from bench.registry import BenchmarkOptions, Rollback, benchmark
from children.models import Child
from episodes.codes import RiskGrade
from episodes.models import MissingEpisode
from synthetic.generator import generate

RUNS = 7


def _paused_build(council: Any, year: Any, build_return: Callable, collector_paused: Callable) -> Any:
    """Build the return as `export_ssda903` does: with the cyclic garbage collector paused."""
    with collector_paused():
        return build_return(council, year)


def _once(figures: dict[str, Any], name: str, function: Callable[[], Any]) -> Any:
    started = perf_counter()
    result = function()
    figures[name] = round(perf_counter() - started, 3)
    return result


def _median(figures: dict[str, Any], name: str, function: Callable[[], Any], runs: int = RUNS) -> Any:
    """Warm up once, then keep the median of `runs` timings (seconds, to the millisecond)."""
    result = function()
    timings = []
    for _ in range(runs):
        started = perf_counter()
        result = function()
        timings.append(perf_counter() - started)
    figures[name] = round(statistics.median(timings), 4)
    figures[f"{name}_min"] = round(min(timings), 4)
    return result


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _user(username: str, agency: Agency | None, role: str | None = None) -> User:
    user = User.objects.create(username=username, agency=agency)
    if role:
        RoleAssignment.objects.create(user=user, role=role)
    return User.objects.select_related("agency").get(pk=user.pk)


def _page(user: User, path: str, regional: bool = False) -> int:
    request = RequestFactory().get(path)
    request.user = user
    response = dashboard(cast(AuthenticatedHttpRequest, request), regional=regional)
    assert response.status_code == 200, response.status_code
    return len(response.content)


def _direct_episodes_by_month(council: Agency, filters: Filters) -> list:
    """The episodes-and-children-by-month figure without the roll-ups: a join and a local-time truncation."""
    zone = timezone.get_current_timezone()
    after = (filters.end + timedelta(days=32)).replace(day=1)
    return list(
        MissingEpisode.objects.filter(
            child__responsible_council=council,
            last_seen_at__gte=timezone.make_aware(datetime.combine(filters.start, time.min), zone),
            last_seen_at__lt=timezone.make_aware(datetime.combine(after, time.min), zone),
        )
        .annotate(month=TruncMonth("last_seen_at", tzinfo=zone))
        .values("month")
        .annotate(episodes=Count("pk"), children=Count("child", distinct=True))
        .order_by("month")
    )


def _day(month: Any) -> Any:
    return timezone.localtime(month).date() if isinstance(month, datetime) else month


def _refresh_after_change(child_id: int, episode: MissingEpisode) -> None:
    """Change an episode's grade behind the actions' back, then refresh: the cost an action pays."""
    grades = [RiskGrade.LOW, RiskGrade.HIGH]
    current = MissingEpisode.objects.filter(pk=episode.pk).values_list("risk_grade", flat=True).get()
    new = grades[1] if current == grades[0] else grades[0]
    MissingEpisode.objects.filter(pk=episode.pk).update(risk_grade=new)
    rollups.refresh_child(child_id)


@benchmark("dashboard")
def dashboard_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """The dashboard's figures from the roll-ups: a council's, a police force's and the regional view (warm)."""
    figures: dict[str, Any] = {}
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            options.report(f"  dashboard: generating {options.children:,} children")
            _once(figures, "generate_seconds", lambda: generate(options.children, options.seed))
            options.report("  dashboard: rebuilding the roll-ups")
            report = _once(figures, "rebuild_rollups_seconds", rollups.rebuild)
            _once(figures, "analyze_seconds", _analyze)
            filters = Filters.default()
            busiest = Child.objects.values("responsible_council").annotate(n=Count("episodes")).order_by("-n")[0]
            council = Agency.objects.get(pk=busiest["responsible_council"])
            force_id = (
                MissingEpisode.objects.values("police_force").annotate(n=Count("pk")).order_by("-n")[0]["police_force"]
            )
            force = Agency.objects.get(pk=cast(int, force_id))  # the busiest force: episodes always have one
            council_scope = Scope("council", name=council.name, agency_id=council.pk)
            police_scope = Scope("police", name=force.name, agency_id=force.pk)
            regional_scope = Scope("regional", name="All councils")
            analyst = _user("bench.dashboard.analyst", council, Role.ANALYST)
            regional_user = _user("bench.dashboard.regional", council)
            regional_user.is_superuser = True  # holds every permission, the regional view's among them
            options.report(f"  dashboard: timing {council.name}, {force.name} and the regional view")
            tables = _median(figures, "council_figures_seconds", lambda: all_tables(council_scope, filters))
            _median(figures, "council_page_seconds", lambda: _page(analyst, "/analytics/"))
            _median(
                figures,
                "council_placed_figures_seconds",
                lambda: all_tables(
                    Scope("council", name=council.name, agency_id=council.pk, include_placed=True), filters
                ),
            )
            _median(figures, "police_figures_seconds", lambda: all_tables(police_scope, filters))
            _median(figures, "regional_figures_seconds", lambda: all_tables(regional_scope, filters))
            page_bytes = _median(
                figures, "regional_page_seconds", lambda: _page(regional_user, "/analytics/regional/", True)
            )
            _median(
                figures,
                "council_episodes_by_month_rollup_seconds",
                lambda: tables["episodes-by-month"].spec.build(council_scope, filters),
            )
            direct = _median(
                figures, "council_episodes_by_month_direct_seconds", lambda: _direct_episodes_by_month(council, filters)
            )
            child_id = (
                Child.objects.filter(responsible_council=council)
                .annotate(n=Count("episodes"))
                .order_by("-n", "pk")
                .values_list("pk", flat=True)[0]
            )
            episode = MissingEpisode.objects.filter(child_id=child_id).order_by("pk").first()
            assert episode is not None  # the busiest child has episodes
            _median(figures, "refresh_child_unchanged_seconds", lambda: rollups.refresh_child(child_id))
            _median(figures, "refresh_child_after_change_seconds", lambda: _refresh_after_change(child_id, episode))
            options.report("  dashboard: checking the roll-ups against a full recount")
            found = _once(figures, "check_rollups_seconds", rollups.differences)
            by_month = {row["month"]: row for row in tables["episodes-by-month"].rows}
            direct_matches = all(
                by_month[_day(row["month"])]["episodes"] == row["episodes"]
                and by_month[_day(row["month"])]["children"] == row["children"]
                for row in direct
            )
            result = {
                "children": options.children,
                "seed": options.seed,
                "episodes": MissingEpisode.objects.count(),
                "episode_facts": EpisodeFact.objects.count(),
                "interview_facts": InterviewFact.objects.count(),
                "rollup_rows": {model._meta.model_name: model._default_manager.count() for model in ROLLUP_MODELS},
                "rebuild_children": report.children,
                "period": filters.label,
                "council": council.name,
                "council_episodes_in_period": sum(row["episodes"] for row in tables["episodes-by-month"].rows),
                "police_force": force.name,
                "regional_page_bytes": page_bytes,
                "tables_per_dashboard": len(tables),
                "busiest_child_episodes": MissingEpisode.objects.filter(child_id=child_id).count(),
                "rollups_equal_recount": not found,
                "direct_query_matches_rollups": direct_matches,
                "runs_per_timing": RUNS,
                **figures,
            }
            if not options.keep:
                raise Rollback
    except Rollback:
        pass
    return {**result, "kept": options.keep}


# --- The national benchmark ------------------------------------------------------------------------------


def _homeward_figures(scope: Scope, filters: Filters) -> dict[str, Any]:
    totals = figures._totals(scope, filters)
    return {**totals, "by_month": figures.episodes_by_month(scope, filters)}


def _ratios(figures_: dict[str, Any], name: str) -> None:
    """Homeward's time over pandas's and DuckDB's for the same aggregation (below 1: Homeward is faster)."""
    ours = figures_[f"{name}_seconds"]
    for engine in ("pandas", "duckdb"):
        theirs = figures_.get(f"{name}_{engine}_seconds")
        if theirs:
            figures_[f"{name}_ratio_to_{engine}"] = round(ours / theirs, 2)


@benchmark("national")
def national_benchmark(options: BenchmarkOptions) -> dict[str, Any]:
    """The national data as loaded (generate_national): a council, the national view, SSDA903, vs pandas and DuckDB."""
    import tempfile
    from pathlib import Path

    import duckdb

    from bench import comparison
    from returns.ssda903 import CollectionYear, build_return, collector_paused

    if not EpisodeFact.objects.exists():
        options.report("  national: skipped, no data loaded (run manage.py generate_national first)")
        return {"skipped": "no data loaded: run manage.py generate_national first"}
    result: dict[str, Any] = {}
    _analyze()
    filters = Filters.default()
    previous = filters.previous()
    period = comparison.Period(filters.start, filters.end, previous.start, previous.end)
    threshold = figures._repeat_threshold()
    busiest_id = (
        EpisodeFact.objects.filter(filters.q())
        .values("council_id")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]["council_id"]
    )
    council = Agency.objects.get(pk=busiest_id)
    council_scope = Scope("council", name=council.name, agency_id=council.pk)
    national_scope = Scope("regional", name="All councils")
    year = CollectionYear(filters.end.year - 1 if filters.end.month < 4 else filters.end.year)
    options.report(f"  national: timing {council.name}, the national view and SSDA903 {year.label}")
    _median(result, "council_figures_seconds", lambda: all_tables(council_scope, filters))
    _median(result, "council_episode_figures_seconds", lambda: _homeward_figures(council_scope, filters))
    _median(result, "national_figures_seconds", lambda: all_tables(national_scope, filters))
    _median(result, "national_episode_figures_seconds", lambda: _homeward_figures(national_scope, filters))
    ssda = _median(result, "ssda903_seconds", lambda: _paused_build(council, year, build_return, collector_paused))
    ours_council = _homeward_figures(council_scope, filters)
    ours_national = _homeward_figures(national_scope, filters)

    options.report("  national: loading the data into pandas and writing Parquet")
    frames = _once(result, "pandas_load_seconds", comparison.load_frames)
    facts = frames["facts"]
    with tempfile.TemporaryDirectory() as directory:
        paths = _once(result, "parquet_write_seconds", lambda: comparison.write_parquet(frames, Path(directory)))
        result["parquet_bytes"] = sum(Path(path).stat().st_size for path in paths.values())
        database = duckdb.connect()
        database.execute("SET threads TO 2")
        options.report("  national: timing the same aggregations with pandas and DuckDB")
        theirs = {}
        for name, council_id, ours in (
            ("council_episode_figures", council.pk, ours_council),
            ("national_episode_figures", None, ours_national),
        ):
            by_pandas = _median(
                result,
                f"{name}_pandas_seconds",
                partial(comparison.pandas_figures, facts, council_id, period, threshold),
            )
            by_duckdb = _median(
                result,
                f"{name}_duckdb_seconds",
                partial(comparison.duckdb_figures, database, paths["facts"], council_id, period, threshold),
            )
            theirs[name] = {
                "pandas_agrees": comparison.figures_agree(ours, by_pandas),
                "duckdb_agrees": comparison.figures_agree(ours, by_duckdb),
            }
            _ratios(result, name)
        for name in ("council_figures", "national_figures"):  # the whole page's tables against the episode yardsticks
            base = name.replace("_figures", "_episode_figures")
            for engine in ("pandas", "duckdb"):
                result[f"{name}_ratio_to_{engine}"] = round(
                    result[f"{name}_seconds"] / result[f"{base}_{engine}_seconds"], 2
                )
        ssda_pandas = _median(
            result, "ssda903_pandas_seconds", lambda: comparison.pandas_ssda903(frames, council.pk, year)
        )
        ssda_duckdb = _median(
            result, "ssda903_duckdb_seconds", lambda: comparison.duckdb_ssda903(database, paths, council.pk, year)
        )
        theirs["ssda903"] = {
            "pandas_agrees": ssda_pandas == ssda.tables(),
            "duckdb_agrees": ssda_duckdb == ssda.tables(),
        }
        _ratios(result, "ssda903")
        database.close()
    return {
        "children": Child.objects.count(),
        "episodes": MissingEpisode.objects.count(),
        "episode_facts": EpisodeFact.objects.count(),
        "interview_facts": InterviewFact.objects.count(),
        "councils": Agency.objects.filter(kind=AgencyKind.COUNCIL).count(),
        "rollup_rows": {model._meta.model_name: model._default_manager.count() for model in ROLLUP_MODELS},
        "period": filters.label,
        "council": council.name,
        "council_episodes_in_period": ours_council["episodes"],
        "national_episodes_in_period": ours_national["episodes"],
        "ssda903_year": year.label,
        "ssda903_rows": {name: len(rows) for name, rows in ssda.tables().items()},
        "ssda903_compared": (
            "Homeward's build_return, pandas over the tables in memory and DuckDB over Parquet each build the "
            "return's three tables (Header, Episodes, Missing): the same rows in the same order and the same "
            "columns, dates in London time; `agreement.ssda903` says whether they equal build_return's"
        ),
        "agreement": theirs,
        "runs_per_timing": RUNS,
        **result,
    }
