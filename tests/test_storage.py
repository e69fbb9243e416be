"""Content-addressed storage: chunked, deduplicated, atomic, size-limited, digest-checked."""

from __future__ import annotations

import hashlib
from io import BytesIO

import pytest

from hub.config import Settings
from hub.storage import CHUNK_SIZE, FileTooLarge, LocalStorage, StoredFile, open_storage


class CountingStream(BytesIO):
    """A stream that remembers the largest read asked of it."""

    largest_read = 0

    def read(self, size: int | None = -1) -> bytes:
        self.largest_read = max(self.largest_read, -1 if size is None or size < 0 else size)
        return super().read(size)


def stored_files(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_a_file_is_stored_under_its_sha256_read_in_chunks(tmp_path):
    storage = LocalStorage(tmp_path)
    content = b"laporan kerja bakti " * 20_000
    stream = CountingStream(content)

    stored = storage.put(stream)

    digest = hashlib.sha256(content).hexdigest()
    assert stored == StoredFile(digest, len(content))
    assert stored_files(tmp_path) == [f"{digest[:2]}/{digest[2:4]}/{digest}"]
    assert 0 < stream.largest_read <= CHUNK_SIZE
    assert storage.exists(digest)
    with storage.open(digest) as handle:
        assert handle.read() == content


def test_the_same_content_is_kept_once(tmp_path):
    storage = LocalStorage(tmp_path)

    first = storage.put(BytesIO(b"foto posyandu"))
    second = storage.put(BytesIO(b"foto posyandu"))
    other = storage.put(BytesIO(b"foto musrenbang"))

    assert first == second != other
    assert len(stored_files(tmp_path)) == 2


def test_a_file_over_the_limit_leaves_nothing_behind(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put(BytesIO(b"kept"))

    with pytest.raises(FileTooLarge, match="larger than 1000 bytes"):
        storage.put(BytesIO(b"x" * 1001), limit=1000)

    assert len(stored_files(tmp_path)) == 1
    assert storage.put(BytesIO(b"y" * 1000), limit=1000).size == 1000


def test_a_failing_stream_leaves_no_partial_file(tmp_path):
    class Broken(BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() >= CHUNK_SIZE:
                raise ConnectionError("client went away")
            return super().read(size)

    storage = LocalStorage(tmp_path)

    with pytest.raises(ConnectionError):
        storage.put(Broken(b"z" * (3 * CHUNK_SIZE)))

    assert stored_files(tmp_path) == []


@pytest.mark.parametrize("digest", ["../../etc/passwd", "ab/cd", "A" * 64, "0" * 63, ""])
def test_only_a_sha256_names_a_file(tmp_path, digest):
    storage = LocalStorage(tmp_path)

    with pytest.raises(ValueError, match="not a SHA-256 digest"):
        storage.open(digest)
    with pytest.raises(ValueError):
        storage.exists(digest)


def test_a_missing_file_is_not_found(tmp_path):
    storage = LocalStorage(tmp_path)

    assert not storage.exists("0" * 64)
    with pytest.raises(FileNotFoundError):
        storage.open("0" * 64)


def test_the_folder_comes_from_the_settings(tmp_path):
    default = open_storage(Settings(instance_path=str(tmp_path / "instance")))
    chosen = open_storage(Settings(storage_path=str(tmp_path / "elsewhere")))

    assert default.put(BytesIO(b"a")).size == 1
    assert chosen.put(BytesIO(b"b")).size == 1
    assert len(stored_files(tmp_path / "instance" / "files")) == 1
    assert len(stored_files(tmp_path / "elsewhere")) == 1
