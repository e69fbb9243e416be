"""Turning one uploaded file into stored content: checked name, size and type, photos re-encoded.

The upload arrives spooled to a temporary file by Werkzeug; it is read in chunks from there and
never held in memory whole (a photo is decoded, at most ``photos.MAX_PIXELS`` of it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from hub.api import PHOTO, FileTooLarge, Problem, Storage, checked_type, display_name, process_photo


@dataclass(frozen=True)
class StoredUpload:
    """An upload as stored: what a report's attachment records about it."""

    name: str
    kind: str
    content_type: str
    digest: str
    size: int
    thumbnail_digest: str | None = None
    width: int | None = None
    height: int | None = None
    location: tuple[float, float] | None = None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def too_large(limit: int, name: str = "") -> Problem:
    if name:
        message = _l(
            "“%(name)s” is larger than %(limit)s, the most a file may be.",
            name=name,
            limit=megabytes(limit),
        )
    else:
        message = _l(
            "The upload is larger than %(limit)s, the most a file may be.", limit=megabytes(limit)
        )
    return Problem("too_large", message, "file", 413)


def store_upload(upload: FileStorage, storage: Storage, limit: int) -> StoredUpload:
    """Check ``upload`` and put its content (a photo re-encoded) in ``storage``; raise a
    :class:`Problem` saying what is wrong with it instead."""
    name = display_name(upload.filename)
    stream = upload.stream
    size = _size(stream)
    if size == 0:
        raise Problem("empty_file", _l("“%(name)s” is empty.", name=name), "file")
    if size > limit:
        raise too_large(limit, name)
    file_type = checked_type(name, stream)
    if file_type.kind == PHOTO:
        return _store_photo(name, stream, storage)
    try:
        stored = storage.put(stream, limit)
    except FileTooLarge:
        raise too_large(limit, name) from None
    return StoredUpload(name, file_type.kind, file_type.content_type, stored.digest, stored.size)


def _store_photo(name: str, stream: BinaryIO, storage: Storage) -> StoredUpload:
    photo = process_photo(stream, name)
    image = storage.put(BytesIO(photo.image))
    thumbnail = storage.put(BytesIO(photo.thumbnail))
    return StoredUpload(
        name=_jpeg_name(name),
        kind=PHOTO,
        content_type="image/jpeg",
        digest=image.digest,
        size=image.size,
        thumbnail_digest=thumbnail.digest,
        width=photo.width,
        height=photo.height,
        location=photo.location,
    )


def _jpeg_name(name: str) -> str:
    """``name`` with the extension of the re-encoded photo."""
    suffix = PurePath(name).suffix
    return display_name((name[: -len(suffix)] if suffix else name) + ".jpg")


def _size(stream: BinaryIO) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size
