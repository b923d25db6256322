"""The child's placement (issue 14): change_placement keeps the current placement on the child and one history row
per placement, ends the old row, checks the version, names every bad field, audits, and fires "child changed"."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.models import AuditEvent
from children import changes
from children.actions import change_placement, merge_children, update_child
from children.codes import LivingArrangement
from children.models import PlacementHistory, placement_key
from core.errors import ConflictError
from tests.factories import ChildFactory

HOME = "Synthetic Oak House (example)"


def _move(world, child, user=None, **kwargs):
    child.refresh_from_db()
    fields = {
        "started_on": dt.date(2026, 1, 5),
        "placement_council": world.north,
        "living_arrangement": LivingArrangement.CHILDRENS_HOME,
        "provider": HOME,
        "urn": "SC999001",
        "placement_type": "K2",
        "postcode": "nm4 7ab",
    }
    fields.update(kwargs)
    expected = fields.pop("expected_version", child.version)
    return change_placement(child, acting_user=user or world.users.coordinator, expected_version=expected, **fields)


def test_first_placement_is_held_on_the_child_and_opens_a_history_row(world):
    placement = _move(world, world.child)
    child = world.child
    child.refresh_from_db()
    assert (child.placement_provider, child.placement_urn, child.placement_type) == (HOME, "SC999001", "K2")
    assert child.placement_postcode == "NM4 7AB"  # normalised; the field other apps read
    assert child.placement_from == dt.date(2026, 1, 5)
    assert child.living_arrangement == LivingArrangement.CHILDRENS_HOME
    assert child.version == 2
    assert list(PlacementHistory.objects.filter(child=child)) == [placement]
    assert placement.ended_on is None and placement.recorded_by == world.users.coordinator


def test_a_move_ends_the_old_row_the_day_the_new_one_starts(world):
    first = _move(world, world.child)
    second = _move(
        world,
        world.child,
        started_on=dt.date(2026, 3, 1),
        placement_council=world.south,
        provider="Synthetic Foster Carers",
        urn="",
        placement_type="U6",
        postcode="SV1 2CD",
        living_arrangement=LivingArrangement.FOSTER_CARE,
    )
    first.refresh_from_db()
    assert first.ended_on == dt.date(2026, 3, 1)
    assert second.ended_on is None and second.council == world.south
    world.child.refresh_from_db()
    assert world.child.placement_council == world.south and world.child.placed_out_of_area
    assert world.child.placement_urn == "" and world.child.placement_postcode == "SV1 2CD"
    assert list(PlacementHistory.objects.filter(child=world.child)) == [second, first]  # newest first


def test_stale_version_is_a_conflict_and_writes_nothing(world):
    _move(world, world.child)
    with pytest.raises(ConflictError):
        _move(world, world.child, started_on=dt.date(2026, 2, 1), expected_version=1)
    assert PlacementHistory.objects.filter(child=world.child).count() == 1


def test_every_bad_field_is_named_at_once(world):
    with pytest.raises(ValidationError) as caught:
        _move(
            world,
            world.child,
            started_on=timezone.localdate() + dt.timedelta(days=3),
            urn="1234",
            placement_type="XX",
            postcode="not a postcode",
            living_arrangement="castle",
            placement_council=world.police_north,
        )
    assert set(caught.value.message_dict) == {
        "started_on",
        "urn",
        "placement_type",
        "postcode",
        "living_arrangement",
        "placement_council",
    }
    assert "SC and six digits" in caught.value.message_dict["urn"][0]
    assert not PlacementHistory.objects.exists()


@pytest.mark.parametrize("urn", ["123456", "1234567", "SC999001", "sc 999 001"])
def test_ofsted_urns_accepted(world, urn):
    assert _move(world, world.child, urn=urn).urn == "".join(urn.split()).upper()


@pytest.mark.parametrize("urn", ["12345", "12345678", "SC12345", "SC1234567", "XX999001"])
def test_not_ofsted_urns_refused(world, urn):
    with pytest.raises(ValidationError) as caught:
        _move(world, world.child, urn=urn)
    assert list(caught.value.message_dict) == ["urn"]


def test_a_childrens_home_needs_a_name_or_urn(world):
    with pytest.raises(ValidationError) as caught:
        _move(world, world.child, provider="", urn="")
    assert list(caught.value.message_dict) == ["provider"]


def test_a_new_placement_cannot_start_before_the_current_one(world):
    _move(world, world.child)
    with pytest.raises(ValidationError) as caught:
        _move(world, world.child, started_on=dt.date(2025, 12, 1))
    assert list(caught.value.message_dict) == ["started_on"]


def test_another_councils_user_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        _move(world, world.south_child)
    assert "responsible_council" in caught.value.message_dict
    assert not PlacementHistory.objects.exists()


def test_audited_with_the_provider_masked(world):
    _move(world, world.child)
    event = AuditEvent.objects.filter(child_id=world.child.pk, summary="Child's placement recorded").get()
    assert event.actor == world.users.coordinator
    assert event.changes["placement_urn"][1] != "SC999001"  # where the child lives is personal data
    assert HOME not in str(event.changes) and "NM4 7AB" not in str(event.changes)
    assert event.changes["placement_type"] == ["", "K2"]


def test_child_changed_fires(world, django_capture_on_commit_callbacks):
    heard = []
    changes.subscribe("test-placement", heard.append, when="on_commit")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _move(world, world.child)
    finally:
        changes._subscribers.pop("test-placement", None)
    assert world.child.pk in heard


def test_correcting_the_postcode_corrects_the_open_row(world):
    placement = _move(world, world.child)
    world.child.refresh_from_db()
    update_child(
        world.child,
        expected_version=world.child.version,
        acting_user=world.users.coordinator,
        placement_postcode="NM4 9ZZ",
    )
    placement.refresh_from_db()
    assert placement.postcode == "NM4 9ZZ"


def test_merge_keeps_one_open_placement(world):
    duplicate = ChildFactory(responsible_council=world.north, la_child_id="N000999")
    kept = _move(world, world.child)
    moved = _move(world, duplicate, provider="Synthetic Elm Lodge", urn="SC999002")
    world.child.refresh_from_db()
    duplicate.refresh_from_db()
    merge_children(
        survivor=world.child,
        merged=duplicate,
        survivor_version=world.child.version,
        merged_version=duplicate.version,
        reason="The same child",
        acting_user=world.users.coordinator,
    )
    rows = PlacementHistory.objects.filter(child=world.child)
    assert set(rows) == {kept, moved}
    assert rows.filter(ended_on__isnull=True).get() == kept


def test_placement_key():
    assert placement_key("sc999001", "Anything", "") == "urn:SC999001"
    assert placement_key("", "Oak  House", "nm4 7ab") == placement_key("", "oak house", "NM47AB")
    assert placement_key("", "Oak House", "") == ""


# --- The pages ----------------------------------------------------------------------------------------------


def test_record_shows_placement_and_history_to_an_insider(client, world):
    _move(world, world.child)
    client.force_login(world.users.social_worker)
    page = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert HOME in page and "SC999001" in page and "Placement history" in page
    assert reverse("children:change-placement", args=[world.child.pk]) in page


def test_school_sees_no_placement(client, world):
    _move(world, world.child)
    client.force_login(world.users.school_dsl)
    page = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert "Jordan Example" in page
    assert HOME not in page and "SC999001" not in page and "NM4 7AB" not in page


def test_police_see_the_placement_but_may_not_change_it(client, world):
    _move(world, world.child)
    client.force_login(world.users.police)
    page = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert reverse("children:change-placement", args=[world.child.pk]) not in page
    assert client.get(reverse("children:change-placement", args=[world.child.pk])).status_code == 403


def test_outsider_cannot_tell_the_child_exists(client, world):
    client.force_login(world.users.coordinator_south)
    assert client.get(reverse("children:change-placement", args=[world.child.pk])).status_code == 404


def _posted(world, version, **overrides):
    data = {
        "version": version,
        "started_on_0": "5",
        "started_on_1": "1",
        "started_on_2": "2026",
        "living_arrangement": LivingArrangement.CHILDRENS_HOME,
        "placement_council": world.north.pk,
        "provider": HOME,
        "urn": "SC999001",
        "placement_type": "K2",
        "postcode": "NM4 7AB",
    }
    data.update(overrides)
    return data


def test_change_placement_page_moves_the_child(client, world):
    client.force_login(world.users.coordinator)
    url = reverse("children:change-placement", args=[world.child.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _posted(world, world.child.version))
    assert response.status_code == 302
    assert PlacementHistory.objects.filter(child=world.child, urn="SC999001", ended_on__isnull=True).exists()


def test_change_placement_page_names_the_bad_field_and_a_stale_version(client, world):
    client.force_login(world.users.coordinator)
    url = reverse("children:change-placement", args=[world.child.pk])
    bad = client.post(url, _posted(world, world.child.version, urn="SC12"))
    assert bad.status_code == 200 and "Enter an Ofsted URN" in bad.content.decode()
    _move(world, world.child)
    stale = client.post(url, _posted(world, 1, started_on_1="2"))
    assert stale.status_code == 409
    assert PlacementHistory.objects.filter(child=world.child).count() == 1
