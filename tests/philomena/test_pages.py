"""The Philomena pages: who gets in, what they see, that the forms work, and that every read is audited.

Every page: an insider gets 200; an outsider 404 (a child they may not see) or 403 (a child they can see but
whose profile their role does not include, or an edit by police, who may only view), with no child's name
in the page; an anonymous visitor is sent to sign in.
"""

import pytest
from django.urls import reverse

from access.models import AuditEvent
from philomena.actions import NOTHING_CHANGED, save_profile
from philomena.models import PhilomenaProfile, ProfileVersion
from philomena.photos import WRONG_TYPE
from tests.philomena.conftest import CONTENT, jpeg_bytes, png_bytes, upload
from tests.web.helpers import assert_redirects_to_sign_in, assert_summary_mentions, page_title

JORDAN = "Jordan"


def urls(world, photographed) -> dict[str, str]:
    child = world.child.pk
    return {
        "profile": reverse("philomena:profile", args=[child]),
        "version": reverse("philomena:version", args=[child, 1]),
        "edit": reverse("philomena:edit", args=[child]),
        "upload-photo": reverse("philomena:upload-photo", args=[child]),
        "grab-pack": reverse("philomena:grab-pack", args=[child]),
        "photo": reverse("philomena:photo", args=[photographed.photo_id]),
    }


PAGES = ["profile", "version", "edit", "upload-photo", "grab-pack", "photo"]
VIEW_PAGES = ["profile", "version", "grab-pack", "photo"]
EDIT_PAGES = ["edit", "upload-photo"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, photographed, name):
    url = urls(world, photographed)[name]
    response = client.get(url)
    assert_redirects_to_sign_in(response, url)
    assert_redirects_to_sign_in(client.post(url, {}), url)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("username", ["coordinator", "social_worker", "manager"])
def test_council_insiders_get_every_page(client, world, photographed, name, username):
    client.force_login(getattr(world.users, username))
    response = client.get(urls(world, photographed)[name])
    assert response.status_code == 200
    if name not in ("grab-pack", "photo"):
        assert "Jordan Example" in response.content.decode()


@pytest.mark.parametrize("name", VIEW_PAGES)
def test_police_of_the_childs_area_may_view(client, world, photographed, name):
    client.force_login(world.users.police)
    assert client.get(urls(world, photographed)[name]).status_code == 200


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_police_may_not_edit(client, world, photographed, name):
    client.force_login(world.users.police)
    url = urls(world, photographed)[name]
    for response in (client.get(url), client.post(url, {"height": "1m", "version": "2"})):
        assert response.status_code == 403
        assert JORDAN.encode() not in response.content
    assert PhilomenaProfile.objects.get().version == 2


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    "username",
    ["coordinator_south", "police_south", "other_school_dsl", "practitioner", "analyst", "admin", "health"],
)
def test_outsiders_get_404_without_the_childs_name(client, world, photographed, name, username):
    client.force_login(getattr(world.users, username))
    url = urls(world, photographed)[name]
    for response in (client.get(url), client.post(url, {"height": "1m"})):
        assert response.status_code == 404
        assert JORDAN.encode() not in response.content


@pytest.mark.parametrize("name", PAGES)
def test_a_school_that_sees_its_pupil_gets_403_without_the_name(client, world, photographed, name):
    client.force_login(world.users.school_dsl)
    response = client.get(urls(world, photographed)[name])
    assert response.status_code == 403
    assert JORDAN.encode() not in response.content


def test_refused_requests_write_no_view_event(client, world, photographed):
    before = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count()
    for username in ("coordinator_south", "school_dsl"):
        client.force_login(getattr(world.users, username))
        for name in VIEW_PAGES:
            client.get(urls(world, photographed)[name])
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count() == before


def test_an_older_version_that_does_not_exist_is_404(client, world, profile):
    client.force_login(world.users.coordinator)
    assert client.get(reverse("philomena:version", args=[world.child.pk, 9])).status_code == 404


# --- The profile page -------------------------------------------------------------------------------


