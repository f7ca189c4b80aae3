"""What the media library refuses, each with a clear 400: a household over its quota, a photo
declaring more pixels than can be opened safely, a photo that cannot be decoded. Photos are
decoded and written anew before they are stored."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from letdown.routines import images, services
from letdown.routines.models import Media

WEBM_HEAD = bytes.fromhex("1a45dfa39f4286810142f7810142f2")


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes whose header declares width x height pixels: one row of
    zeros compresses to nothing, so a decoder would allocate it all before noticing."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def _upload(client, data: bytes, kind: str = "image", *, as_json: bool = False):
    headers = {"accept": "application/json"} if as_json else {}
    return client.post(
        reverse("routines:media_upload"),
        {"kind": kind, "name": "x", "file": SimpleUploadedFile("f.bin", data)},
        headers=headers,
    )


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_a_png_declaring_100000_by_100000_pixels_is_refused(owner_client, as_json):
    bomb = _png_declaring(100_000, 100_000)
    assert len(bomb) < 1000
    response = _upload(owner_client, bomb, as_json=as_json)
    assert response.status_code == 400
    text = response.json()["error"] if as_json else response.content.decode()
    assert "too many pixels to open safely" in text
    assert "at most 50 megapixels" in text
    assert not Media.objects.exists()


def test_a_photo_over_our_limit_but_under_pillows_is_refused_with_its_size(owner_client):
    response = _upload(owner_client, _png_declaring(10_000, 6_000), as_json=True)
    assert response.status_code == 400
    assert "too many pixels to open safely (10000 × 6000)" in response.json()["error"]
    assert not Media.objects.exists()


def test_a_photo_that_cannot_be_decoded_is_refused(owner_client):
    response = _upload(owner_client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    assert response.status_code == 400
    assert "This photo could not be read" in response.content.decode()
    assert not Media.objects.exists()


def test_a_photo_is_stored_upright_smaller_and_without_its_metadata(owner_client, settings):
    photo = Image.new("RGB", (4000, 3000), (200, 120, 90))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the phone was held upright, the pixels lie on their side
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    photo.save(out, format="JPEG", exif=exif.tobytes())
    assert _upload(owner_client, out.getvalue()).status_code == 302
    media = Media.objects.get()
    with Image.open(settings.MEDIA_ROOT / media.file.name) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1920, 2560)  # turned upright, long side 2560
        assert dict(stored.getexif()) == {}
    assert media.size_bytes == (settings.MEDIA_ROOT / media.file.name).stat().st_size


def test_a_household_over_its_quota_is_refused_and_sees_what_it_uses(
    owner_client, family, stranger_family, settings
):
    settings.MEDIA_QUOTA_MB = 1
    recording = WEBM_HEAD + b"\x00" * (600 * 1024)
    assert _upload(owner_client, recording, "audio").status_code == 302
    refused = _upload(owner_client, recording, "audio", as_json=True)
    assert refused.status_code == 400
    assert "There is no room for this file" in refused.json()["error"]
    assert "1.0 MB" in refused.json()["error"] and "0.6 MB are in use" in refused.json()["error"]
    assert Media.objects.filter(household=family.household).count() == 1
    page = owner_client.get(reverse("routines:media")).content.decode()
    assert "Using 600.0\xa0KB of the 1.0\xa0MB this server keeps for your household." in page
    # Another household's files do not count against hers, nor hers against theirs.
    services.save_media(
        household=stranger_family.household,
        uploaded=SimpleUploadedFile("c.webm", recording),
        name="theirs",
    )
    assert services.media_used_bytes(family.household) == len(recording)


def test_the_default_quota_is_200_mb(settings):
    assert settings.MEDIA_QUOTA_MB == 200
    assert services.media_quota_bytes() == 200 * 1024 * 1024


def test_pillows_own_bomb_limit_is_above_ours():
    # Our check runs first, so her 50-megapixel photo is never caught by Pillow's warning.
    assert Image.MAX_IMAGE_PIXELS > images.MAX_PIXELS
