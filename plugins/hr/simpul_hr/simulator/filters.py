"""The SCIM filters the simulator understands: comparisons of ``meta.lastModified``."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

from simpul_hr.scim import parse_time

FILTER = re.compile(r'\s*meta\.lastModified\s+(eq|gt|ge|lt|le)\s+"([^"]*)"\s*', re.IGNORECASE)
OPERATORS = {
    "eq": operator.eq,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


class FilterError(ValueError):
    """A filter the simulator cannot apply; answered as SCIM's ``invalidFilter``."""


def resource_filter(text: str | None) -> Callable[[dict[str, Any]], bool]:
    """A test of resources for the SCIM ``filter`` parameter ``text`` (None: every resource)."""
    if not text:
        return lambda resource: True
    match = FILTER.fullmatch(text)
    if match is None:
        raise FilterError(
            f"cannot filter by {text!r}: this provider filters only on meta.lastModified, "
            'as in meta.lastModified gt "2026-11-23T00:00:00Z"'
        )
    compare = OPERATORS[match[1].lower()]
    try:
        moment = parse_time(match[2])
    except ValueError:
        raise FilterError(f"{match[2]!r} is not a dateTime with a time zone") from None
    return lambda resource: compare(parse_time(resource["meta"]["lastModified"]), moment)
