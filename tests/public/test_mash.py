"""The MASH queue: concerns from the public reach the MASH workers of their council (and of its police force) and
nobody else; triage links a child, creates a provisional child, refers or closes, each audited with the existing
audit actions and refused once the concern is closed."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from access.models import AuditEvent
from children.models import Child
from core.errors import ConflictError
from public.actions import close_concern, link_concern_to_child, refer_concern
from public.codes import CloseReason, ConcernOutcome, ReferTo
from tests.web.helpers import assert_redirects_to_sign_in

WORRY = "Picked up by an older man"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("user", ["mash", "mash_police"])
def test_mash_workers_of_the_council_and_its_force_see_the_concern(public, user):
    client = _client(getattr(public.users, user))
    queue = client.get(reverse("public:mash-queue"))
    assert queue.status_code == 200
    assert f"Concern {public.concern.pk}" in queue.content.decode()
    detail = client.get(reverse("public:mash-concern", args=[public.concern.pk]))
    assert detail.status_code == 200 and WORRY in detail.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="concern", object_id=str(public.concern.pk)
    ).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_type="concern-list").exists()


def test_another_councils_mash_sees_an_empty_queue_and_gets_404(public):
    client = _client(public.users.mash_south)
    queue = client.get(reverse("public:mash-queue"))
    assert queue.status_code == 200 and "No concerns are waiting" in queue.content.decode()
    for name in ["mash-concern", "mash-link", "mash-refer", "mash-close", "mash-new-child"]:
        response = client.get(reverse(f"public:{name}", args=[public.concern.pk]))
        assert response.status_code == 404, name
        assert WORRY not in response.content.decode()


@pytest.mark.parametrize("user", ["coordinator", "police", "editor", "admin", "analyst"])
def test_other_roles_are_refused_the_queue(public, user):
    client = _client(getattr(public.users, user))
    assert client.get(reverse("public:mash-queue")).status_code == 403
    response = client.get(reverse("public:mash-concern", args=[public.concern.pk]))
    assert response.status_code == 403 and WORRY not in response.content.decode()


def test_the_queue_needs_sign_in(client, public):
    assert_redirects_to_sign_in(client.get(reverse("public:mash-queue")), reverse("public:mash-queue"))


def test_linking_to_a_child_of_the_council(public):
    client = _client(public.users.mash)
    url = reverse("public:mash-link", args=[public.concern.pk])
    unknown = client.post(url, {"la_child_id": "NOPE1", "version": "1"})
    assert "No child of Northmoor Council has the council child ID NOPE1" in unknown.content.decode()
    # A Southvale child is not offered to Northmoor's MASH.
    south = client.post(url, {"la_child_id": public.world.south_child.la_child_id, "version": "1"})
    assert south.status_code == 200
    response = client.post(url, {"la_child_id": public.world.child.la_child_id.lower(), "version": "1"})
    assert response.status_code == 302
    public.concern.refresh_from_db()
    assert public.concern.child == public.world.child and public.concern.is_open
    event = AuditEvent.objects.filter(object_type="concern", action=AuditEvent.Action.UPDATE).latest("id")
    assert event.child_id == public.world.child.pk and "linked" in event.summary


def test_creating_a_provisional_child(public):
    client = _client(public.users.mash)
    response = client.post(
        reverse("public:mash-new-child", args=[public.concern.pk]),
        {
            "first_name": "Kai",
            "last_name": "Not known",
            "date_of_birth_0": "1",
            "date_of_birth_1": "1",
            "date_of_birth_2": "2012",
            "sex": "U",
            "version": "1",
        },
    )
    assert response.status_code == 302
    public.concern.refresh_from_db()
    child = public.concern.child
    assert child.la_child_id == f"PROV-{public.concern.pk}" and child.responsible_council == public.world.north
    assert child.date_of_birth == dt.date(2012, 1, 1)
    assert AuditEvent.objects.filter(object_type="child", object_id=str(child.pk), action="create").exists()
    assert AuditEvent.objects.filter(object_type="concern", child_id=child.pk, action="update").exists()


def test_the_provisional_child_form_checks_every_field(public):
    client = _client(public.users.mash)
    response = client.post(reverse("public:mash-new-child", args=[public.concern.pk]), {"version": "1"})
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Enter the child's first name"]
    assert errors["last_name"] == ["Enter the child's last name"]
    assert errors["date_of_birth"] == ["Enter the child's date of birth"]
    assert errors["sex"] == ["Select the child's sex, or not known"]
    assert not Child.objects.filter(la_child_id__startswith="PROV-").exists()


def test_a_police_mash_worker_cannot_create_a_councils_child(public):
    client = _client(public.users.mash_police)
    assert client.get(reverse("public:mash-new-child", args=[public.concern.pk])).status_code == 403
    detail = client.get(reverse("public:mash-concern", args=[public.concern.pk])).content.decode()
    assert "Create a provisional child" not in detail


def test_referring_ends_triage(public):
    client = _client(public.users.mash)
    url = reverse("public:mash-refer", args=[public.concern.pk])
    refused = client.post(url, {"version": "1"})
    assert set(refused.context["form"].errors) == {"to", "note"}
    response = client.post(url, {"to": ReferTo.EXPLOITATION_TEAM, "note": "Please screen for CCE", "version": "1"})
    assert response.status_code == 302
    public.concern.refresh_from_db()
    assert public.concern.outcome == ConcernOutcome.REFERRED and public.concern.triaged_by == public.users.mash
    event = AuditEvent.objects.filter(object_type="concern", action="update").latest("id")
    assert "referred to Exploitation team" in event.summary
    assert "CCE" not in str(event.changes) and event.changes["outcome_note"] == [None, "[sensitive]"]
    again = client.post(reverse("public:mash-close", args=[public.concern.pk]), {"reason": "duplicate", "version": "2"})
    assert again.status_code == 200 and "already referred" in again.content.decode()


def test_closing_needs_a_reason(public):
    client = _client(public.users.mash)
    url = reverse("public:mash-close", args=[public.concern.pk])
    assert client.post(url, {"version": "1"}).context["form"].errors["reason"] == ["Select why you are closing it"]
    outside = client.post(url, {"reason": CloseReason.OUTSIDE_AREA, "version": "1"})
    assert "Enter which council it was passed to" in outside.content.decode()
    assert client.post(url, {"reason": CloseReason.NO_FURTHER_ACTION, "version": "1"}).status_code == 302
    public.concern.refresh_from_db()
    assert public.concern.outcome == ConcernOutcome.CLOSED


def test_triage_is_locked_by_version(public):
    with pytest.raises(ConflictError):
        refer_concern(public.concern, to=ReferTo.POLICE, note="n", expected_version=7, acting_user=public.users.mash)
    close_concern(
        public.concern, reason=CloseReason.DUPLICATE, note="", expected_version=1, acting_user=public.users.mash
    )
    with pytest.raises(ValidationError):
        link_concern_to_child(
            public.concern, child=public.world.child, expected_version=2, acting_user=public.users.mash
        )


def test_the_menu_offers_the_queue_to_mash_workers(public):
    body = _client(public.users.mash).get(reverse("public:mash-queue")).content.decode()
    assert 'href="/mash/"' in body
    assert 'href="/mash/"' not in _client(public.users.coordinator).get(reverse("core:my-work")).content.decode()


def test_a_hostile_child_id_is_echoed_escaped(public):
    response = _client(public.users.mash).post(
        reverse("public:mash-link", args=[public.concern.pk]),
        {"la_child_id": "<script>alert(1)</script>", "version": "1"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
