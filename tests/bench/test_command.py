"""`python -m bench`: arguments, refusals, output; the benchmarks leave no data behind."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from access.models import User
from bench.command import Command
from children.models import Child

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(Command(), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_benchmarks_refuse_to_run_in_production(settings, tmp_path):
    settings.HOMEWARD_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        run("--children", "5", "--out", str(tmp_path))
    assert not Child.objects.exists()
    assert not User.objects.exists()


def test_benchmark_writes_json_and_leaves_no_data(tmp_path):
    output = run("--out", str(tmp_path), "--only", "generate", "--children", "30")
    result = json.loads((tmp_path / "generate.json").read_text())
    assert result["benchmark"] == "generate"
    assert result["children"] == 30 and result["rows"]["children"] == 30
    assert result["rows_per_second"] > 0 and result["seconds"] > 0
    assert result["database_vendor"] in ("sqlite", "postgresql") and result["date"]
    assert "rows per second" in output
    assert not Child.objects.exists(), "the benchmark rolls back what it wrote"


def test_benchmark_refuses_an_unknown_name(tmp_path):
    with pytest.raises(CommandError, match="Unknown benchmark nope"):
        run("--out", str(tmp_path), "--only", "nope")


def test_benchmark_list_names_the_benchmarks():
    assert "generate:" in run("--list")


def test_the_returns_benchmark_compares_the_same_tables_and_leaves_no_data(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the yardsticks read PostgreSQL's tables as the benchmark does")
    run("--out", str(tmp_path), "--only", "returns", "--children", "40")
    result = json.loads((tmp_path / "returns.json").read_text())
    measured = result["sizes"]["40"]
    assert measured["duckdb_agrees"] and measured["pandas_agrees"]
    assert measured["ratio_to_duckdb"] > 0 and measured["homeward_ms"] > 0
    assert not Child.objects.exists(), "the benchmark rolls back what it wrote"


def test_the_partnership_benchmark_finds_the_planted_groups_and_leaves_no_data(tmp_path):
    run("--out", str(tmp_path), "--only", "partnership", "--children", "600")
    result = json.loads((tmp_path / "partnership.json").read_text())
    assert result["councils"] == 2 and result["planted_clusters"] >= 1
    assert result["pictures"] and all(picture["planted_adults_ranked_first"] for picture in result["pictures"])
    assert all(picture["ratio"] > 0 and picture["picture_queries"] > 0 for picture in result["pictures"])
    planted = result["alerts_planted"]
    assert planted["children_checked"] >= 4 and planted["queries_per_child"] > 0 and planted["ratio"] > 0
    assert not Child.objects.exists(), "the benchmark rolls back what it wrote"


def test_the_child_page_benchmark_counts_queries_against_a_trivial_page_and_leaves_no_data(tmp_path):
    run("--out", str(tmp_path), "--only", "child_page", "--children", "40")
    result = json.loads((tmp_path / "child_page.json").read_text())
    assert result["children"] == 40 and result["child_episodes"] > 0
    for page in ("child_page_coordinator", "child_page_police", "child_page_quiet_child", "my_work_coordinator"):
        assert result[f"{page}_queries"] > result["trivial_page_queries"]
        assert result[f"{page}_bytes"] > 0 and result[f"{page}_ratio_to_trivial"] > 0
    assert result["child_page_outsider_404_bytes"] == 0  # another council's coordinator: not found
    assert not Child.objects.exists(), "the benchmark rolls back what it wrote"
    assert not User.objects.filter(username__startswith="bench.child_page.").exists()


def test_the_inbox_benchmark_opens_my_work_for_every_role_and_leaves_no_data(tmp_path):
    run("--out", str(tmp_path), "--only", "inbox", "--children", "40")
    result = json.loads((tmp_path / "inbox.json").read_text())
    assert result["children"] == 40 and len(result["load_average_before"]) == 3
    for role in ("coordinator", "manager", "social_worker", "police", "practitioner"):
        page = f"{role}_my_work"
        assert result[f"{page}_queries"] > result["trivial_page_queries"], page
        assert result[f"{page}_bytes"] > result["trivial_page_bytes"] and result[f"{page}_ratio_to_trivial"] > 0
    assert result["coordinator_tasks"] > 0 and result["team_tasks"] >= result["coordinator_tasks"]
    assert not Child.objects.exists(), "the benchmark rolls back what it wrote"
    assert not User.objects.filter(username__startswith="bench.inbox.").exists()
