"""Photos are stored outside every public path and reachable only through the permission-checked view."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from philomena.storage import private_storage


def stored_path(photo) -> Path:
    return Path(private_storage.path(photo.image.name)).resolve()


def test_the_file_lives_in_the_private_folder_not_under_any_static_or_media_folder(world, photographed):
    path = stored_path(photographed.photo)
    assert Path(settings.HOMEWARD_PRIVATE_MEDIA_ROOT).resolve() in path.parents
    public = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    if settings.MEDIA_ROOT:
        public.append(settings.MEDIA_ROOT)
    for root in public:
        assert Path(root).resolve() not in path.parents


def test_the_storage_has_no_url():
    with pytest.raises(ValueError, match="no URL"):
        private_storage.url("philomena/1/x.png")


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_public_path_serves_the_file(client, world, photographed, signed_in):
    if signed_in:
        client.force_login(world.users.coordinator)
    name = photographed.photo.image.name
    data = stored_path(photographed.photo).read_bytes()
    for url in (
        f"/{settings.STATIC_URL.strip('/')}/{name}",
        f"/{settings.STATIC_URL.strip('/')}/private_media/{name}",
        f"/media/{name}",
        f"/private_media/{name}",
        f"/{name}",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert data not in body


def test_anonymous_requests_for_the_photo_are_sent_to_sign_in(client, world, photographed):
    url = reverse("philomena:photo", args=[photographed.photo_id])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert not response.content.startswith(b"\x89PNG")


def test_the_settings_check_refuses_a_private_folder_under_static(settings):
    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = Path(settings.STATIC_ROOT) / "philomena"
    with pytest.raises(SystemCheckError, match=r"philomena\.E001"):
        call_command("check")


def test_the_default_private_folder_passes_the_check_and_is_ignored_by_git():
    call_command("check")
    gitignore = (Path(settings.BASE_DIR) / ".gitignore").read_text()
    assert "/private_media/" in gitignore.splitlines()
