"""Agencies: the dinas and suku dinas that plugins work with, and to which officers belong."""

from __future__ import annotations

import re
from dataclasses import dataclass

AGENCY_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")
"""An agency's code (``dlh``, ``sudin-sda-jt``): 2 to 32 lowercase letters, digits or dashes."""


@dataclass(frozen=True)
class Agency:
    """An agency a plugin offers: officers' accounts name its ``code``; ``name`` is shown."""

    code: str
    name: str

    def __post_init__(self) -> None:
        if not AGENCY_CODE.fullmatch(self.code):
            raise ValueError(
                f"agency code {self.code!r} must be 2 to 32 lowercase letters, digits or dashes"
            )
