"""The report's PDF: a real PDF holding exactly the dashboard's figures for the hand-checked data set
(tests/reports/conftest.py), parsed back with pypdf."""

import datetime as dt

import pytest
from django.utils import timezone

from analytics.figures import headline
from analytics.filters import Filters
from reports.content import build_content, council_scope
from reports.pdf import build_pdf
from reports.periods import monthly
from tests.pdf_layout import overlapping_text
from tests.reports.helpers import pdf_metadata, pdf_text

pytestmark = pytest.mark.django_db

NAMES = ["Jordan", "Example", "Bailey", "Reportcheck", "Casey", "N000123", "REPORT-SECRET-REASON"]
PLACES = ["bus station", "Mill Lane", "Skate park", "Southtown", "3AB", "2XY", "1AA"]


def _pdf(data, period) -> bytes:
    return build_pdf(build_content(data.council, period, timezone.now()), produced_by="coord.north")


def test_the_monthly_report_is_a_pdf_with_its_title_and_the_exact_figures(report_data):
    pdf = _pdf(report_data, report_data.january)
    assert pdf.startswith(b"%PDF-")
    meta = pdf_metadata(pdf)
    assert meta["/Title"] == "Northmoor Council: Monthly report: January 2025"
    assert meta["/Author"] == "Homeward"
    assert meta["/Subject"] == "Missing children: aggregate figures for the safeguarding partnership"
    text = pdf_text(pdf)
    expected = [
        # Headline figures: January 2025, December 2024, the change.
        "Measure January 2025 December 2024 Change",
        "Missing episodes 4 1 +3",
        "Children who went missing 2 1 +1",
        "Repeat children (3 or more episodes) 1 0 +1",
        "Share of episodes that were repeat children's 75.0% 0.0% +75.0 percentage points",
        "Episodes lasting more than 24 hours 1 0 +1",
        "Episodes graded high risk 1 0 +1",
        "Episodes still open 0 0 0",
        "Return interviews due 3 1 +2",
        "Return interviews offered within 72 hours 66.7% 100.0% \N{MINUS SIGN}33.3 percentage points",
        "Return interviews completed 1 1 0",
        # Episodes and distinct children by month; repeat children and their share of episodes.
        "Month Episodes Children January 2025 4 2",
        "1 1 1 25.0% 2 0 0 0.0% 3 or more (repeat) 1 3 75.0%",
        # Durations and risk grades.
        "Under 6 hours 2 50.0% 6 to 24 hours 1 25.0% 1 to 3 days 1 25.0% 3 to 7 days 0 0.0%",
        "No apparent risk 0 0.0% Low 1 25.0% Medium 2 50.0% High 1 25.0%",
        # Where last seen and found, by postcode district only.
        "Postcode district Episodes Children NM5 2 1 NM6 1 1",
        "Postcode district Episodes Children SV1 1 1",
        # Return interviews: due, offered, in time, accepted, completed, declined and why not held.
        "Due (the child returned and an interview was owed) 3 100.0%",
        "Offered 2 66.7% Offered within 72 hours 2 66.7% Accepted 1 33.3% Completed 1 33.3%",
        "Declined by the child 1 33.3% Could not make contact 0 0.0% Not offered 1 33.3%",
        # Push and pull factors and disclosures (one month: the totals).
        "January 2025 1 1 1",
        "Conflict at home or in the placement 1",
        "Wanting to be with friends 1",
        "Signs of child criminal exploitation 1",
        # Open work (none open now) and the note on small numbers.
        "Not suppressed: every count is shown exactly.",
    ]
    for line in expected:
        assert line in text, line
    assert "OFFICIAL-SENSITIVE" in text and "Page 1 of" in text and "by coord.north" in text


def test_the_report_names_no_child_and_no_place(report_data):
    text = pdf_text(_pdf(report_data, report_data.january)) + pdf_text(_pdf(report_data, report_data.year))
    for value in NAMES + PLACES:
        assert value not in text, value


def test_the_annual_report_covers_april_to_march_against_the_year_before(report_data):
    pdf = _pdf(report_data, report_data.year)
    assert pdf_metadata(pdf)["/Title"] == "Northmoor Council: Annual report: the year to 31 March 2025"
    text = pdf_text(pdf)
    for line in [
        "Measure April 2024 to March 2025 April 2023 to March 2024 Change",
        "Missing episodes 6 1 +5",
        "Children who went missing 2 1 +1",
        "Repeat children (3 or more episodes) 1 0 +1",
        "Share of episodes that were repeat children's 66.7% 0.0% +66.7 percentage points",
        "Return interviews due 4 0 +4",
        "Return interviews offered within 72 hours 75.0% [z] [z]",
        "Return interviews completed 2 0 +2",
        "June 2024 1 1",
        "December 2024 1 1 January 2025 4 2 February 2025 0 0 March 2025 0 0",
        "Under 6 hours 4 66.7% 6 to 24 hours 1 16.7% 1 to 3 days 1 16.7%",
    ]:
        assert line in text, line


def test_the_figures_are_the_dashboards_own(report_data):
    """The headline rows the report prints are those analytics.figures.headline returns for the council."""
    content = build_content(report_data.council, report_data.january, timezone.now())
    table = content.sections[0].tables[0]
    scope, filters = council_scope(report_data.council), Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 1))
    assert table.rows == headline(scope, filters)


def test_small_numbers_are_suppressed_as_on_the_dashboard(report_data, settings):
    settings.HOMEWARD_SMALL_NUMBER_SUPPRESSION = 3
    pdf = _pdf(report_data, report_data.january)
    text = pdf_text(pdf)
    assert "Missing episodes 4 [c] [c]" in text
    assert "Children who went missing [c] [c] [c]" in text
    assert "Counts from 1 to 2 are shown as [c]" in text
    assert "OFFICIAL-SENSITIVE" not in text and "OFFICIAL" in text


def test_a_month_with_nothing_recorded_still_makes_a_report(report_data):
    text = pdf_text(_pdf(report_data, monthly(dt.date(2024, 8, 1))))
    assert "Missing episodes 0 0 0" in text
    assert "None in the period." in text  # the postcode district tables


def test_no_text_overlaps_on_any_page_even_with_a_long_producer_name(report_data):
    """The footer's "Produced … by …" once ran into "Page 1 of 1"; every word on every page is read back from
    the PDF with its box, and no two boxes may overlap."""
    producer = "Alexandra Montgomery-Fitzwilliam-Hargreaves, Northmoor Council Children's Services, Missing Team"
    pdf = build_pdf(build_content(report_data.council, report_data.january, timezone.now()), produced_by=producer)
    assert overlapping_text(pdf) == []
    assert "Page 1 of" in pdf_text(pdf)
