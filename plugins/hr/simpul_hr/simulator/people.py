"""Seeded civil servants of a city in North Sulawesi: names, NIP and rank (golongan)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

MEN = (
    "Ronald", "Stevanus", "Jefry", "Fransiskus", "Hendra", "Christian", "Michael", "Rudy",
    "Johny", "Arnold", "Frangky", "Maxi", "Muhammad", "Rizal", "Abdul", "Yusuf", "Denny",
    "Roy", "Harley", "Julius",
)  # fmt: skip
WOMEN = (
    "Meiske", "Novita", "Deasy", "Jeane", "Olivia", "Stella", "Vivi", "Lenny", "Sintje",
    "Grace", "Siti", "Nurhayati", "Fatmawati", "Rina", "Femmy", "Marlien", "Yuliana",
    "Debby", "Anneke", "Rahmawati",
)  # fmt: skip
FAMILIES = (
    "Wowor", "Rumengan", "Lumowa", "Tambuwun", "Pangemanan", "Sondakh", "Kalangi", "Mandagi",
    "Lengkong", "Rondonuwu", "Sumampouw", "Tumbelaka", "Lasut", "Mamahit", "Wenas", "Supit",
    "Rompas", "Pontoh", "Lapian", "Manoppo", "Mokodompit", "Paputungan", "Hasan", "Lahay",
    "Runtuwene", "Sengkey", "Tangkilisan", "Walangitan",
)  # fmt: skip
DEGREES = ("", "", "", "S.Sos.", "S.STP", "S.E.", "S.H.", "S.Kom.", "S.IP., M.Si.", "A.Md.")

RANKS = ("II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c")
RANK_RANGE = {
    "Kepala": ("IV/b", "IV/c"),
    "Camat": ("IV/a", "IV/b"),
    "Lurah": ("III/c", "IV/a"),
    "Sekretaris": ("III/c", "IV/a"),
    "Analis": ("III/a", "III/c"),
    "Pengadministrasi": ("II/a", "III/b"),
}
"""The golongan a position is held at, by the first word of its title."""


@dataclass(frozen=True)
class Identity:
    """Who a civil servant is: NIP, names, and the date of appointment encoded in the NIP."""

    nip: str
    given_name: str
    family_name: str
    degree: str
    appointed: date

    @property
    def display_name(self) -> str:
        name = f"{self.given_name} {self.family_name}"
        return f"{name}, {self.degree}" if self.degree else name


class PersonFactory:
    """Makes distinct civil servants from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._nips: set[str] = set()

    def identity(self) -> Identity:
        """A new person with an unused NIP: birth date, appointment (TMT CPNS), sex, sequence."""
        rng = self.rng
        woman = rng.random() < 0.5
        born = date(1966, 1, 1) + timedelta(days=rng.randrange(365 * 33))
        appointed = date(min(born.year + rng.randint(22, 30), 2024), rng.choice((1, 3, 4, 12)), 1)
        while True:
            nip = f"{born:%Y%m%d}{appointed:%Y%m}{2 if woman else 1}{rng.randint(1, 999):03d}"
            if nip not in self._nips:
                self._nips.add(nip)
                break
        return Identity(
            nip=nip,
            given_name=rng.choice(WOMEN if woman else MEN),
            family_name=rng.choice(FAMILIES),
            degree=rng.choice(DEGREES),
            appointed=appointed,
        )

    def rank(self, position: str) -> str:
        """A golongan fitting ``position``."""
        low, high = RANK_RANGE.get(position.split()[0], ("III/a", "III/d"))
        return self.rng.choice(RANKS[RANKS.index(low) : RANKS.index(high) + 1])

    def known(self, nip: str) -> None:
        """Reserve ``nip``, which a test gave the simulator, so no new person gets it."""
        self._nips.add(nip)
