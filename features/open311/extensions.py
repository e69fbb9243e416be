"""The fields servers add to a service request beyond the standard's, kept with the complaint.

``attributes`` (the answers to a service's questions: an object of code to value, or a list of
``{"code"/"description", "value"}``), ``extended_attributes`` (Chicago's and Helsinki's
``extensions=true``: an object) and ``notes`` (Chicago's history: a list of ``{"datetime",
"summary", "description"}``) are kept as sent, and read out as ``details``: rows of a label and a
text that the complaint's page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIELDS = ("attributes", "extended_attributes", "notes")
MAX_ROWS = 40
MAX_LABEL = 80
MAX_TEXT = 500


def extensions(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The extension fields ``raw`` has a value in, as sent."""
    return {name: raw[name] for name in FIELDS if raw.get(name) not in (None, "", [], {})}


def details(kept: Mapping[str, Any]) -> list[list[str]]:
    """``[label, text]`` rows for the extension fields ``kept``: answers, extended attributes,
    then notes; whatever has no readable text is left out."""
    rows = [
        *_answers(kept.get("attributes")),
        *_pairs(kept.get("extended_attributes")),
        *_notes(kept.get("notes")),
    ]
    return [[_short(label, MAX_LABEL), _short(text, MAX_TEXT)] for label, text in rows[:MAX_ROWS]]


def _answers(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, Mapping):
        return _pairs(value)
    if not isinstance(value, list):
        return []
    rows = []
    for answer in value:
        if isinstance(answer, Mapping):
            label = _text(answer.get("description")) or _text(answer.get("code"))
            text = _text(answer.get("value"))
            if label and text:
                rows.append((label, text))
    return rows


def _pairs(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, Mapping):
        return []
    return [(str(name), text) for name, item in value.items() if (text := _text(item))]


def _notes(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        return []
    rows = []
    for note in value:
        if isinstance(note, Mapping):
            parts = [_text(note.get(name)) for name in ("summary", "description")]
            text = ": ".join(part for part in parts if part)
            if text:
                rows.append((_text(note.get("datetime")) or _text(note.get("type")) or "", text))
    return rows


def _text(value: Any) -> str | None:
    """A scalar, or a list of scalars, as text; None for nothing or for an object."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        scalars = [item for item in value if not isinstance(item, list | Mapping)]
        return ", ".join(text for item in scalars if (text := _text(item))) or None
    return None


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
