"""save_profile and add_photo: versions, carrying the photo forward, refusals, permissions and the audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from access.models import AuditEvent
from children.codes import LegalStatus
from core.errors import ConflictError
from philomena.actions import NOTHING_CHANGED, add_photo, save_profile
from philomena.models import CONTENT_FIELDS, PhilomenaProfile, ProfilePhoto, ProfileVersion
from tests.philomena.conftest import CONTENT, jpeg_bytes, png_bytes, upload


def save(world, expected_version=None, user=None, child=None, **content):
    return save_profile(
        child or world.child,
        acting_user=user or world.users.social_worker,
        expected_version=expected_version,
        **content,
    )


def test_three_saves_give_three_versions_the_latest_current_and_the_older_readable(world):
    first = save(world, height="150cm", notes="First notes")
    second = save(world, expected_version=1, height="155cm")
    third = save(world, expected_version=2, height="160cm", notes="Third notes", user=world.users.coordinator)

    profile = PhilomenaProfile.objects.get(child=world.child)
    assert [v.number for v in profile.versions.all()] == [3, 2, 1]
    assert profile.version == 3
    assert profile.current_version().pk == third.pk
    # Each version holds the whole profile as it was then: what was not changed is carried forward.
    older = {v.number: v for v in ProfileVersion.objects.filter(profile=profile)}
    assert (older[1].height, older[1].notes) == ("150cm", "First notes")
    assert (older[2].height, older[2].notes) == ("155cm", "First notes")
    assert (older[3].height, older[3].notes) == ("160cm", "Third notes")
    assert older[2].changed_fields == ["height"]
    assert older[3].changed_fields == ["height", "notes"]
    assert older[3].created_by == world.users.coordinator
    assert first.number == 1 and second.number == 2


def test_sensitive_text_is_encrypted_at_rest(world):
    from django.db import connection

    version = save(world, **CONTENT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone_numbers, notes, height FROM philomena_profileversion WHERE id = %s", [version.pk])
        phones, notes, height = cursor.fetchone()
    assert phones.startswith("enc1:") and "07700" not in phones
    assert notes.startswith("enc1:")
    assert height == "160cm"  # short description fields are plain


def test_a_save_with_no_change_is_refused_and_writes_nothing(world):
    save(world, **CONTENT)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        save(world, expected_version=1, **CONTENT)
    assert caught.value.message_dict == {"profile": [NOTHING_CHANGED]}
    assert ProfileVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_a_stale_version_is_a_conflict(world):
    save(world, height="150cm")
    save(world, expected_version=1, height="151cm")
    with pytest.raises(ConflictError):
        save(world, expected_version=1, height="152cm")
    with pytest.raises(ConflictError):  # someone else started the profile while this user had the form open
        save(world, expected_version=None, height="153cm")
    assert PhilomenaProfile.objects.get().version == 2


def test_field_lengths_are_checked_with_field_named_errors(world):
    with pytest.raises(ValidationError) as caught:
        save(world, height="x" * 51, eyes="y" * 101)
    assert set(caught.value.message_dict) == {"height", "eyes"}
    assert "50 characters or fewer" in caught.value.message_dict["height"][0]
    assert not PhilomenaProfile.objects.exists()


def test_a_profile_is_started_only_for_a_child_in_care(world):
    world.child.legal_status = LegalStatus.CHILD_IN_NEED
    world.child.save()
    with pytest.raises(ValidationError) as caught:
        save(world, height="150cm")
    assert "only for a child in care" in caught.value.message_dict["profile"][0]
    with pytest.raises(ValidationError):
        add_photo(world.child, photo=upload(png_bytes()), acting_user=world.users.social_worker)
    assert not PhilomenaProfile.objects.exists()
    assert not ProfilePhoto.objects.exists()


def test_a_profile_already_held_stays_editable_when_the_child_leaves_care(world, profile):
    world.child.legal_status = LegalStatus.CARE_LEAVER
    world.child.save()
    assert save(world, expected_version=1, height="170cm").number == 2


@pytest.mark.parametrize(
    "username", ["police", "police_south", "coordinator_south", "school_dsl", "practitioner", "analyst", "admin"]
)
def test_only_the_childs_council_case_roles_may_save(world, username):
    user = getattr(world.users, username)
    with pytest.raises(PermissionDenied):
        save(world, user=user, height="150cm")
    with pytest.raises(PermissionDenied):
        add_photo(world.child, photo=upload(png_bytes()), acting_user=user)
    assert not PhilomenaProfile.objects.exists()


def test_the_placement_council_may_keep_the_profile_of_a_child_placed_in_its_area(world):
    version = save(world, child=world.placed_child, user=world.users.coordinator, height="150cm")
    assert version.profile.child == world.placed_child
    assert save(world, child=world.placed_child, user=world.users.coordinator_south, expected_version=1, height="151cm")


def test_a_photo_makes_a_new_version_and_carries_forward_to_later_saves(world, profile):
    with_photo = add_photo(
        world.child, photo=upload(png_bytes()), acting_user=world.users.social_worker, expected_version=1
    )
    assert with_photo.number == 2
    assert with_photo.changed_fields == ["photo"]
    assert with_photo.photo is not None
    assert with_photo.phone_numbers == CONTENT["phone_numbers"]  # the content carried forward

    later = save(world, expected_version=2, hair="Dyed red")
    assert later.number == 3
    assert later.photo_id == with_photo.photo_id  # no new photo: the current one carries forward

    newer = add_photo(
        world.child,
        photo=upload(jpeg_bytes(), name="new.jpg", content_type="image/jpeg"),
        acting_user=world.users.coordinator,
        expected_version=3,
        taken_on=timezone.localdate() - dt.timedelta(days=3),
    )
    assert newer.photo_id != with_photo.photo_id
    assert newer.hair == "Dyed red"
    # Earlier versions keep the photo they had.
    assert ProfileVersion.objects.get(profile=profile, number=1).photo is None
    assert ProfileVersion.objects.get(profile=profile, number=2).photo_id == with_photo.photo_id
    assert newer.photo.content_type == "image/jpeg"
    assert newer.photo.taken_on == timezone.localdate() - dt.timedelta(days=3)


def test_the_first_photo_of_a_child_in_care_starts_the_profile(world):
    version = add_photo(world.child, photo=upload(png_bytes()), acting_user=world.users.social_worker)
    assert version.number == 1
    assert all(getattr(version, name) == "" for name in CONTENT_FIELDS)
    assert version.photo.width == 12 and version.photo.height == 16


def test_the_stored_file_has_a_random_name_not_the_uploaded_one(world, private_media):
    version = add_photo(
        world.child, photo=upload(png_bytes(), name="Jordan Example.png"), acting_user=world.users.social_worker
    )
    name = version.photo.image.name
    assert "Jordan" not in name and "Example" not in name
    assert name.startswith(f"philomena/{world.child.pk}/") and name.endswith(".png")
    stored = private_media / name
    assert stored.is_file()
    assert stored.stat().st_mode & 0o077 == 0  # readable by the service's own user only


@pytest.mark.parametrize(
    ("taken_on", "message"),
    [
        (dt.timedelta(days=1), "today or in the past"),
        (-dt.timedelta(days=365 * 30), "after the child's birth"),
    ],
)
def test_the_date_taken_is_checked(world, taken_on, message):
    with pytest.raises(ValidationError) as caught:
        add_photo(
            world.child,
            photo=upload(png_bytes()),
            acting_user=world.users.social_worker,
            taken_on=timezone.localdate() + taken_on,
        )
    assert message in caught.value.message_dict["taken_on"][0]


def test_a_photo_whose_save_fails_leaves_no_file_behind(world, profile, private_media, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the audit write failed")

    monkeypatch.setattr("philomena.actions.record_event", broken)
    with pytest.raises(RuntimeError):
        add_photo(world.child, photo=upload(png_bytes()), acting_user=world.users.social_worker, expected_version=1)
    assert not ProfilePhoto.objects.exists()
    assert PhilomenaProfile.objects.get().version == 1
    assert [path for path in private_media.rglob("*") if path.is_file()] == []


def test_saving_is_audited_with_field_names_only_for_sensitive_text(world):
    save(world, **CONTENT)
    save(world, expected_version=1, height="161cm", notes="Changed synthetic notes")
    created, updated = AuditEvent.objects.filter(object_type="profileversion").order_by("id")
    assert created.action == AuditEvent.Action.CREATE
    assert created.child_id == world.child.pk
    assert created.actor == world.users.social_worker
    assert created.summary == "Philomena profile created: version 1"
    assert created.changes["phone_numbers"] == ["", "[sensitive]"]  # it was empty, then written
    assert created.changes["version"] == [None, 1]
    assert updated.action == AuditEvent.Action.UPDATE
    assert updated.changes == {"version": [1, 2], "height": ["160cm", "161cm"], "notes": ["[sensitive]", "[sensitive]"]}
    trail = str(list(AuditEvent.objects.values_list("summary", "changes")))
    for text in ("07700", "synthetic_user_01", "Penicillin", "bus station", "Changed synthetic notes"):
        assert text not in trail


def test_adding_a_photo_is_audited_without_the_file_name(world, profile):
    version = add_photo(
        world.child,
        photo=upload(png_bytes(), name="Jordan Example at home.png"),
        acting_user=world.users.coordinator,
        expected_version=1,
    )
    event = AuditEvent.objects.filter(object_type="profilephoto").get()
    assert event.action == AuditEvent.Action.CREATE
    assert event.object_id == str(version.photo_id)
    assert event.changes["version"] == [1, 2]
    assert event.changes["photo"] == [None, version.photo_id]
    assert "Jordan" not in str(event.changes) and "Jordan" not in event.summary
