"""Uploaded notification files kept in private storage (HOMEWARD_PRIVATE_MEDIA_ROOT/intake) until imported."""

import secrets
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from intake.models import ImportBatch
from intake.parsing import FileError, Row, reader_for


def _folder() -> Path:
    folder = Path(settings.HOMEWARD_PRIVATE_MEDIA_ROOT) / "intake"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(upload: UploadedFile) -> str:
    """Copy the upload to private storage in chunks (never read whole) and return its name there."""
    name = f"{secrets.token_hex(16)}.upload"
    with (_folder() / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def open_stored_rows(batch: ImportBatch) -> Iterator[Row]:
    path = _folder() / Path(batch.stored_path).name
    with path.open("rb") as stream:
        yield from reader_for(batch.filename, stream)


def remove_stored(batch: ImportBatch) -> None:
    if batch.stored_path:
        (_folder() / Path(batch.stored_path).name).unlink(missing_ok=True)


__all__ = ["FileError", "open_stored_rows", "remove_stored", "store_upload"]
