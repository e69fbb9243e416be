"""Uploads kept between the preview and the confirmation, in the instance folder.

Each upload is kept under a random token with who uploaded it and for which source; only that
user can confirm it, and uploads older than a day are removed.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

KEEP_SECONDS = 24 * 60 * 60
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class Upload:
    """An uploaded file waiting for confirmation."""

    token: str
    filename: str
    source: str
    user_id: int
    data: bytes


class UploadFolder:
    """Uploads waiting for confirmation, each as ``<token>.data`` and ``<token>.json``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save(self, data: bytes, filename: str, source: str, user_id: int) -> str:
        """Keep ``data`` for ``user_id``; returns its token."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._prune()
        token = secrets.token_urlsafe(24)
        (self.folder / f"{token}.data").write_bytes(data)
        meta = {"filename": filename, "source": source, "user_id": user_id}
        (self.folder / f"{token}.json").write_text(json.dumps(meta))
        return token

    def load(self, token: str, user_id: int) -> Upload | None:
        """The upload ``token`` of ``user_id``; None if there is none (or it is someone else's)."""
        if not TOKEN.fullmatch(token):
            return None
        try:
            meta_path = self.folder / f"{token}.json"
            fresh = meta_path.stat().st_mtime >= time.time() - KEEP_SECONDS
            meta = json.loads(meta_path.read_text())
            data = (self.folder / f"{token}.data").read_bytes()
        except (OSError, ValueError):
            return None
        if not fresh or meta.get("user_id") != user_id:
            return None
        return Upload(token, meta["filename"], meta["source"], user_id, data)

    def discard(self, token: str) -> None:
        if TOKEN.fullmatch(token):
            for suffix in (".data", ".json"):
                (self.folder / f"{token}{suffix}").unlink(missing_ok=True)

    def _prune(self) -> None:
        oldest = time.time() - KEEP_SECONDS
        for path in self.folder.iterdir():
            try:
                if path.stat().st_mtime < oldest:
                    path.unlink()
            except FileNotFoundError:
                continue
