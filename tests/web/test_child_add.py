"""Add a child (children:add): only coordinators and social workers, only for their own council."""

import pytest
from django.urls import reverse

from access.models import AuditEvent
from children.models import Child
from tests.web.helpers import assert_redirects_to_sign_in, assert_summary_mentions, audit_count, page_title

URL = reverse("children:add")


def answers(world, **overrides) -> dict:
    data = {
        "first_name": "Morgan",
        "last_name": "Newchild",
        "preferred_name": "Mo",
        "date_of_birth_0": "9",
        "date_of_birth_1": "7",
        "date_of_birth_2": "2012",
        "sex": "M",
        "ethnicity": "WBRI",
        "legal_status": "cin",
        "la_child_id": "N000999",
        "upn": "b123456789012",
        "responsible_council": str(world.north.pk),
        "living_arrangement": "home",
        "placement_council": str(world.north.pk),
        "placement_postcode": "nm1 1aa",
        "school": str(world.school.pk),
        "social_worker": str(world.users.social_worker.pk),
    }
    data.update(overrides)
    return data


def test_anonymous_user_is_sent_to_sign_in(client, world):
    assert_redirects_to_sign_in(client.get(URL), URL)


@pytest.mark.parametrize("user", ["coordinator", "social_worker"])
def test_council_case_workers_get_the_form(client, world, user):
    client.force_login(getattr(world.users, user))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert page_title("Add a child") in html
    assert f'<option value="{world.north.pk}" selected>Northmoor Council</option>' in html
    # Only the user's own council may be responsible; social workers offered are their council's.
    assert "Southvale Council</option>" in html  # as a placement council
    assert html.count("Southvale Council") == 1
    assert str(world.users.social_worker) in html


@pytest.mark.parametrize("user", ["manager", "police", "school_dsl", "practitioner", "analyst", "admin", "health"])
def test_other_roles_are_refused(client, world, user):
    client.force_login(getattr(world.users, user))
    assert client.get(URL).status_code == 403
    before = Child.objects.count()
    assert client.post(URL, answers(world)).status_code == 403
    assert Child.objects.count() == before


def test_good_post_adds_the_child_through_the_action(client, world):
    client.force_login(world.users.coordinator)
    response = client.post(URL, answers(world))
    child = Child.objects.get(la_child_id="N000999")
    assert response.status_code == 302
    assert response["Location"] == reverse("children:detail", args=[child.pk])
    assert child.responsible_council == world.north
    assert child.upn == "B123456789012"
    assert child.placement_postcode == "NM1 1AA"
    assert child.social_worker == world.users.social_worker
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="child")
    assert event.child_id == child.pk
    assert event.actor == world.users.coordinator
    page = client.get(response["Location"])
    assert "Morgan Newchild&#x27;s record was added" in page.content.decode()


def test_a_child_placed_elsewhere_can_be_added(client, world):
    client.force_login(world.users.social_worker)
    client.post(URL, answers(world, placement_council=str(world.south.pk), school=""))
    child = Child.objects.get(la_child_id="N000999")
    assert child.placed_out_of_area and child.school is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_name": ""}, "Enter the child's first name"),
        ({"date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""}, "Enter the child's date of birth"),
        ({"date_of_birth_1": ""}, "Date of birth must include a month"),
        ({"date_of_birth_2": "2099"}, "The date of birth must be today or in the past"),
        ({"sex": "X"}, "Select the child's sex"),
        ({"upn": "I123"}, "Enter a UPN"),
        ({"la_child_id": "N000123"}, "Northmoor Council already has a child with council child ID N000123"),
        ({"responsible_council": ""}, "Select the responsible council"),
    ],
)
def test_bad_post_shows_the_error_summary_and_writes_nothing(client, world, overrides, message):
    client.force_login(world.users.coordinator)
    before_children, before_audit = Child.objects.count(), audit_count()
    response = client.post(URL, answers(world, **overrides))
    assert response.status_code == 200
    assert_summary_mentions(response, message)
    assert page_title("Error: Add a child") in response.content.decode()
    assert Child.objects.count() == before_children
    assert audit_count() == before_audit


def test_duplicate_council_child_id_is_shown_on_its_field(client, world):
    client.force_login(world.users.coordinator)
    response = client.post(URL, answers(world, la_child_id="N000123"))
    assert response.context["form"].errors["la_child_id"]
    assert 'href="#id_la_child_id"' in response.content.decode()


def test_another_council_cannot_be_made_responsible(client, world):
    client.force_login(world.users.coordinator)
    response = client.post(URL, answers(world, responsible_council=str(world.south.pk)))
    assert_summary_mentions(response, "You can add only children your council is responsible for")
    assert not Child.objects.filter(la_child_id="N000999").exists()
