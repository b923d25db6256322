"""The push endpoint (scoped token, Idempotency-Key), the upload page with its background job, the match queue."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from access.tokens import issue_token
from episodes.models import MissingEpisode
from intake.models import ImportBatch, Notification, ProvisionalChild, Status
from tests.intake.conftest import csv_bytes, missing

pytestmark = pytest.mark.django_db
URL = "/api/v1/police-notifications"


def push(token: str, rows: list, key: str = ""):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return Client().post(URL, json.dumps({"notifications": rows}), content_type="application/json", headers=headers)


def test_a_scoped_token_pushes_and_a_retry_gets_the_first_answer(world):
    token = issue_token(world.users.police, scopes=["police-notifications:write"])
    rows = [missing(upn="A123456789012")]
    first = push(token, rows, key="retry-1")
    assert first.status_code == 200, first.content
    assert first.json() == {"received": 1, "outcomes": {"applied": 1}}
    again = push(token, rows, key="retry-1")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert MissingEpisode.objects.count() == 1
    # Without the key the same notification is a duplicate: nothing changes.
    assert push(token, rows).json()["outcomes"] == {"duplicate": 1}
    # The same key with another body is refused.
    assert push(token, [missing("41-MP-9", upn="A123456789012")], key="retry-1").status_code == 422


def test_a_batch_with_an_error_writes_nothing_and_names_row_and_field(world):
    token = issue_token(world.users.police, scopes=["police-notifications:write"])
    response = push(token, [missing(upn="A123456789012"), missing("41-MP-2", risk_grade="", upn="A123456789012")])
    assert response.status_code == 400
    assert {"row": 2, "field": "risk_grade", "message": "is required for a missing notification"} in response.json()[
        "errors"
    ]
    assert not Notification.objects.exists()


def test_a_token_without_the_push_scope_is_refused(world):
    token = issue_token(world.users.police, scopes=["episodes:write"])
    response = push(token, [missing(upn="A123456789012")])
    assert response.status_code == 403
    assert "police-notifications:write" in response.json()["detail"]
    assert not Notification.objects.exists()


def test_a_council_user_cannot_push_whatever_the_token(world):
    response = push(issue_token(world.users.coordinator), [missing(upn="A123456789012")])
    assert response.status_code == 403
    assert not Notification.objects.exists()


def test_a_token_scoped_to_another_force_cannot_push_for_it(world):
    token = issue_token(world.users.police_south, scopes=["police-notifications:write"])
    response = push(token, [missing(upn="A123456789012")])
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "force_code"


@pytest.mark.django_db(transaction=True)
def test_upload_page_runs_the_import_as_a_background_job(world, mash_police, settings, tmp_path):
    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(mash_police)
    rows = [missing(upn="A123456789012"), missing("41-MP-2", risk_grade="extreme", upn="A123456789012")]
    upload = SimpleUploadedFile("notifications.csv", csv_bytes(rows), content_type="text/csv")
    response = client.post(reverse("intake:upload"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("intake:batch", args=[batch.pk])
    page = client.get(response.url)
    # Without JavaScript the page refreshes itself and links to itself; with it, a module script updates it in place.
    assert b'<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.content
    assert b"Check progress" in page.content and b"intake/progress.mjs" in page.content
    assert b'data-finished="false"' in page.content
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.NEEDS_DECISION
    page = client.get(response.url)
    assert b"risk_grade" in page.content and b"Nothing has been written" in page.content
    assert not Notification.objects.exists()
    client.post(reverse("intake:batch-import-valid", args=[batch.pk]))
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert batch.counts == {"applied": 1, "quarantined": 1}
    finished = client.get(response.url).content
    assert b'http-equiv="refresh"' not in finished and b"progress.mjs" not in finished
    assert b'data-finished="true"' in finished
    assert (
        b"extreme" in client.get(reverse("intake:quarantine")).content
        or Notification.objects.filter(status=Status.QUARANTINED).exists()
    )


def test_the_queue_shows_only_proposals_the_user_may_see_and_confirms(world):
    from intake.actions import import_notifications
    from intake.parsing import read_objects

    import_notifications(
        lambda: read_objects([missing(first_name="Jordon", last_name="Example", date_of_birth="2011-03-04")]),
        acting_user=world.users.police,
        force=world.police_north,
        source="api",
    )
    queued = Notification.objects.get(status=Status.QUEUED)
    coordinator = Client()
    coordinator.force_login(world.users.coordinator)
    page = coordinator.get(reverse("intake:queued", args=[queued.pk]))
    assert page.status_code == 200
    assert b"Jordan Example" in page.content
    # Southvale's coordinator works another force's queue: 404.
    south = Client()
    south.force_login(world.users.coordinator_south)
    assert south.get(reverse("intake:queued", args=[queued.pk])).status_code == 404
    # A child outside the coordinator's caseload cannot be picked.
    refused = coordinator.post(
        reverse("intake:queued", args=[queued.pk]),
        {"choice": "confirm", "other_child": world.south_child.pk, "version": queued.version},
    )
    assert b"There is no child with this number" in refused.content
    done = coordinator.post(
        reverse("intake:queued", args=[queued.pk]),
        {"choice": "confirm", "child": world.child.pk, "version": queued.version},
    )
    assert done.status_code == 302
    assert MissingEpisode.objects.get().child == world.child


def test_police_create_a_provisional_child_for_the_council(world):
    from intake.actions import import_notifications
    from intake.parsing import read_objects

    import_notifications(
        lambda: read_objects([missing(first_name="Sam", last_name="New", date_of_birth="2012-05-06", sex="F")]),
        acting_user=world.users.police,
        force=world.police_north,
        source="api",
    )
    queued = Notification.objects.get(status=Status.QUEUED)
    client = Client()
    client.force_login(world.users.police)
    response = client.post(
        reverse("intake:queued", args=[queued.pk]),
        {
            "choice": "provisional",
            "responsible_council": world.north.pk,
            "living_arrangement": "home",
            "version": queued.version,
        },
    )
    assert response.status_code == 302
    provisional = ProvisionalChild.objects.get()
    assert provisional.child.responsible_council == world.north
    assert MissingEpisode.objects.get().child == provisional.child
    # A council the force does not cover is refused.
    assert not ProvisionalChild.objects.filter(child__responsible_council=world.south).exists()
