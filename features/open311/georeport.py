"""The GeoReport v2 vocabulary shared by the hub's server, its client and the simulator.

Times are ISO 8601 with a zone; a service code is a stable slug of a category's name; a request is
``open`` or ``closed`` (the hub's statuses map to those through the ``open311`` status scheme).
Servers send codes and ids as text or as numbers (uReport's are integers): :func:`code_text` reads
either as text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime, tzinfo

from features.complaints.statuses import CANONICAL, OPEN, RESOLVED, StatusWords

FORMATS = ("json", "xml")
TITLE_LENGTH = 100
OPEN311_STATUSES = StatusWords({"open": OPEN, "closed": RESOLVED})
"""GeoReport v2's two statuses, as the hub's."""


def service_code(name: str) -> str:
    """``"Lampu jalan rusak (PJU)"`` -> ``"lampu-jalan-rusak-pju"``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def code_text(value: object) -> str | None:
    """A code or id of any JSON type as text: ``139`` and ``139.0`` -> ``"139"``, ``" a1 "`` ->
    ``"a1"``; None for a missing, empty, true/false or non-finite value, or a list or object."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def hub_statuses(open311_status: str) -> tuple[str, ...]:
    """The hub's statuses that GeoReport shows as ``open311_status`` (``open`` or ``closed``)."""
    return tuple(
        status for status in CANONICAL if OPEN311_STATUSES.word_for(status) == open311_status
    )


def format_time(moment: datetime | None, zone: tzinfo) -> str | None:
    """``2026-11-23T22:52:07+07:00``: the moment in ``zone``, to the second."""
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def parse_time(text: str, zone: tzinfo) -> datetime:
    """A W3C date or date-time; one without a zone is taken in ``zone``. ValueError if neither."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def request_title(description: str | None, service_name: str | None) -> str:
    """A complaint's title: the first line of its description, shortened, else its service."""
    line = (description or "").strip().split("\n", 1)[0].strip()
    if len(line) > TITLE_LENGTH:
        line = line[: TITLE_LENGTH - 1].rstrip() + "…"
    return line or service_name or ""
