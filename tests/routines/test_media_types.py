"""Files are told apart by their first bytes, never by their name."""

import pytest

from letdown.routines.media_types import sniff

WEBM = bytes.fromhex("1a45dfa39f4286810142f7810142f2") + b"\x00"
CASES = [
    (WEBM, "audio", "audio/webm"),
    (b"OggS\x00\x02" + b"\x00" * 10, "audio", "audio/ogg"),
    (b"ID3\x04\x00" + b"\x00" * 11, "audio", "audio/mpeg"),
    (b"\xff\xfb\x90\x64" + b"\x00" * 12, "audio", "audio/mpeg"),
    (b"\xff\xf1\x50\x80" + b"\x00" * 12, "audio", "audio/aac"),
    (b"RIFF\x24\x08\x00\x00WAVEfmt ", "audio", "audio/wav"),
    (b"\x00\x00\x00\x20ftypM4A \x00\x00", "audio", "audio/mp4"),
    (b"fLaC\x00\x00\x00\x22" + b"\x00" * 8, "audio", "audio/flac"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 5, "image", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "image", "image/png"),
    (b"GIF89a" + b"\x00" * 10, "image", "image/gif"),
    (b"RIFF\x24\x08\x00\x00WEBPVP8 ", "image", "image/webp"),
    (b"\x00\x00\x00\x1cftypavif\x00\x00", "image", "image/avif"),
]


@pytest.mark.parametrize(("head", "kind", "content_type"), CASES)
def test_known_signatures(head, kind, content_type):
    file_type = sniff(head)
    assert file_type is not None
    assert (file_type.kind, file_type.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    "head",
    [
        b"<html><script>alert(1)</script>",
        b"%PDF-1.7\n" + b"\x00" * 8,
        b"PK\x03\x04" + b"\x00" * 12,  # a zip (or an office file) renamed to .mp3
        b"\x00\x00\x00\x18ftypheic\x00\x00",  # an iPhone HEIC photo: browsers cannot show it
        b"",
        b"\xff",
    ],
)
def test_anything_else_is_refused(head):
    assert sniff(head) is None
