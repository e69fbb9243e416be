"""Content-addressed file storage behind a small interface.

Callers see only :class:`Storage`: ``put`` a stream and get its SHA-256 digest back, ``open`` and
``exists`` by digest. :class:`LocalStorage` keeps files on the local filesystem; a backend for an
S3-compatible store would implement the same three methods.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from hub.config import Settings

CHUNK_SIZE = 64 * 1024
DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredFile:
    """A stored file: the SHA-256 of its content (hex) and its size in bytes."""

    digest: str
    size: int


class FileTooLarge(ValueError):
    """The stream held more than the limit ``put`` was given; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than {limit} bytes")
        self.limit = limit


class Storage(Protocol):
    """Where uploaded files live, each under the digest of its content."""

    def put(self, stream: BinaryIO, limit: int | None = None) -> StoredFile:
        """Store what ``stream`` holds from its current position, read in chunks.

        Raises :class:`FileTooLarge` (storing nothing) if it holds more than ``limit`` bytes.
        Storing content that is already stored keeps one copy.
        """
        ...

    def open(self, digest: str) -> BinaryIO:
        """The stored file with ``digest``, for reading; ``FileNotFoundError`` if there is none."""
        ...

    def exists(self, digest: str) -> bool: ...


class LocalStorage:
    """Files in ``folder``, at ``ab/cd/<sha256>``; written to a temporary file and renamed into
    place, so a reader never sees half a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, stream: BinaryIO, limit: int | None = None) -> StoredFile:
        incoming = self.folder / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=incoming)
        try:
            with os.fdopen(handle, "wb") as target:
                stored = _copy_hashing(stream, target, limit)
                target.flush()
                os.fsync(target.fileno())
            destination = self.path(stored.digest)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, destination)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return stored

    def open(self, digest: str) -> BinaryIO:
        return self.path(digest).open("rb")

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def path(self, digest: str) -> Path:
        """Where the file with ``digest`` lives; ``ValueError`` for anything but a SHA-256."""
        if not DIGEST.fullmatch(digest):
            raise ValueError(f"not a SHA-256 digest: {digest!r}")
        return self.folder / digest[:2] / digest[2:4] / digest


def _copy_hashing(stream: BinaryIO, target: BinaryIO, limit: int | None) -> StoredFile:
    sha256 = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        size += len(chunk)
        if limit is not None and size > limit:
            raise FileTooLarge(limit)
        sha256.update(chunk)
        target.write(chunk)
    return StoredFile(sha256.hexdigest(), size)


def open_storage(settings: Settings) -> Storage:
    """The storage the settings name: ``storage_path``, else ``<instance_path>/files``."""
    folder = settings.storage_path or str(Path(settings.instance_path) / "files")
    return LocalStorage(Path(folder).resolve())
