"""A photo of hers, checked and made anew before it is stored: its declared size is read before
a pixel is decoded (a file of a few bytes can declare 100000 x 100000 pixels and take gigabytes
to open), then it is decoded, turned upright, scaled to what a phone screen shows and written
again as JPEG or PNG. Writing it again also drops its metadata, such as where it was taken.
Pure: Pillow, no Django."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

# A 50-megapixel phone photo opens; anything larger is refused before decoding.
MAX_PIXELS = 50_000_000
MAX_SIDE_PX = 20_000
# The player shows the photo full screen on a phone: 2560 px is sharp there.
STORED_LONG_SIDE_PX = 2560
JPEG_QUALITY = 85


class ImageRefused(Exception):
    """reason: "unreadable" or "too_many_pixels" (then width and height say how many)."""

    def __init__(self, reason: str, width: int = 0, height: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.width, self.height = reason, width, height


@dataclass(frozen=True)
class StoredImage:
    data: bytes
    content_type: str
    extension: str


def reencode(file: IO[bytes]) -> StoredImage:
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check warns, then raises, at sizes above ours; both are ours
            # to refuse.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE_PX:
                    raise ImageRefused("too_many_pixels", width, height)
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused("too_many_pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        # Truncated or corrupt files surface as any of these, depending on the format.
        raise ImageRefused("unreadable") from error
    upright.thumbnail((STORED_LONG_SIDE_PX, STORED_LONG_SIDE_PX))
    out = io.BytesIO()
    if upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info:
        upright.convert("RGBA").save(out, format="PNG", optimize=True)
        return StoredImage(out.getvalue(), "image/png", "png")
    upright.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return StoredImage(out.getvalue(), "image/jpeg", "jpg")