def test_the_profile_page_shows_the_current_version_photo_and_history(client, world, photographed):
    save_profile(world.child, acting_user=world.users.coordinator, expected_version=2, hair="Dyed red")
    client.force_login(world.users.police)
    response = client.get(reverse("philomena:profile", args=[world.child.pk]))
    html = response.content.decode()
    assert page_title("Philomena profile: Jordan Example") in html
    assert "Dyed red" in html and CONTENT["phone_numbers"] in html
    assert f'src="{reverse("philomena:photo", args=[photographed.photo_id])}"' in html
    for number in (1, 2):
        assert f'href="{reverse("philomena:version", args=[world.child.pk, number])}"' in html
    assert "Version 3 (shown)" in html
    assert "Update the profile" not in html  # police view only
    assert 'href="{}"'.format(reverse("philomena:grab-pack", args=[world.child.pk])) in html
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).last()
    assert (event.summary, event.child_id, event.actor) == (
        "Philomena profile viewed",
        world.child.pk,
        world.users.police,
    )


def test_an_older_version_is_shown_as_it_was_and_marked_not_current(client, world, profile):
    save_profile(world.child, acting_user=world.users.coordinator, expected_version=1, hair="Dyed red")
    client.force_login(world.users.social_worker)
    response = client.get(reverse("philomena:version", args=[world.child.pk, 1]))
    html = response.content.decode()
    assert CONTENT["hair"] in html and "Dyed red" not in html
    assert "Earlier version" in html and "It is not the current profile" in html
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).last()
    assert event.summary == "Philomena profile version 1 viewed"


def test_a_child_with_no_profile_offers_to_create_one(client, world):
    client.force_login(world.users.coordinator)
    html = client.get(reverse("philomena:profile", args=[world.child.pk])).content.decode()
    assert "No Philomena profile has been recorded" in html
    assert reverse("philomena:edit", args=[world.child.pk]) in html


def test_pages_carry_no_inline_script_or_style(client, world, photographed):
    client.force_login(world.users.coordinator)
    for name in ("profile", "version", "edit", "upload-photo"):
        html = client.get(urls(world, photographed)[name]).content.decode()
        assert " style=" not in html and "<style" not in html
        assert "<script>" not in html and " onclick=" not in html


# --- Editing ---------------------------------------------------------------------------------------


