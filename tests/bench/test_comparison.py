"""The national benchmark's pandas and DuckDB yardsticks compute the same figures as Homeward."""

import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import pytest
from django.db import connection

from access.models import Agency, AgencyKind
from analytics import figures
from analytics.filters import Filters, Scope
from analytics.models import EpisodeFact
from bench import comparison
from returns.ssda903 import CollectionYear, build_return
from synthetic.national import generate_national

NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_pandas_and_duckdb_agree_with_the_dashboard():
    if connection.vendor != "postgresql":
        pytest.skip("the yardsticks read PostgreSQL's tables as the benchmark does")
    generate_national(120, seed=3, councils=4, forces=2, years=3, now=NOW)
    filters = Filters(start=dt.date(2025, 3, 1), end=dt.date(2026, 2, 1))
    previous = filters.previous()
    period = comparison.Period(filters.start, filters.end, previous.start, previous.end)
    threshold = figures._repeat_threshold()
    council_id = EpisodeFact.objects.values_list("council_id", flat=True).first()
    frames = comparison.load_frames()
    database = duckdb.connect()
    with tempfile.TemporaryDirectory() as directory:
        paths = comparison.write_parquet(frames, Path(directory))
        for scope, wanted in (
            (Scope("regional", name="All councils"), None),
            (Scope("council", name="A council", agency_id=council_id), council_id),
        ):
            ours = {**figures._totals(scope, filters), "by_month": figures.episodes_by_month(scope, filters)}
            assert ours["episodes"] > 0
            assert comparison.figures_agree(ours, comparison.pandas_figures(frames["facts"], wanted, period, threshold))
            assert comparison.figures_agree(
                ours, comparison.duckdb_figures(database, paths["facts"], wanted, period, threshold)
            )
        checked = 0
        for council in Agency.objects.filter(kind=AgencyKind.COUNCIL):
            for year in (CollectionYear(2024), CollectionYear(2025)):
                tables = build_return(council, year).tables()
                assert comparison.pandas_ssda903(frames, council.pk, year) == tables
                assert comparison.duckdb_ssda903(database, paths, council.pk, year) == tables
                checked += len(tables["Missing"])
        assert checked  # some returns have missing periods to compare
