"""How figures are shown: small-number suppression, the CSV and Excel downloads (read back), and the charts."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from analytics import charts
from analytics.tables import SPEC_BY_SLUG, SPECS, build_table, present, specs_for
from analytics.values import Change, Rate

PERIOD_QUERY = "start=2025-01&end=2025-03"


# --- Suppression -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit", "text", "stored"),
    [
        (0, 5, "0", 0),
        (1, 5, "[c]", "[c]"),
        (4, 5, "[c]", "[c]"),
        (5, 5, "5", 5),
        (1234, 0, "1,234", 1234),
        (3, 0, "3", 3),
        (Rate(7, 10), 0, "70.0%", 70.0),
        (Rate(3, 10), 5, "[c]", "[c]"),
        (Rate(7, 3), 5, "[c]", "[c]"),
        (Rate(0, 0), 5, "[z]", "[z]"),
        (Change(10, 2), 0, "+8", 8),
        (Change(2, 10), 0, "\N{MINUS SIGN}8", -8),
        (Change(10, 2), 5, "[c]", "[c]"),
        (Change(Rate(5, 8), Rate(1, 1)), 0, "\N{MINUS SIGN}37.5 percentage points", -37.5),
        (Change(Rate(5, 8), Rate(0, 0)), 0, "[z]", "[z]"),
        (dt.date(2025, 3, 1), 5, "March 2025", dt.date(2025, 3, 1)),
        ("Northtown bus station", 5, "Northtown bus station", "Northtown bus station"),
    ],
)
def test_present_suppresses_small_counts_and_what_is_worked_out_from_them(value, limit, text, stored):
    cell = present(value, limit)
    assert (cell.text, cell.value) == (text, stored)


def test_suppression_is_a_setting_and_zero_turns_it_off(dataset, settings):
    spec = SPEC_BY_SLUG["episodes-by-month"]
    assert [[c.text for c in row] for row in build_table(spec, dataset.north, dataset.period).cells()] == [
        ["January 2025", "4", "3"],
        ["February 2025", "3", "2"],
        ["March 2025", "3", "3"],
    ]
    settings.HOMEWARD_SMALL_NUMBER_SUPPRESSION = 4
    assert [[c.text for c in row] for row in build_table(spec, dataset.north, dataset.period).cells()] == [
        ["January 2025", "4", "[c]"],
        ["February 2025", "[c]", "[c]"],
        ["March 2025", "[c]", "[c]"],
    ]


def test_every_table_has_a_unique_slug_and_an_excel_sheet_name():
    assert len({spec.slug for spec in SPECS}) == len(SPECS)
    assert all(len(spec.sheet) <= 31 for spec in SPECS)
    assert len({spec.sheet for spec in SPECS}) == len(SPECS)


def test_police_dashboards_have_no_interview_tables_and_only_the_region_compares_councils(dataset):
    police = {spec.slug for spec in specs_for(dataset.police_north)}
    council = {spec.slug for spec in specs_for(dataset.north)}
    regional = {spec.slug for spec in specs_for(dataset.regional)}
    interview_tables = {"interviews", "factor-trend", "factors-push", "factors-pull", "factors-disclosure"}
    assert not police & interview_tables and interview_tables <= council
    assert "by-council" in regional and "by-council" not in council | police


# --- Downloads, read back -----------------------------------------------------------------------------------


@pytest.fixture
def analyst(client, dataset):
    client.force_login(dataset.world.users.analyst)
    return client


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


def test_a_table_as_csv(analyst):
    response = analyst.get(reverse("analytics:download", args=["episodes-by-month", "csv"]) + f"?{PERIOD_QUERY}")
    assert response.status_code == 200
    assert 'filename="episodes-by-month-2025-01-to-2025-03.csv"' in response["Content-Disposition"]
    assert read_csv(response) == [
        ["Month", "Episodes", "Children"],
        ["2025-01", "4", "3"],
        ["2025-02", "3", "2"],
        ["2025-03", "3", "3"],
    ]


def test_csv_with_rates_changes_and_filters(analyst):
    url = reverse("analytics:download", args=["headline", "csv"])
    rows = read_csv(analyst.get(f"{url}?{PERIOD_QUERY}"))
    assert rows[0] == ["Measure", "This period", "Previous period", "Change"]
    assert rows[1] == ["Missing episodes", "10", "2", "8"]
    assert rows[4] == ["Share of episodes that were repeat children's", "70.0", "0.0", "70.0"]
    assert rows[9] == ["Return interviews offered within 72 hours", "62.5", "100.0", "-37.5"]
    boys = read_csv(analyst.get(reverse("analytics:download", args=["risk-grades", "csv"]) + f"?{PERIOD_QUERY}&sex=M"))
    assert boys[1:] == [
        ["No apparent risk", "0", "0.0"],
        ["Low", "2", "40.0"],
        ["Medium", "2", "40.0"],
        ["High", "1", "20.0"],
    ]


def test_csv_is_suppressed_like_the_page(analyst, settings):
    settings.HOMEWARD_SMALL_NUMBER_SUPPRESSION = 3
    rows = read_csv(analyst.get(reverse("analytics:download", args=["duration", "csv"]) + f"?{PERIOD_QUERY}"))
    assert rows[1:] == [
        ["Under 6 hours", "3", "30.0"],
        ["6 to 24 hours", "3", "30.0"],
        ["1 to 3 days", "[c]", "[c]"],
        ["3 to 7 days", "[c]", "[c]"],
        ["Over 7 days", "[c]", "[c]"],
        ["Still missing", "[c]", "[c]"],
    ]


def test_a_table_as_excel(analyst):
    response = analyst.get(reverse("analytics:download", args=["repeat-children", "xlsx"]) + f"?{PERIOD_QUERY}")
    book = read_xlsx(response)
    assert book.sheetnames == ["About", "Repeat children"]
    sheet = book["Repeat children"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_row=4)] == [
        ["Episodes in the period", "Children", "Episodes", "Share of all episodes"],
        ["1", 1, 1, 10.0],
        ["2", 1, 2, 20.0],
        ["3 or more (repeat)", 2, 7, 70.0],
    ]
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=2) if row[0].value}
    assert about["Figures for"] == "Northmoor Council"
    assert about["Period"] == "January 2025 to March 2025"
    assert about["Small numbers"] == "Not suppressed: every count is shown."


def test_excel_months_are_dates_and_the_hour_grid_is_seven_by_twenty_four(analyst):
    book = read_xlsx(analyst.get(reverse("analytics:download", args=["time-of-day", "xlsx"]) + f"?{PERIOD_QUERY}"))
    sheet = book["Day and time"]
    assert sheet["A1"].value == "Day" and sheet["B1"].value == "00" and sheet["Y1"].value == "23"
    assert sheet["Z1"].value == "Total"
    assert [sheet.cell(row=r, column=26).value for r in range(2, 9)] == [3, 0, 0, 1, 2, 4, 0]
    assert sheet["X2"].value == 1  # Monday 22:00 (A1)
    months = read_xlsx(
        analyst.get(reverse("analytics:download", args=["episodes-by-month", "xlsx"]) + f"?{PERIOD_QUERY}")
    )
    cell = months["Episodes by month"]["A2"]
    assert cell.value == dt.datetime(2025, 1, 1) and cell.number_format == "mmm yyyy"


def test_the_whole_dashboard_as_one_workbook_with_a_sheet_per_table(analyst, dataset):
    book = read_xlsx(analyst.get(reverse("analytics:workbook") + f"?{PERIOD_QUERY}&risk_grade=high"))
    expected = ["About", *(spec.sheet for spec in specs_for(dataset.north))]
    assert book.sheetnames == expected
    assert "By council" not in book.sheetnames
    risk = book["Risk grades"]
    assert [[c.value for c in row] for row in risk.iter_rows(min_row=2, max_row=5)] == [
        ["No apparent risk", 0, 0.0],
        ["Low", 0, 0.0],
        ["Medium", 0, 0.0],
        ["High", 3, 100.0],
    ]
    about = {row[0].value: row[1].value for row in book["About"].iter_rows(min_row=2) if row[0].value}
    assert about["Risk grade"] == "High"


def test_downloads_name_no_child(analyst, dataset):
    from tests.analytics.conftest import CHILD_NAMES

    book = read_xlsx(analyst.get(reverse("analytics:workbook") + f"?{PERIOD_QUERY}"))
    text = " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value)
    for slug in (spec.slug for spec in specs_for(dataset.north)):
        text += analyst.get(reverse("analytics:download", args=[slug, "csv"]) + f"?{PERIOD_QUERY}").content.decode()
    for name in CHILD_NAMES:
        assert name not in text


def test_a_bad_filter_or_an_unknown_table_is_refused(analyst):
    assert analyst.get(reverse("analytics:download", args=["headline", "csv"]) + "?start=1990-01").status_code == 400
    assert analyst.get(reverse("analytics:download", args=["by-council", "csv"])).status_code == 404
    assert analyst.get(reverse("analytics:download", args=["no-such-table", "xlsx"])).status_code == 404
    assert analyst.get("/analytics/download/headline.pdf").status_code == 404


# --- Charts ---------------------------------------------------------------------------------------------------


def test_a_bar_chart_is_an_accessible_svg_with_its_numbers_written_on_it():
    svg = charts.bar_chart("chart-x", "Risk grades", [("Low", 2), ("High", 3), ("Medium", 0)], 0, "episodes")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="hw-chart hw-chart--bars"')
    assert 'role="img"' in svg and 'aria-labelledby="chart-x-title chart-x-desc"' in svg
    assert '<title id="chart-x-title">Risk grades</title>' in svg
    assert "Largest: High, 3; Low, 2." in svg
    assert svg.count("<rect") == 2  # no bar for zero
    assert ">3</text>" in svg and ">Medium</text>" in svg
    assert "style=" not in svg and "<script" not in svg


def test_a_suppressed_value_is_drawn_as_no_bar():
    svg = charts.bar_chart("chart-x", "T", [("A", 2), ("B", 9)], 5, "episodes")
    assert svg.count("<rect") == 1 and ">[c]</text>" in svg
    assert "A, 2" not in svg


def test_chart_text_is_escaped():
    svg = charts.bar_chart("c", "<b>", [("<script>alert(1)</script>", 1)], 0, "episodes")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_the_month_line_heatmap_and_map_charts(dataset):
    labels = ["Jan 25", "Feb 25", "Mar 25"]
    months = charts.month_chart(
        "m",
        "Episodes",
        labels,
        charts.Series("Episodes", [4, 3, 3], "s1"),
        charts.Series("Children", [3, 2, 3], "s2"),
        0,
    )
    assert "Highest: Jan 25, 4 episodes." in months and months.count("<polyline") == 1
    lines = charts.line_chart(
        "l",
        "Factors",
        labels,
        [charts.Series("Push", [1, 1, 1], "s1"), charts.Series("Pull", [1, 0, 2], "s2", "square")],
        0,
    )
    assert "Totals: Push, 3; Pull, 3." in lines
    from analytics import figures

    rows = figures.time_of_day(dataset.north, dataset.period)
    grid = charts.heatmap("h", "When", rows, 0)
    assert len(re.findall(r'class="hw-heat hw-heat--\d"', grid)) == 7 * 24 + 6  # cells and the key
    assert "Busiest: Monday 16:00 to 16:59, 1;" in grid  # ties in day and hour order
    dots = charts.map_chart("p", "Map", [{"latitude": 53.8, "longitude": -1.55, "episodes": 2}], 0)
    assert dots.count('class="hw-map__dot"') == 1 and "without a background map" in dots
    assert "http" not in dots.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no tile service, nothing fetched
