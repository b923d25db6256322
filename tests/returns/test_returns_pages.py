"""The Returns page (issue 17): the council's coordinator and analysts check the return against the DfE rules
and download SSDA903, Annex A list 8 and the SSD's ssd_missing table without a command line; each download is
audited, and an SSDA903 table is refused while checks fail unless the user accepts that."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from access.models import AuditEvent
from episodes.models import MissingEpisode
from interviews.codes import Outcome
from returns.annex_a import HEADINGS, SHEET_NAME
from returns.exports import RETURN_FILES
from returns.ssd import SSD_MISSING_COLUMNS
from returns.ssda903 import CollectionYear, build_return
from tests.factories import InterviewFactory
from tests.returns.conftest import at, missing

PAGE = reverse("returns:returns")
DOWNLOAD = reverse("returns:download")


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


@pytest.fixture
def overlapping(world, care_world):
    """A second period for Jordan inside her May episode: rule 574 (periods overlap) fails."""
    return missing(world, world.child, at(2025, 5, 2, 22), at(2025, 5, 2, 23))


def test_the_coordinator_sees_the_counts_and_that_every_check_passes(client, world, care_world):
    client.force_login(world.users.coordinator)
    response = client.get(PAGE, {"year": "2025"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2025/26: 1 April 2025 to 31 March 2026" in body
    assert "Every check passes" in body
    counts = {name: len(rows) for name, rows in build_return(world.north, CollectionYear(2025)).tables().items()}
    assert response.context["counts"] == counts


def test_a_failure_is_listed_by_child_and_rule_and_linked_to_the_record(client, world, overlapping):
    client.force_login(world.users.coordinator)
    body = client.get(PAGE, {"year": "2025"}).content.decode()
    assert "574" in body and "do not overlap" in body
    assert f'href="{reverse("children:detail", args=[world.child.pk])}">N000123</a>' in body


def test_an_analyst_sees_the_failures_without_links_to_records_they_may_not_open(client, world, overlapping):
    client.force_login(world.users.analyst)
    body = client.get(PAGE, {"year": "2025"}).content.decode()
    assert "574" in body and "N000123" in body
    assert reverse("children:detail", args=[world.child.pk]) not in body


@pytest.mark.parametrize(
    "name", ["social_worker", "manager", "police", "school_dsl", "practitioner", "health", "admin"]
)
def test_other_roles_are_refused(client, world, care_world, name):
    client.force_login(getattr(world.users, name))
    assert client.get(PAGE).status_code == 403
    assert client.post(DOWNLOAD, {"year": "2025", "file": "ssd-missing"}).status_code == 403


def test_another_council_gets_its_own_return_only(client, world, care_world):
    client.force_login(world.users.coordinator_south)
    response = client.get(PAGE, {"year": "2025"})
    assert response.context["council"] == world.south
    assert "N000123" not in response.content.decode()
    rows = read_csv(client.post(DOWNLOAD, {"year": "2025", "file": "ssda903-missing"}))
    assert all(row[0] != "N000123" for row in rows[1:])


def test_an_ssda903_table_downloads_exactly_as_built_and_is_audited(client, world, care_world):
    client.force_login(world.users.coordinator)
    response = client.post(DOWNLOAD, {"year": "2025", "file": "ssda903-missing"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="901-2025-Missing.csv"'
    ssda = build_return(world.north, CollectionYear(2025))
    rows = read_csv(response)
    assert rows[0] == ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
    assert rows[1:] == [list(row.values()) for row in ssda.missing]
    event = AuditEvent.objects.filter(summary__startswith="Return downloaded").get()
    assert event.actor == world.users.coordinator and event.changes["rows"] == [None, len(ssda.missing)]
    assert "N000123" not in str(event.changes) and "N000123" not in event.summary


def test_while_checks_fail_an_ssda903_table_needs_the_box_ticked(client, world, overlapping):
    client.force_login(world.users.coordinator)
    refused = client.post(DOWNLOAD, {"year": "2025", "file": "ssda903-header"})
    assert refused.status_code == 400
    assert (
        "check of the DfE rules fail" in refused.content.decode()
        or "checks of the DfE rules fail" in refused.content.decode()
    )
    assert not AuditEvent.objects.filter(summary__startswith="Return downloaded").exists()
    accepted = client.post(DOWNLOAD, {"year": "2025", "file": "ssda903-header", "accept_failures": "on"})
    assert accepted.status_code == 200 and read_csv(accepted)[0][0] == "CHILD"
    assert AuditEvent.objects.get(summary__startswith="Return downloaded").changes["failures"] == [None, 1]


def test_ssd_missing_holds_each_episode_of_the_year_with_its_return_interview(client, world, care_world):
    may = world.child.episodes.get(last_seen_at=at(2025, 5, 2, 21))
    InterviewFactory(child=world.child, covering=[may], offered_at=at(2025, 5, 3, 12), outcome=Outcome.ACCEPTED)
    client.force_login(world.users.coordinator)
    response = client.post(DOWNLOAD, {"year": "2025", "file": "ssd-missing"})
    rows = read_csv(response)
    assert rows[0] == SSD_MISSING_COLUMNS
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_id[str(may.pk)] == {
        "miss_table_id": str(may.pk),
        "miss_person_id": "N000123",
        "miss_mis_epi_start": "2025-05-02",
        "miss_mis_epi_type": "M",
        "miss_mis_epi_end": "2025-05-03",
        "miss_mis_epi_rhi_offered": "Y",
        "miss_mis_epi_rhi_accepted": "Y",
    }
    december = world.child.episodes.get(last_seen_at=at(2024, 12, 1, 20))
    assert str(december.pk) not in by_id  # ended before the year began
    uncovered = MissingEpisode.objects.filter(child__responsible_council=world.north, return_interviews__isnull=True)
    assert all(
        by_id[str(pk)]["miss_mis_epi_rhi_offered"] == "N"
        for pk in uncovered.values_list("pk", flat=True)
        if str(pk) in by_id
    )


def test_annex_a_list_8_is_an_excel_workbook(client, world, care_world):
    client.force_login(world.users.analyst)
    response = client.post(DOWNLOAD, {"year": "2025", "file": "annex-a"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content))[SHEET_NAME]
    assert [cell.value for cell in sheet[1]] == HEADINGS


@pytest.mark.parametrize(("data", "field"), [({"year": "1999"}, "year"), ({"year": "x"}, "year")])
def test_a_year_not_offered_is_an_error_on_the_page(client, world, data, field):
    client.force_login(world.users.coordinator)
    response = client.get(PAGE, data)
    assert response.status_code == 200 and field in response.context["form"].errors


def test_an_unknown_file_is_refused_with_an_error(client, world, care_world):
    client.force_login(world.users.coordinator)
    response = client.post(DOWNLOAD, {"year": "2025", "file": "everything"})
    assert response.status_code == 400 and "Choose the file to download" in response.content.decode()


@pytest.mark.parametrize("key", sorted(RETURN_FILES))
def test_every_file_of_the_return_is_audited_once_with_its_name_year_and_rows(client, world, care_world, key):
    client.force_login(world.users.analyst)
    response = client.post(DOWNLOAD, {"year": "2025", "file": key, "accept_failures": "on"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.filter(summary__startswith="Return downloaded").get()
    assert event.summary == f"Return downloaded: {RETURN_FILES[key].label}"
    assert event.actor == world.users.analyst and event.changes["year"] == [None, "2025/26"]
    assert event.changes["rows"][1] >= 1  # the year's rows (care_world has episodes in 2025-26)
