"""Telling a request closed without a fix from one closed because it was fixed.

GeoReport v2 has one word, ``closed``, for both; servers say which in ``status_notes`` ("Case is
a Duplicate", "Duplikat", "Not a city issue"). A closed request whose notes contain one of the
phrases of ``[open311] closed_not_fixed_notes`` (whole words, any case) is closed not fixed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from features.complaints.statuses import CLOSED, RESOLVED

DEFAULT_PHRASES = (
    "duplicate",
    "duplikat",
    "invalid",
    "tidak valid",
    "not a city issue",
    "bukan kewenangan",
)


def closed_status(notes: str | None, phrases: tuple[str, ...]) -> str:
    """The hub's status for a closed request with these ``notes``: closed (not fixed) when they
    contain one of ``phrases``, else resolved."""
    pattern = _pattern(phrases)
    return CLOSED if notes and pattern is not None and pattern.search(notes) else RESOLVED


@lru_cache(maxsize=8)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all ``phrases``, each as whole words, its words apart by any spaces."""
    alternatives = [r"\s+".join(map(re.escape, phrase.split())) for phrase in phrases]
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)
