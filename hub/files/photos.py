"""Photos of a report: checked for size before decoding, re-encoded as JPEG without EXIF (turned
upright first), shrunk to a sensible size, with a thumbnail and the GPS position EXIF held."""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image, ImageOps

from hub.problems import Problem

MAX_PIXELS = 40_000_000
MAX_SIDE = 16_000
PHOTO_SIDE = 2048
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")


@dataclass(frozen=True)
class Photo:
    """A re-encoded photo and its thumbnail (JPEG bytes), its size, and where it was taken."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int
    location: tuple[float, float] | None


def process_photo(stream: BinaryIO, name: str) -> Photo:
    """Re-encode the photo in ``stream``; refuse an image bomb or a file that is not a photo."""
    try:
        with Image.open(stream, formats=FORMATS) as original:
            _refuse_bombs(original, name)
            location = _location_of(original)
            original.draft("RGB", (PHOTO_SIDE, PHOTO_SIDE))
            upright = _flattened(ImageOps.exif_transpose(original))
    except Image.DecompressionBombError as error:
        raise _bomb(name) from error
    except Problem:
        raise
    except Exception as error:  # decoding an untrusted file may fail in any way
        raise Problem(
            "unreadable_photo",
            _l("“%(name)s” cannot be read as a photo: it may be damaged.", name=name),
            "file",
            415,
        ) from error
    upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    thumbnail = upright.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return Photo(_jpeg(upright), _jpeg(thumbnail), upright.width, upright.height, location)


def _refuse_bombs(image: Image.Image, name: str) -> None:
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise _bomb(name)


def _bomb(name: str) -> Problem:
    return Problem(
        "image_bomb",
        _l(
            "“%(name)s” claims absurd dimensions (an image bomb): photos may have at most "
            "%(megapixels)d megapixels.",
            name=name,
            megapixels=MAX_PIXELS // 1_000_000,
        ),
        "file",
        413,
    )


def _flattened(image: Image.Image) -> Image.Image:
    """``image`` in RGB, transparent parts on white."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    output = BytesIO()
    image.save(output, "JPEG", quality=JPEG_QUALITY)
    return output.getvalue()


def _location_of(image: Image.Image) -> tuple[float, float] | None:
    try:
        return exif_location(image.getexif())
    except Exception:  # a broken EXIF block of an untrusted file loses only the position
        return None


def exif_location(exif: Image.Exif) -> tuple[float, float] | None:
    """``(latitude, longitude)`` from the GPS tags of ``exif``, or None if they are absent or
    make no sense."""
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    latitude = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    longitude = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    if latitude is None or longitude is None:
        return None
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    return latitude, longitude


def _degrees(value: Any, reference: Any) -> float | None:
    """Degrees, minutes and seconds (EXIF rationals) as signed decimal degrees."""
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    total = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(total):
        return None
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "replace")
    return -total if str(reference).strip().upper() in ("S", "W") else total
