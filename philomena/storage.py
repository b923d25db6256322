"""Where profile photos live: a folder outside every public path (never under STATIC_ROOT or MEDIA_ROOT).

Nothing serves this folder. A photo reaches a browser only through philomena.views.photo, which checks
who is asking; the storage therefore has no URL at all.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateMediaStorage(FileSystemStorage):
    """FileSystemStorage rooted at HOMEWARD_PRIVATE_MEDIA_ROOT, read at each use (tests can move it), files
    readable by the service's own user only."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:
        return str(settings.HOMEWARD_PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: serve them through a permission-checked view")


private_storage = PrivateMediaStorage()


def get_private_storage() -> PrivateMediaStorage:
    """The storage, as a callable so that migrations name the function, not a path on this machine."""
    return private_storage
