"""Who may open the dashboards, their downloads and the data quality list; what the pages show and audit.

Every page and download: an insider gets 200, an outsider 403 (a page about aggregates, not a record, so
there is nothing to hide by a 404), an anonymous visitor is sent to sign in, and no child's name is ever in
a response.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from access.models import AuditEvent
from analytics.scoping import can_view_dashboard, can_view_data_quality, dashboard_scopes
from tests.analytics.conftest import CHILD_NAMES
from tests.web.helpers import assert_redirects_to_sign_in

PERIOD = "?start=2025-01&end=2025-03"
COUNCIL_PAGES = {
    "dashboard": reverse("analytics:dashboard") + PERIOD,
    "csv": reverse("analytics:download", args=["episodes-by-month", "csv"]) + PERIOD,
    "xlsx": reverse("analytics:download", args=["risk-grades", "xlsx"]) + PERIOD,
    "workbook": reverse("analytics:workbook") + PERIOD,
}
REGIONAL_PAGES = {
    "regional": reverse("analytics:regional") + PERIOD,
    "regional-csv": reverse("analytics:regional-download", args=["by-council", "csv"]) + PERIOD,
    "regional-xlsx": reverse("analytics:regional-download", args=["episodes-by-month", "xlsx"]) + PERIOD,
    "regional-workbook": reverse("analytics:regional-workbook") + PERIOD,
}
QUALITY = reverse("analytics:data-quality")
ALL_PAGES = {**COUNCIL_PAGES, **REGIONAL_PAGES, "data-quality": QUALITY}


def grant_regional(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="view_regional_dashboard"))


def text_of(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content))
        return " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("name", list(ALL_PAGES))
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name):
    url = ALL_PAGES[name]
    response = client.get(url)
    if "?" in url:
        assert response.status_code == 302 and response["Location"].startswith(f"/sign-in/?next={url.split('?')[0]}")
    else:
        assert_redirects_to_sign_in(response, url)


@pytest.mark.parametrize(
    ("user", "scopes", "quality"),
    [
        ("coordinator", ["council"], True),
        # Team managers and analysts need the data quality list too (issue 15).
        ("manager", ["council"], True),
        ("analyst", ["council"], True),
        ("police", ["police"], False),
        ("social_worker", [], False),
        ("school_dsl", [], False),
        ("practitioner", [], False),
        ("health", [], False),
        ("admin", [], False),
    ],
)
def test_who_may_open_which_dashboard(world, user, scopes, quality):
    person = getattr(world.users, user)
    assert dashboard_scopes(person) == scopes
    assert can_view_dashboard(person, "regional") is False
    assert can_view_data_quality(person) is quality


def test_the_regional_view_is_a_per_user_permission(world):
    analyst = world.users.analyst
    grant_regional(analyst)
    analyst = type(analyst).objects.get(pk=analyst.pk)  # permissions are cached on the instance
    assert dashboard_scopes(analyst) == ["council", "regional"]
    analyst.is_active = False
    assert dashboard_scopes(analyst) == []


@pytest.mark.parametrize("user", ["coordinator", "manager", "analyst", "police"])
@pytest.mark.parametrize("name", list(COUNCIL_PAGES))
def test_insiders_open_their_dashboard_and_its_downloads(client, dataset, user, name):
    client.force_login(getattr(dataset.world.users, user))
    response = client.get(COUNCIL_PAGES[name])
    assert response.status_code == 200
    text = text_of(response)
    for child_name in CHILD_NAMES:
        assert child_name not in text


@pytest.mark.parametrize("user", ["social_worker", "school_dsl", "practitioner", "health", "admin"])
@pytest.mark.parametrize("name", list(ALL_PAGES))
def test_outsiders_are_refused_everything(client, dataset, user, name):
    client.force_login(getattr(dataset.world.users, user))
    response = client.get(ALL_PAGES[name])
    assert response.status_code == 403
    for child_name in CHILD_NAMES:
        assert child_name not in response.content.decode()


@pytest.mark.parametrize(
    ("user", "name"),
    [(u, n) for u in ("coordinator", "manager", "analyst", "police") for n in REGIONAL_PAGES]
    + [("police", "data-quality")],
)
def test_council_and_police_staff_are_refused_the_regional_view_without_the_grant(client, dataset, user, name):
    client.force_login(getattr(dataset.world.users, user))
    assert client.get(ALL_PAGES[name]).status_code == 403


@pytest.mark.parametrize("name", list(REGIONAL_PAGES))
def test_a_user_granted_the_regional_view_opens_it_and_its_downloads(client, dataset, name):
    analyst = dataset.world.users.analyst
    grant_regional(analyst)
    client.force_login(analyst)
    response = client.get(REGIONAL_PAGES[name])
    assert response.status_code == 200
    text = text_of(response)
    assert ("Northmoor Council" in text and "Southvale Council" in text) or name == "regional-xlsx"
    for child_name in CHILD_NAMES:
        assert child_name not in text


def test_someone_with_only_the_regional_grant_is_sent_to_it(client, dataset):
    admin = dataset.world.users.admin
    grant_regional(admin)
    client.force_login(admin)
    response = client.get(reverse("analytics:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("analytics:regional")


def test_the_council_dashboard_page(client, dataset):
    client.force_login(dataset.world.users.analyst)
    response = client.get(COUNCIL_PAGES["dashboard"])
    page = response.content.decode()
    assert "<title>Council dashboard \N{EN DASH} Homeward</title>" in page
    assert "January 2025 to March 2025</strong>, compared with October 2024 to December 2024" in page
    assert 'href="/static/analytics/dashboard.css"' in page
    assert "style=" not in page and "<script>" not in page  # the CSP allows neither
    assert page.count('role="img"') >= 15 and page.count("<desc id=") == page.count('role="img"')
    assert "Return home interviews" in page and "Councils compared" not in page
    assert 'href="/analytics/download/headline.csv?start=2025-01&amp;end=2025-03"' in page
    assert "/analytics/dashboard.xlsx?start=2025-01&amp;end=2025-03" in page
    assert ">Dashboard</a>" in page or "Dashboard</strong>" in page  # in the navigation


def test_the_police_dashboard_has_no_interview_figures(client, dataset):
    client.force_login(dataset.world.users.police)
    page = client.get(COUNCIL_PAGES["dashboard"]).content.decode()
    assert "Police force dashboard" in page and "Northmoor Police" in page
    assert 'id="interviews"' not in page and "Push factors" not in page
    assert "not counted on a police dashboard" in page


def test_the_placed_in_area_toggle_and_the_filters_reach_the_downloads(client, dataset):
    client.force_login(dataset.world.users.coordinator)
    page = client.get(COUNCIL_PAGES["dashboard"] + "&placed=1&sex=M").content.decode()
    assert "Includes children other councils have placed in your area." in page
    assert "Only: sex male." in page
    assert "headline.csv?start=2025-01&amp;end=2025-03&amp;sex=M&amp;placed=1" in page


def test_a_period_that_ends_before_it_starts_is_an_error(client, dataset):
    client.force_login(dataset.world.users.analyst)
    response = client.get(reverse("analytics:dashboard") + "?start=2025-03&end=2025-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "The last month must be the same as or after the first month" in page
    assert "Headline figures" not in page
    assert not AuditEvent.objects.filter(object_type="dashboard").exists()


def test_the_dashboard_and_downloads_are_audited(client, dataset):
    client.force_login(dataset.world.users.analyst)
    client.get(COUNCIL_PAGES["dashboard"])
    client.get(COUNCIL_PAGES["csv"])
    client.get(COUNCIL_PAGES["workbook"])
    events = list(AuditEvent.objects.filter(object_type__startswith="dashboard").order_by("pk"))
    assert [(e.object_type, e.summary) for e in events] == [
        ("dashboard", "Dashboard viewed: Northmoor Council, January 2025 to March 2025"),
        (
            "dashboard-download",
            "Dashboard table downloaded (csv): Episodes and children by month; Northmoor Council, "
            "January 2025 to March 2025",
        ),
        ("dashboard-download", "Dashboard workbook downloaded: Northmoor Council, January 2025 to March 2025"),
    ]
    assert all(e.actor == dataset.world.users.analyst and e.action == "view" and e.child_id is None for e in events)


def test_the_navigation_offers_the_dashboard_only_to_those_allowed_it(client, world):
    client.force_login(world.users.manager)
    assert 'href="/analytics/"' in client.get(reverse("core:my-work")).content.decode()
    client.force_login(world.users.social_worker)
    assert 'href="/analytics/"' not in client.get(reverse("core:my-work")).content.decode()


def test_the_regional_access_command_grants_revokes_lists_and_audits(world, capsys):
    call_command("regional_access", "grant", "analyst.north")
    user = type(world.users.analyst).objects.get(pk=world.users.analyst.pk)
    assert can_view_dashboard(user, "regional")
    call_command("regional_access", "list")
    assert "analyst.north" in capsys.readouterr().out
    call_command("regional_access", "revoke", "analyst.north")
    user = type(user).objects.get(pk=user.pk)
    assert not can_view_dashboard(user, "regional")
    summaries = list(AuditEvent.objects.filter(object_type="user").values_list("summary", flat=True))
    assert summaries[-2:] == ["Regional dashboard granted", "Regional dashboard revoked"]
