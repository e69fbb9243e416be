"""What an uploaded file really is, read from its first bytes, and whether its name agrees."""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from PIL import Image

from hub.problems import Problem

PHOTO, DOCUMENT = "photo", "document"
"""The two kinds of file: a photo (re-encoded) and a document (kept as it came)."""

HEAD_BYTES = 16
MAX_NAME_LENGTH = 200
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1")


@dataclass(frozen=True)
class FileType:
    """A kind of file the reports accept: what it is called, its media type, the extensions its
    name may have, and whether it is a photo or a document."""

    label: str
    content_type: str
    extensions: tuple[str, ...]
    kind: str


JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg", ".jfif"), PHOTO)
PNG = FileType("PNG", "image/png", (".png",), PHOTO)
WEBP = FileType("WebP", "image/webp", (".webp",), PHOTO)
HEIF = FileType("HEIC", "image/heic", (".heic", ".heif"), PHOTO)
PDF = FileType("PDF", "application/pdf", (".pdf",), DOCUMENT)
OLE2 = FileType(
    "Microsoft Office 97-2003", "application/x-ole-storage", (".doc", ".xls", ".ppt"), DOCUMENT
)
DOCX = FileType(
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    DOCUMENT,
)
XLSX = FileType(
    "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
    DOCUMENT,
)
PPTX = FileType(
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
    DOCUMENT,
)
ODT = FileType("OpenDocument Text", "application/vnd.oasis.opendocument.text", (".odt",), DOCUMENT)
ODS = FileType(
    "OpenDocument Spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    (".ods",),
    DOCUMENT,
)
ODP = FileType(
    "OpenDocument Presentation",
    "application/vnd.oasis.opendocument.presentation",
    (".odp",),
    DOCUMENT,
)
OOXML_FOLDERS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
ODF_TYPES = {odf.content_type.encode(): odf for odf in (ODT, ODS, ODP)}


def display_name(filename: str | None) -> str:
    """The name to show for an upload: the client's name without control characters, cut to
    length. A name with a folder path in it is refused; it is never used to store the file."""
    name = unicodedata.normalize("NFC", filename or "")
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    if not name:
        raise Problem("missing_file", _l("Choose a file to upload."), "file")
    if "/" in name or "\\" in name or name in (".", ".."):
        raise Problem(
            "path_in_name",
            _l("The file name “%(name)s” contains a folder path: send the file itself.", name=name),
            "file",
        )
    if len(name) <= MAX_NAME_LENGTH:
        return name
    suffix = PurePath(name).suffix[:20]
    return name[: MAX_NAME_LENGTH - len(suffix)] + suffix


def sniff(stream: BinaryIO) -> FileType | None:
    """The type of the file in ``stream`` by its content, or None; the position is kept."""
    start = stream.tell()
    head = stream.read(HEAD_BYTES)
    stream.seek(start)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIF
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(OLE2_MAGIC):
        return OLE2
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(stream, start)
    return None


def _office_zip(stream: BinaryIO, start: int) -> FileType | None:
    """An Office Open XML or OpenDocument file, by the entries of the zip it is."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    return ODF_TYPES.get(entry.read(100).strip())
            if "[Content_Types].xml" in names:
                return next(
                    (
                        found
                        for folder, found in OOXML_FOLDERS.items()
                        if any(name.startswith(folder) for name in names)
                    ),
                    None,
                )
            return None
    except Exception:  # a broken or hostile zip is not a document we accept
        return None
    finally:
        stream.seek(start)


def heif_supported() -> bool:
    """True if Pillow has a HEIF plugin (pillow-heif) to read HEIC photos with."""
    return ".heic" in Image.registered_extensions()


def checked_type(name: str, stream: BinaryIO) -> FileType:
    """The real type of the upload ``name``; refused if it is not one the reports accept or if
    the name's extension says it is something else."""
    found = sniff(stream)
    extension = PurePath(name).suffix.lower()
    if found is HEIF and not heif_supported():
        raise Problem(
            "unsupported_type",
            _l(
                "“%(name)s” is a HEIC photo, which this server cannot read: send it as JPEG "
                "(on an iPhone: Settings, Camera, Formats, Most Compatible).",
                name=name,
            ),
            "file",
            415,
        )
    if found is None:
        raise Problem(
            "unsupported_type",
            _l(
                "“%(name)s” is not a photo (JPEG, PNG, WebP) or a document (PDF, Word, Excel, "
                "PowerPoint, OpenDocument) by its content.",
                name=name,
            ),
            "file",
            415,
        )
    if extension and extension not in found.extensions:
        raise Problem(
            "type_mismatch",
            _l(
                "“%(name)s” is named like a %(extension)s file but its content is %(real)s.",
                name=name,
                extension=extension,
                real=found.label,
            ),
            "file",
            415,
        )
    return found
