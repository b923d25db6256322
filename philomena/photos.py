"""Checking an uploaded photo: size, type by its first bytes, a real decode, and a re-encode without metadata.

Nothing about the upload is trusted: not its name, not the content type the browser sent. The first bytes
must be a JPEG or PNG signature, Pillow must decode the whole image as that same format, and what is stored
is a fresh encoding of the pixels, so EXIF (GPS position, camera, time), comments, ICC profiles and text
chunks are dropped. The orientation EXIF carried is applied to the pixels first, so the photo stays upright.
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image, ImageOps, UnidentifiedImageError

from philomena.models import PhotoType

JPEG_SIGNATURE = b"\xff\xd8\xff"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PILLOW_FORMATS: dict[str, str] = {PhotoType.JPEG: "JPEG", PhotoType.PNG: "PNG"}
WRONG_TYPE = "The selected file must be a JPG or PNG"
UNREADABLE = "The selected file could not be read as a photo. It may be damaged: choose another file"


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def size_text(size: int) -> str:
    """A byte count as GOV.UK's file upload messages give it: 5MB, 512KB."""
    megabyte = 1024 * 1024
    if size >= megabyte and size % megabyte == 0:
        return f"{size // megabyte}MB"
    if size >= megabyte:
        return f"{size / megabyte:.1f}MB"
    return f"{max(1, size // 1024)}KB"


def sniff(head: bytes) -> str | None:
    """The photo type the file's first bytes announce, or None."""
    if head.startswith(PNG_SIGNATURE):
        return PhotoType.PNG
    if head.startswith(JPEG_SIGNATURE):
        return PhotoType.JPEG
    return None


def clean_photo(upload: File) -> CleanPhoto:
    """The checked, re-encoded photo; a ValidationError with one GOV.UK-style message for each refusal."""
    max_bytes = settings.HOMEWARD_PHOTO_MAX_BYTES
    size = upload.size
    if not size:
        raise ValidationError("The selected file is empty")
    if size > max_bytes:
        raise ValidationError(f"The selected file must be smaller than {size_text(max_bytes)}")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:  # the size the upload claimed was wrong
        raise ValidationError(f"The selected file must be smaller than {size_text(max_bytes)}")
    content_type = sniff(data[: len(PNG_SIGNATURE)])
    if content_type is None:
        raise ValidationError(WRONG_TYPE)
    return _reencode(data, content_type)


def _reencode(data: bytes, content_type: str) -> CleanPhoto:
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[content_type]]) as image:
            width, height = image.size
            if width * height > settings.HOMEWARD_PHOTO_MAX_PIXELS:
                raise ValidationError(
                    f"The selected photo is too large ({width} by {height} pixels): "
                    f"choose one of at most {settings.HOMEWARD_PHOTO_MAX_PIXELS // 1_000_000} megapixels"
                )
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(UNREADABLE) from exc
    return _encode(upright, content_type)


def _encode(image: Image.Image, content_type: str) -> CleanPhoto:
    transparency = image.info.get("transparency")
    image.info = {}  # EXIF, XMP, ICC profile, comments, text chunks: none of it is written again
    out = io.BytesIO()
    if content_type == PhotoType.JPEG:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        options = {"transparency": transparency} if transparency is not None and image.mode in ("P", "L") else {}
        image.save(out, format="PNG", **options)
    return CleanPhoto(data=out.getvalue(), content_type=content_type, width=image.width, height=image.height)
