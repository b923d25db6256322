"""Records and files the Philomena tests share, built on the `world` fixture in tests/conftest.py.

Every photo is made here, in memory, with Pillow: no real person's picture is ever used.
"""

import base64
import io
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from philomena.actions import add_photo, save_profile

# A version's content as the action takes it (every value synthetic).
CONTENT = {
    "height": "160cm",
    "build": "Slim",
    "hair": "Brown, shoulder length",
    "eyes": "Blue",
    "distinguishing_marks": "Small scar above the left eyebrow",
    "usual_clothing": "Black puffer jacket, white trainers",
    "phone_numbers": "07700 900123 (own phone)",
    "social_media": "Snapchat: synthetic_user_01",
    "places_frequented": "Northmoor bus station\nThe park on Mill Lane",
    "associates": "A synthetic friend from school",
    "medication": "Inhaler, twice a day",
    "medical_conditions": "Asthma",
    "allergies": "Penicillin",
    "missing_history": "Three episodes this year, found each time near the bus station",
    "notes": "Responds well to calm, female officers",
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Photos go to a fresh folder for each test, with the documented default size limit."""
    settings.HOMEWARD_PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    settings.HOMEWARD_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    settings.HOMEWARD_PHOTO_MAX_PIXELS = 40_000_000
    return settings.HOMEWARD_PRIVATE_MEDIA_ROOT


def image_bytes(fmt: str, size: tuple[int, int] = (12, 16), colour=(200, 40, 40), **save_options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt, **save_options)
    return out.getvalue()


def png_bytes(**kwargs) -> bytes:
    return image_bytes("PNG", **kwargs)


def jpeg_bytes(**kwargs) -> bytes:
    return image_bytes("JPEG", **kwargs)


def gps_exif() -> Image.Exif:
    """EXIF with a GPS position (a synthetic spot) and a camera model, as a phone would write it."""
    exif = Image.Exif()
    exif[0x0110] = "Synthetic Phone 12"  # Model
    exif[0x0112] = 1  # Orientation: upright
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (53.0, 48.0, 0.0)
    gps[3] = "W"
    gps[4] = (1.0, 33.0, 0.0)
    return exif


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_text(pdf: bytes) -> str:
    """The text of every stream in a PDF, inflated (ReportLab writes ASCII85 then Flate), for searching.

    Text shows in the page streams as written wherever it is plain ASCII (ReportLab keeps ASCII codes even
    in its subsets of an embedded font); a value is found unless a line break falls inside it."""
    parts = []
    for match in re.finditer(rb"\bobj\b(.*?)\bstream\r?\n(.*?)endstream", pdf, re.DOTALL):
        header, data = match.group(1).rsplit(b"obj", 1)[-1], match.group(2)
        if b"/ASCII85Decode" in header:
            data = base64.a85decode(data.strip(), adobe=True)
        if b"/FlateDecode" in header:
            data = zlib.decompressobj().decompress(data)
        parts.append(data.decode("latin-1"))
    # Brackets in PDF strings are escaped: "(own phone)" is written "\\(own phone\\)".
    return "\n".join(parts).replace("\\(", "(").replace("\\)", ")")


@pytest.fixture
def profile(world):
    """Jordan's profile saved once by the Northmoor social worker."""
    return save_profile(world.child, acting_user=world.users.social_worker, **CONTENT).profile


@pytest.fixture
def photographed(world, profile):
    """Jordan's profile with a PNG photo (version 2)."""
    return add_photo(
        world.child,
        photo=upload(png_bytes()),
        acting_user=world.users.social_worker,
        expected_version=profile.version,
    )
