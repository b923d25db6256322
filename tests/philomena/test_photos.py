"""The photo checks: the first bytes decide the type, the image must really decode, the size limit holds,
and what is stored is re-encoded without metadata (no GPS position)."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from philomena.photos import UNREADABLE, WRONG_TYPE, clean_photo, size_text
from tests.philomena.conftest import gps_exif, image_bytes, jpeg_bytes, png_bytes, upload


def test_a_real_png_is_accepted_and_stays_a_png():
    photo = clean_photo(upload(png_bytes(size=(20, 30))))
    assert photo.content_type == "image/png"
    assert (photo.width, photo.height) == (20, 30)
    assert photo.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(photo.sha256) == 64


def test_a_real_jpeg_is_accepted_and_stays_a_jpeg():
    photo = clean_photo(upload(jpeg_bytes(size=(30, 20)), name="photo.jpg", content_type="image/jpeg"))
    assert photo.content_type == "image/jpeg"
    assert (photo.width, photo.height) == (30, 20)
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.format == "JPEG"


def test_the_type_comes_from_the_bytes_not_the_name_or_the_browser():
    photo = clean_photo(upload(png_bytes(), name="holiday.jpg", content_type="image/gif"))
    assert photo.content_type == "image/png"


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"These are the minutes of the meeting, not a photo.\n", "photo.png", "image/png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "photo.png", "image/png"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "photo.jpg", "image/jpeg"),
        (b"%PDF-1.4 not a photo", "photo.png", "image/png"),
    ],
    ids=["text-renamed-png", "svg", "gif", "pdf"],
)
def test_anything_but_a_jpeg_or_png_is_refused(data, name, content_type):
    with pytest.raises(ValidationError) as caught:
        clean_photo(upload(data, name=name, content_type=content_type))
    assert caught.value.messages == [WRONG_TYPE]


def test_a_gif_is_refused_even_with_a_real_image_inside():
    with pytest.raises(ValidationError) as caught:
        clean_photo(upload(image_bytes("GIF"), name="photo.png"))
    assert caught.value.messages == [WRONG_TYPE]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG signature and then nothing real
        png_bytes(size=(64, 64))[:80],  # a PNG cut short
        b"\xff\xd8\xff\xe0" + b"junk" * 50,  # a JPEG signature on junk
        jpeg_bytes(size=(64, 64))[:200],  # a JPEG cut short
    ],
    ids=["png-signature-only", "truncated-png", "jpeg-signature-junk", "truncated-jpeg"],
)
def test_a_file_that_does_not_decode_is_refused(data):
    with pytest.raises(ValidationError) as caught:
        clean_photo(upload(data))
    assert caught.value.messages == [UNREADABLE]


def test_a_png_signature_on_a_jpeg_body_is_refused():
    """The signature and the decoder must agree: a JPEG behind a PNG signature is not read as a JPEG."""
    with pytest.raises(ValidationError):
        clean_photo(upload(b"\x89PNG\r\n\x1a\n" + jpeg_bytes()))


def test_a_file_over_the_limit_is_refused(settings):
    settings.HOMEWARD_PHOTO_MAX_BYTES = 1000
    data = png_bytes(size=(200, 200), colour=(1, 2, 3))
    big = data + b"\x00" * (1001 - len(data)) if len(data) < 1001 else data
    with pytest.raises(ValidationError) as caught:
        clean_photo(upload(big))
    assert caught.value.messages == ["The selected file must be smaller than 1KB"]


def test_the_default_limit_is_5mb_and_a_file_just_under_it_is_accepted(settings):
    assert settings.HOMEWARD_PHOTO_MAX_BYTES == 5 * 1024 * 1024
    data = png_bytes()
    padded = data + b"\x00" * (5 * 1024 * 1024 - len(data))  # trailing bytes after IEND: still a PNG
    assert clean_photo(upload(padded)).content_type == "image/png"
    with pytest.raises(ValidationError) as caught:
        clean_photo(upload(padded + b"\x00"))
    assert caught.value.messages == ["The selected file must be smaller than 5MB"]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        clean_photo(upload(b""))
    assert caught.value.messages == ["The selected file is empty"]


def test_too_many_pixels_is_refused(settings):
    settings.HOMEWARD_PHOTO_MAX_PIXELS = 100
    with pytest.raises(ValidationError) as caught:
        clean_photo(upload(png_bytes(size=(11, 10))))
    assert "too large (11 by 10 pixels)" in caught.value.messages[0]


def test_gps_and_camera_exif_are_stripped_from_a_jpeg():
    original = jpeg_bytes(size=(40, 30), exif=gps_exif(), comment=b"Synthetic comment")
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the test photo really carries a GPS position
        assert before.getexif()[0x0110] == "Synthetic Phone 12"
    photo = clean_photo(upload(original, name="p.jpg", content_type="image/jpeg"))
    with Image.open(io.BytesIO(photo.data)) as after:
        assert not after.getexif()
        assert "exif" not in after.info
        assert "comment" not in after.info
    assert b"Synthetic Phone" not in photo.data
    assert b"Exif" not in photo.data


def test_metadata_is_stripped_from_a_png():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Synthetic author")
    original = png_bytes(exif=gps_exif(), pnginfo=info)
    photo = clean_photo(upload(original))
    with Image.open(io.BytesIO(photo.data)) as after:
        assert not after.getexif()
        assert "Author" not in after.info
    assert b"Synthetic author" not in photo.data


def test_the_exif_orientation_is_applied_before_it_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    original = jpeg_bytes(size=(40, 20), exif=exif)
    photo = clean_photo(upload(original, name="p.jpg", content_type="image/jpeg"))
    assert (photo.width, photo.height) == (20, 40)


def test_size_text():
    assert size_text(5 * 1024 * 1024) == "5MB"
    assert size_text(1536 * 1024) == "1.5MB"
    assert size_text(1000) == "1KB"
