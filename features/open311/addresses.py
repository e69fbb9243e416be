"""The kelurahan an address names: ``"Jl. Sam Ratulangi No. 12, Kel. Wenang Utara, Kec. Wenang"``.

An Indonesian address lists its parts, separated by commas, from the street up to the city. A part
names a kelurahan when it is the kelurahan's name, after an optional "Kel.", "Kelurahan" or "Desa";
parts marked "Kec."/"Kecamatan" or "Kota"/"Kabupaten" name the kecamatan and the city. When several
kelurahan are named (or one name is shared), those whose kecamatan, then city, another part names
are kept. The address resolves only when exactly one kelurahan remains.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

VILLAGE, DISTRICT, REGENCY = "village", "district", "regency"
MARKERS = (
    (VILLAGE, re.compile(r"^(kelurahan|kel\.?|desa|ds\.)\s+")),
    (DISTRICT, re.compile(r"^(kecamatan|kec\.?)\s+")),
    (REGENCY, re.compile(r"^(kota administrasi|kota adm\.|kota|kabupaten|kab\.?)\s+")),
)


@dataclass(frozen=True)
class Place:
    """A kelurahan with the names of its kecamatan and city, as addresses write them."""

    code: str
    village: str
    district: str
    regency: str


@dataclass(frozen=True)
class Part:
    """One comma-separated part of an address, simplified: its whole text, and its name and
    level when a marker ("Kec. ") says what it is."""

    text: str
    name: str
    level: str | None

    @property
    def village_names(self) -> set[str]:
        """What this part may call a kelurahan: "Kota Lama" may be one, "Kec. Wenang" not."""
        if self.level == DISTRICT:
            return set()
        return {self.text, self.name} if self.level in (None, VILLAGE) else {self.text}


def simplified(name: str) -> str:
    """Lower case, single spaces: how names are compared."""
    return " ".join(name.lower().split())


def regency_name(name: str) -> str:
    """``"Kota Manado"`` -> ``"manado"``; a city as an address writes it without its marker."""
    return _marked(simplified(name)).name


def address_parts(address: str) -> list[Part]:
    return [_marked(simplified(text)) for text in address.split(",") if text.strip()]


def named_villages(address: str) -> set[str]:
    """Every name in ``address`` that may be a kelurahan's, simplified."""
    return {name for part in address_parts(address) for name in part.village_names}


def find_village(address: str | None, places: Mapping[str, Sequence[Place]]) -> str | None:
    """The code of the one kelurahan ``address`` names; ``places`` are the kelurahan that may be
    named, by simplified name. None when it names none, or cannot tell which."""
    if not address:
        return None
    parts = address_parts(address)
    found = [
        (index, place)
        for index, part in enumerate(parts)
        for name in part.village_names
        for place in places.get(name, ())
    ]
    for level in (DISTRICT, REGENCY):
        if len({place.code for _, place in found}) > 1:
            found = _narrowed(found, parts, level)
    codes = {place.code for _, place in found}
    return codes.pop() if len(codes) == 1 else None


def _narrowed(found: list[tuple[int, Place]], parts: list[Part], level: str) -> list[tuple]:
    """The places whose kecamatan (or city) another part of the address names, if any."""

    def named(index: int, place: Place) -> bool:
        wanted = simplified(place.district) if level == DISTRICT else regency_name(place.regency)
        return any(
            other != index and part.level in (None, level) and part.name == wanted
            for other, part in enumerate(parts)
        )

    return [(index, place) for index, place in found if named(index, place)] or found


def _marked(text: str) -> Part:
    for level, marker in MARKERS:
        match = marker.match(text)
        if match:
            return Part(text, text[match.end() :], level)
    return Part(text, text, None)
