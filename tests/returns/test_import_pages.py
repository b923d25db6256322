"""The SSDA903 import page and command (issue 17): the coordinator uploads the three files, a background job
imports them, and the page shows what was added or every problem by file, row and column."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from access.models import AuditEvent
from children.models import Child
from episodes.models import MissingEpisode
from returns.models import ReturnImport
from returns.ssda903 import CollectionYear, build_return, write_csv
from returns.tasks import run_import
from tests.returns.test_import import texts

IMPORT = reverse("returns:import")
TASK = "returns.tasks.run_import"


def uploads(files: dict[str, str]) -> dict[str, SimpleUploadedFile]:
    return {
        name: SimpleUploadedFile(f"{name.capitalize()}.csv", ("\ufeff" + text).encode("utf-8"), "text/csv")
        for name, text in files.items()
    }


@pytest.fixture
def files(care_world):
    return texts(build_return(care_world.north, CollectionYear(2025)).tables())


def test_the_coordinator_uploads_the_files_and_the_job_imports_them(
    client, world, files, django_capture_on_commit_callbacks
):
    client.force_login(world.users.coordinator_south)
    assert "Import an SSDA903 return" in client.get(IMPORT).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT, uploads(files))
    job = ReturnImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("returns:import-detail", args=[job.pk])
    assert job.status == ReturnImport.Status.QUEUED and job.header.startswith("CHILD,SEX")
    queued = DBTaskResult.objects.filter(task_path=TASK).get()
    assert queued.args_kwargs["args"] == [job.pk]
    assert "Waiting to start" in client.get(response["Location"]).content.decode()

    assert run_import.call(job.pk) == ReturnImport.Status.DONE
    assert run_import.call(job.pk) == ReturnImport.Status.DONE  # a retried job finds it finished
    job.refresh_from_db()
    assert job.counts["children_added"] == 4 and job.header == job.missing == ""  # the files are not kept
    assert Child.objects.filter(responsible_council=world.south, last_name__startswith="SSDA903").count() == 4
    body = client.get(response["Location"]).content.decode()
    assert "Imported" in body and "4 added, 0 already held" in body
    assert AuditEvent.objects.filter(summary="SSDA903 files uploaded for import").count() == 1


def test_problems_are_listed_by_file_row_and_column(client, world, files):
    client.force_login(world.users.coordinator_south)
    broken = {**files, "header": files["header"].replace(",F,04/03/2011,", ",Q,04/03/2011,")}
    client.post(IMPORT, uploads(broken))
    job = ReturnImport.objects.get()
    run_import.call(job.pk)
    body = client.get(reverse("returns:import-detail", args=[job.pk])).content.decode()
    assert "Nothing was imported" in body and "&#x27;Q&#x27; is not M, F or U" in body
    assert not MissingEpisode.objects.filter(imported_from="SSDA903").exists()


def test_an_upload_without_a_file_or_not_utf8_is_refused_with_the_field(client, world, files):
    client.force_login(world.users.coordinator_south)
    given = uploads(files)
    given["missing"] = SimpleUploadedFile("Missing.csv", "CHILD,DOB\n£".encode("latin-1"), "text/csv")
    del given["episodes"]
    response = client.post(IMPORT, given)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Select the Episodes file" in body and "The Missing file must be a CSV file saved as UTF-8" in body
    assert not ReturnImport.objects.exists()


def test_the_analyst_may_not_import(client, world):
    client.force_login(world.users.analyst)
    assert client.get(IMPORT).status_code == 403
    client.force_login(world.users.coordinator)
    assert "Import your council" in client.get(reverse("returns:returns")).content.decode()
    client.force_login(world.users.analyst)
    assert "Import your council" not in client.get(reverse("returns:returns")).content.decode()


def test_the_command_imports_a_directory_and_refuses_a_user_of_another_council(world, care_world, tmp_path):
    write_csv(build_return(care_world.north, CollectionYear(2025)).tables(), tmp_path)
    with pytest.raises(CommandError, match="is not Southvale Council's coordinator"):
        call_command("import_ssda903", council="902", user="coord.north", dir=str(tmp_path))
    out = io.StringIO()
    call_command("import_ssda903", council="902", user="coord.south", dir=str(tmp_path), stdout=out)
    assert "children 4 added, 0 already held" in out.getvalue()
    out = io.StringIO()
    call_command("import_ssda903", council="902", user="coord.south", dir=str(tmp_path), stdout=out)
    assert "children 0 added, 4 already held" in out.getvalue()
    (tmp_path / "Missing.csv").write_text("CHILD,DOB,MISSING,MIS_START,MIS_END\nN000123,04/03/2011,Z,01/05/2025,\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ssda903", council="902", user="coord.south", dir=str(tmp_path), stdout=out)
    assert "Missing row 2, MISSING: 'Z' is not M or A" in out.getvalue()
