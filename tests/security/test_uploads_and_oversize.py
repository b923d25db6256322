"""Oversize and malformed submissions to the web pages (issue 4): a Philomena photo that is not what it claims,
truncated, empty, too big or oddly named gets a clear error on the photo field and changes nothing; a form post
over Django's size or field-count limits is a 400, never a 500, and writes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from philomena.actions import save_profile
from philomena.models import PhilomenaProfile, ProfilePhoto
from tests.philomena.conftest import jpeg_bytes, png_bytes, upload
from tests.security.test_csrf import _row_counts


@pytest.fixture
def profile(world, settings, tmp_path):
    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path
    return save_profile(world.child, acting_user=world.users.coordinator, notes="Profile")


def _client(world) -> Client:
    client = Client()
    client.force_login(world.users.coordinator)
    return client


BAD_PHOTOS = {
    "truncated png": (png_bytes()[:60], "photo.png", "image/png"),
    "truncated jpeg": (jpeg_bytes()[:200], "photo.jpg", "image/jpeg"),
    "svg with a script": (
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        "p.png",
        "image/png",
    ),
    "gif named jpg": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "photo.jpg", "image/jpeg"),
    "html named png": (b"<html><script>alert(1)</script></html>", "x.png", "text/html"),
    "empty": (b"", "photo.png", "image/png"),
    "png signature then nothing": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png", "image/png"),
    "too big": (png_bytes() + b"\x00" * 8192, "photo.png", "image/png"),
}


@pytest.mark.parametrize("case", list(BAD_PHOTOS))
def test_a_bad_photo_is_refused_on_the_photo_field(world, profile, settings, case):
    settings.HOMEWARD_PHOTO_MAX_BYTES = 4096
    data, name, content_type = BAD_PHOTOS[case]
    client = _client(world)
    before = _row_counts()
    response = client.post(
        reverse("philomena:upload-photo", args=[world.child.pk]),
        {"photo": upload(data, name, content_type), "version": "1"},
    )
    assert response.status_code == 200, case
    assert "photo" in response.context["form"].errors, case
    assert b"<script>alert(1)</script>" not in response.content
    assert _row_counts() == before
    assert PhilomenaProfile.objects.get().version == 1


@pytest.mark.parametrize(
    "name", ["<script>alert(1)</script>.png", "../../../etc/passwd.png", "photo\u202egnp.exe", "a" * 300 + ".png"]
)
def test_a_hostile_file_name_is_never_used_or_shown_raw(world, profile, name):
    response = _client(world).post(
        reverse("philomena:upload-photo", args=[world.child.pk]), {"photo": upload(png_bytes(), name), "version": "1"}
    )
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert "photo" in response.context["form"].errors
    else:
        stored = ProfilePhoto.objects.order_by("-pk").first().image.name
        assert stored.startswith(f"philomena/{world.child.pk}/") and ".." not in stored
        assert not any(word in stored for word in ("script", "passwd", "gnp", "a" * 20))
    page = _client(world).get(reverse("philomena:profile", args=[world.child.pk]))
    assert b"<script>alert(1)</script>" not in page.content
    assert b"etc/passwd" not in page.content


def test_a_form_post_over_the_size_limit_is_a_400_and_writes_nothing(world, open_episode, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    client = _client(world)
    before = _row_counts()
    response = client.post(
        reverse("episodes:change-risk", args=[open_episode.pk]),
        {"grade": "high", "reason": "z" * (128 * 1024), "version": "1"},
    )
    assert response.status_code == 400
    assert _row_counts() == before


def test_a_form_post_with_too_many_fields_is_a_400_and_writes_nothing(world, open_episode, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    data = {"grade": "high", "reason": "r", "version": "1", **{f"extra{i}": "x" for i in range(200)}}
    client = _client(world)
    before = _row_counts()
    response = client.post(reverse("episodes:change-risk", args=[open_episode.pk]), data)
    assert response.status_code == 400
    assert _row_counts() == before


def test_an_api_body_over_the_size_limit_is_a_400(world, open_episode, settings):
    import json

    from access.tokens import issue_token

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    token = issue_token(world.users.coordinator)
    before = _row_counts()
    response = Client().patch(
        f"/api/v1/episodes/{open_episode.pk}",
        json.dumps({"version": 1, "circumstances": "z" * (128 * 1024)}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in {400, 413}, response.status_code
    assert _row_counts() == before
