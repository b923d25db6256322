"""The demo shows the SSDA903 import (issue 17): create_demo_users imports three invented children's files for the
demo council through the import's own steps and leaves a refused upload with its errors, once; the demo
coordinator sees both on the import page and the imported children in the return."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from access.models import User
from children.models import Child
from episodes.models import MissingEpisode
from returns.models import ReturnImport
from risk.models import Alert


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    call_command("generate_synthetic", "--children", "60", "--seed", "2026", stdout=io.StringIO())
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    return out.getvalue()


def test_the_demo_has_an_imported_and_a_refused_upload(client, demo):
    coordinator = User.objects.get(username="demo.coordinator")
    assert "SSDA903 imports on the Returns page: 2" in demo
    done, failed = (
        ReturnImport.objects.get(council=coordinator.agency, status=status)
        for status in (ReturnImport.Status.DONE, ReturnImport.Status.FAILED)
    )
    assert done.counts["children_added"] == 3 and done.counts["missing_added"] == 5
    assert {(error["file"], error["column"]) for error in failed.errors} == {("Header", "SEX"), ("Missing", "CHILD")}
    imported = Child.objects.filter(responsible_council=coordinator.agency, la_child_id__startswith="DEMO-SSDA-")
    assert imported.count() == 3
    assert not Alert.objects.filter(child__in=imported).exists()
    assert MissingEpisode.objects.filter(child__in=imported, imported_from="SSDA903").count() == 5

    client.force_login(coordinator)
    body = client.get(reverse("returns:import")).content.decode()
    assert "Imported" in body and "Not imported: the files have errors" in body
    call_command("create_demo_users", stdout=io.StringIO())  # idempotent
    assert ReturnImport.objects.count() == 2
