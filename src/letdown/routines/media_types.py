"""What a file really is, from its first bytes (not its name or the browser's word): the audio
and image formats a phone browser records and shows, each with its content type and extension.
Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass

# Enough bytes to see every signature below (an MP4 brand sits at bytes 8-12).
SNIFF_BYTES = 16

AUDIO_MAX_BYTES = 15 * 1024 * 1024
IMAGE_MAX_BYTES = 8 * 1024 * 1024
MAX_BYTES = {"audio": AUDIO_MAX_BYTES, "image": IMAGE_MAX_BYTES}

# ISO base-media brands that hold a still image; any other brand is taken as audio (Safari's
# MediaRecorder writes audio/mp4, and phones share voice notes as .m4a).
_IMAGE_BRANDS = frozenset({b"avif", b"avis", b"heic", b"heix", b"mif1", b"msf1"})


@dataclass(frozen=True)
class FileType:
    kind: str  # "audio" | "image"
    content_type: str
    extension: str


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first bytes, or None when it is none we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("image", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("image", "image/png", "png")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return FileType("image", "image/gif", "gif")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return FileType("image", "image/webp", "webp")
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return FileType("audio", "audio/wav", "wav")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return FileType("image", "image/avif", "avif") if brand.startswith(b"avi") else None
        return FileType("audio", "audio/mp4", "m4a")
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM, what Chromium's MediaRecorder writes
        return FileType("audio", "audio/webm", "webm")
    if head.startswith(b"OggS"):
        return FileType("audio", "audio/ogg", "ogg")
    if head.startswith(b"fLaC"):
        return FileType("audio", "audio/flac", "flac")
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF2):
        # An MP3 frame sync (MPEG-1/2 layer III) or an ID3 tag in front of one.
        return FileType("audio", "audio/mpeg", "mp3")
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return FileType("audio", "audio/aac", "aac")  # ADTS, layer bits 00
    return None