def test_editing_saves_a_new_version(client, world, profile):
    client.force_login(world.users.social_worker)
    url = reverse("philomena:edit", args=[world.child.pk])
    form = client.get(url).context["form"]
    data = {**{name: form[name].value() or "" for name in CONTENT}, "version": "1", "hair": "Dyed red"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("philomena:profile", args=[world.child.pk])
    current = PhilomenaProfile.objects.get().current_version()
    assert current.number == 2 and current.hair == "Dyed red"
    assert current.phone_numbers == CONTENT["phone_numbers"]


def test_creating_a_profile_through_the_page(client, world):
    client.force_login(world.users.coordinator)
    response = client.post(reverse("philomena:edit", args=[world.child.pk]), {"height": "150cm", "version": ""})
    assert response.status_code == 302
    assert ProfileVersion.objects.get().height == "150cm"


def test_a_stale_edit_is_a_conflict(client, world, profile):
    save_profile(world.child, acting_user=world.users.coordinator, expected_version=1, hair="Changed meanwhile")
    client.force_login(world.users.social_worker)
    response = client.post(reverse("philomena:edit", args=[world.child.pk]), {"hair": "Mine", "version": "1"})
    assert response.status_code == 409
    assert "Someone else changed this record after you opened it" in response.content.decode()
    assert PhilomenaProfile.objects.get().version == 2


def test_errors_are_shown_on_the_fields(client, world, profile):
    client.force_login(world.users.social_worker)
    url = reverse("philomena:edit", args=[world.child.pk])
    response = client.post(url, {"height": "x" * 51, "version": "1"})
    assert response.status_code == 200
    assert_summary_mentions(response, "Height must be 50 characters or fewer")
    response = client.post(url, {**CONTENT, "version": "1"})
    assert_summary_mentions(response, NOTHING_CHANGED)


def test_a_child_not_in_care_cannot_have_a_profile_started(client, world):
    client.force_login(world.users.coordinator)
    world.child.legal_status = "cin"
    world.child.save()
    url = reverse("philomena:edit", args=[world.child.pk])
    assert "profiles are kept for children in care" in client.get(url).content.decode()
    client.post(url, {"height": "150cm"})
    assert not PhilomenaProfile.objects.exists()


# --- The photo -------------------------------------------------------------------------------------


def test_the_upload_page_is_a_govuk_file_upload_in_a_multipart_form(client, world, profile):
    client.force_login(world.users.coordinator)
    html = client.get(reverse("philomena:upload-photo", args=[world.child.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'class="govuk-file-upload"' in html and 'type="file"' in html
    assert 'accept="image/jpeg,image/png"' in html
    assert "smaller than 5MB" in html


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [(png_bytes(), "p.png", "image/png"), (jpeg_bytes(), "p.jpg", "image/jpeg")],
    ids=["png", "jpeg"],
)
def test_uploading_a_photo(client, world, profile, data, name, content_type):
    client.force_login(world.users.coordinator)
    url = reverse("philomena:upload-photo", args=[world.child.pk])
    response = client.post(url, {"photo": upload(data, name, content_type), "version": "1"})
    assert response.status_code == 302
    current = PhilomenaProfile.objects.get().current_version()
    assert current.number == 2 and current.photo.content_type == content_type


def test_a_text_file_renamed_png_is_refused_on_the_page(client, world, profile):
    client.force_login(world.users.coordinator)
    url = reverse("philomena:upload-photo", args=[world.child.pk])
    response = client.post(url, {"photo": upload(b"not a photo at all", "photo.png"), "version": "1"})
    assert response.status_code == 200
    assert_summary_mentions(response, WRONG_TYPE)
    assert 'href="#id_photo"' in response.content.decode()
    assert "govuk-file-upload--error" in response.content.decode()
    assert PhilomenaProfile.objects.get().version == 1


def test_a_file_over_the_limit_is_refused_on_the_page(client, world, profile, settings):
    settings.HOMEWARD_PHOTO_MAX_BYTES = 2048
    client.force_login(world.users.coordinator)
    big = png_bytes() + b"\x00" * 4096
    response = client.post(
        reverse("philomena:upload-photo", args=[world.child.pk]), {"photo": upload(big), "version": "1"}
    )
    assert_summary_mentions(response, "The selected file must be smaller than 2KB")


def test_no_file_asks_for_one(client, world, profile):
    client.force_login(world.users.coordinator)
    response = client.post(reverse("philomena:upload-photo", args=[world.child.pk]), {"version": "1"})
    assert_summary_mentions(response, "Select a photo")


def test_the_photo_is_served_inline_never_sniffed_never_cached(client, world, photographed, private_media):
    client.force_login(world.users.police)
    response = client.get(reverse("philomena:photo", args=[photographed.photo_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="photo-{photographed.photo_id}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    body = b"".join(response.streaming_content)
    assert body == (private_media / photographed.photo.image.name).read_bytes()
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).last()
    assert (event.summary, event.object_type) == ("Philomena profile photo viewed", "profilephoto")


def test_a_photo_that_does_not_exist_is_404(client, world, photographed):
    client.force_login(world.users.coordinator)
    assert client.get(reverse("philomena:photo", args=[photographed.photo_id + 100])).status_code == 404


# --- The child record and the episode page link to the profile and the grab-pack -------------------


def test_the_child_record_links_to_the_profile_and_grab_pack(client, world, profile):
    for username in ("coordinator", "police"):
        client.force_login(getattr(world.users, username))
        html = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
        assert "Philomena profile" in html
        assert reverse("philomena:grab-pack", args=[world.child.pk]) in html
        assert reverse("philomena:profile", args=[world.child.pk]) in html


def test_the_child_record_shows_no_profile_section_to_a_school(client, world, profile):
    client.force_login(world.users.school_dsl)
    html = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert "Philomena" not in html


def test_an_open_episode_links_to_the_grab_pack(client, world, open_episode):
    client.force_login(world.users.police)
    html = client.get(reverse("episodes:detail", args=[open_episode.pk])).content.decode()
    assert reverse("philomena:grab-pack", args=[world.child.pk]) in html
