"""Education levels of job seekers and of what vacancies require, lowest first."""

from __future__ import annotations

import re

LEVELS = ("SD", "SMP", "SMA/SMK", "D3", "S1", "S2")
NAMED = (
    ("S2", re.compile(r"\bs-?2\b|magister|master|postgraduate")),
    ("S1", re.compile(r"\bs-?1\b|\bd-?iv\b|\bd-?4\b|sarjana|bachelor")),
    ("D3", re.compile(r"\bd-?iii\b|\bd-?3\b|diploma|associate")),
    ("SMA/SMK", re.compile(r"\bsma\b|\bsmk\b|\bslta\b|high school")),
    ("SMP", re.compile(r"\bsmp\b|\bsltp\b|middle school|junior high")),
    ("SD", re.compile(r"\bsd\b|elementary|primary school")),
)


def lowest_level_in(text: str) -> str | None:
    """The lowest level ``text`` names: "Minimal SMA/SMK atau D3" and "high school" give
    "SMA/SMK"; None when it names none ("no requirements", "professional certificate")."""
    folded = text.casefold()
    named = [level for level, pattern in NAMED if pattern.search(folded)]
    return min(named, key=LEVELS.index) if named else None


def levels_from(level: str) -> tuple[str, ...]:
    """``level`` and every level above it."""
    return LEVELS[LEVELS.index(level) :]


def meets(level: str | None, required: str | None) -> bool:
    """True if a seeker with ``level`` has at least the ``required`` level (None: any)."""
    if required is None:
        return True
    return level in LEVELS and LEVELS.index(level) >= LEVELS.index(required)
