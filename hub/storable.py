"""Text the database and XML can hold.

PostgreSQL refuses U+0000 in text and JSON, and no database takes a lone surrogate (it has no
UTF-8 form). XML 1.0, and with it the XLSX exports, forbids those and the other C0 control
characters but tab, line feed and carriage return, and U+FFFE and U+FFFF.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""Characters no database column takes."""

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters neither the database nor an XML document holds."""

T = TypeVar("T")


def is_storable(value: Any) -> bool:
    """Whether the database can store every string in ``value`` as it is: ``value`` itself, or
    the strings in its lists, tuples and dictionaries (their keys too), however deep."""
    if isinstance(value, str):
        return UNSTORABLE.search(value) is None
    if isinstance(value, dict):
        return all(is_storable(key) and is_storable(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(is_storable(item) for item in value)
    return True


def cleaned(value: T) -> T:
    """``value`` without the characters of :data:`NOT_IN_XML`, in every string of it: in lists,
    tuples and dictionaries (their keys too), however deep. Other values are kept as they are."""
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value) if NOT_IN_XML.search(value) else value
    if isinstance(value, dict):
        return {cleaned(key): cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    if isinstance(value, tuple):
        return tuple(cleaned(item) for item in value)
    return value
