"""The reports pages: who may produce and download a council's report, and what they get."""

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from analytics.filters import add_months, last_complete_month
from reports.actions import store_report
from reports.models import StoredReport
from reports.periods import annual
from tests.analytics.test_pages import grant_regional
from tests.reports.helpers import pdf_metadata, pdf_text

pytestmark = pytest.mark.django_db

INDEX = reverse("reports:index")
DOWNLOAD = reverse("reports:download")
STORED = reverse("reports:stored")


def _audits(summary_start: str):
    return AuditEvent.objects.filter(summary__startswith=summary_start)


def test_the_page_offers_monthly_and_annual_reports_and_the_dashboard_links_to_it(client, world):
    client.force_login(world.users.coordinator)
    page = client.get(INDEX).content.decode()
    assert "Monthly report" in page and "Annual report" in page
    assert f'value="{last_complete_month():%Y-%m}"' in page
    assert 'id="monthly-period"' in page and 'id="annual-period"' in page
    assert 'name="council"' not in page  # one council: nothing to choose
    assert INDEX in client.get(reverse("analytics:dashboard")).content.decode()


def test_a_monthly_report_downloads_as_an_attachment_never_cached_and_audited(client, report_data):
    client.force_login(report_data.world.users.coordinator)
    response = client.get(DOWNLOAD, {"kind": "monthly", "period": "2025-01"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="homeward-partnership-report-901-monthly-2025-01.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF-")
    assert "Missing episodes 4 1 +3" in pdf_text(response.content)
    event = _audits("Partnership report produced").get()
    assert event.actor == report_data.world.users.coordinator
    assert event.summary == "Partnership report produced: Northmoor Council, Monthly report: January 2025"


def test_an_annual_report_downloads(client, report_data):
    client.force_login(report_data.world.users.analyst)
    response = client.get(DOWNLOAD, {"kind": "annual", "period": "2025"})
    assert response["Content-Disposition"].endswith('-901-annual-2025.pdf"')
    assert "Missing episodes 6 1 +5" in pdf_text(response.content)


def test_a_council_user_gets_their_own_councils_report_whatever_the_address_says(client, report_data):
    client.force_login(report_data.world.users.coordinator_south)
    response = client.get(DOWNLOAD, {"kind": "monthly", "period": "2025-01", "council": report_data.council.pk})
    assert pdf_metadata(response.content)["/Title"] == "Southvale Council: Monthly report: January 2025"
    assert "Missing episodes 1 0 +1" in pdf_text(response.content)  # Casey's episode, not Northmoor's


def test_a_regional_user_chooses_the_council(client, world):
    grant_regional(world.users.analyst)
    client.force_login(world.users.analyst)
    assert 'name="council"' in client.get(INDEX).content.decode()
    month = f"{add_months(last_complete_month(), -1):%Y-%m}"
    response = client.get(DOWNLOAD, {"kind": "monthly", "period": month, "council": world.south.pk})
    assert pdf_metadata(response.content)["/Title"].startswith("Southvale Council:")
    response = client.get(DOWNLOAD, {"kind": "monthly", "period": month, "council": "999999"})
    assert response.status_code == 200 and "Choose a council from the list" in response.content.decode()


@pytest.mark.parametrize(
    "query, error",
    [
        ({"kind": "monthly", "period": "2099-01"}, "Choose a month from the list"),
        ({"kind": "monthly", "period": ""}, "Choose a month from the list"),
        ({"kind": "annual", "period": "1999"}, "Choose a year from the list"),
    ],
)
def test_a_bad_period_shows_the_page_with_the_error(client, world, query, error):
    client.force_login(world.users.coordinator)
    response = client.get(DOWNLOAD, query)
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert error in page and "govuk-error-summary" in page
    assert not _audits("Partnership report produced").exists()


def test_a_report_of_a_month_not_yet_ended_is_not_offered(client, world):
    client.force_login(world.users.coordinator)
    this_month = f"{timezone.localdate():%Y-%m}"
    response = client.get(DOWNLOAD, {"kind": "monthly", "period": this_month})
    assert "Choose a month from the list" in response.content.decode()


def test_an_unknown_kind_is_a_bad_request(client, world):
    client.force_login(world.users.coordinator)
    assert client.get(DOWNLOAD, {"kind": "weekly", "period": "2025-01"}).status_code == 400


@pytest.mark.parametrize("user", ["social_worker", "police", "police_south", "school_dsl", "health", "admin"])
def test_everyone_else_is_refused(client, world, user):
    client.force_login(getattr(world.users, user))
    for url in (INDEX, STORED, f"{DOWNLOAD}?kind=monthly&period=2025-01"):
        assert client.get(url).status_code == 403, url


def test_stored_reports_are_listed_and_downloaded_for_the_users_council_only(client, report_data):
    world = report_data.world
    north, _ = store_report(world.north, report_data.january)
    south, _ = store_report(world.south, report_data.january)
    client.force_login(world.users.manager)
    page = client.get(STORED).content.decode()
    assert reverse("reports:stored-download", args=[north.pk]) in page
    assert reverse("reports:stored-download", args=[south.pk]) not in page
    response = client.get(reverse("reports:stored-download", args=[north.pk]))
    assert response.status_code == 200 and response.content == bytes(north.pdf)
    assert (
        response["Content-Disposition"] == 'attachment; filename="homeward-partnership-report-901-monthly-2025-01.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    event = _audits("Partnership report downloaded").get()
    assert event.actor == world.users.manager and event.object_id == str(north.pk)
    assert client.get(reverse("reports:stored-download", args=[south.pk])).status_code == 404
    assert client.get(reverse("reports:stored-download", args=[999999])).status_code == 404


def test_a_regional_user_sees_every_councils_stored_reports(client, world):
    grant_regional(world.users.analyst)
    year = annual(last_complete_month().year - 1)
    for council in (world.north, world.south):
        store_report(council, year)
    client.force_login(world.users.analyst)
    page = client.get(STORED).content.decode()
    assert page.count("reports/stored/") == 2 and "Southvale Council" in page
    assert StoredReport.objects.count() == 2
