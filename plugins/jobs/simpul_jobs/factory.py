"""Realistic job seekers, vacancies and placements for one city, made from a random generator."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from hub.api import AreaDirectory, AreaRow
from simpul_jobs.normalize import years_after
from simpul_jobs.vocabulary import (
    CREDENTIALS,
    EDUCATION_WEIGHTS,
    EMPLOYMENT_WEIGHTS,
    FAMILY_NAMES,
    FIRST_NAMES,
    GENERAL_SKILLS,
    MOBILE_PREFIXES,
    SECTORS,
    STREETS,
    UTC_OFFSETS,
    Sector,
)

REGISTRATION_DAYS = 800
"""Seekers registered over the last 800 days, so some AK/1 cards (valid two years) expired."""
POSTING_DAYS = 90
PLACED_SHARE = 0.25
SEEKERS_PER_VACANCY = 8

Dated = tuple[datetime, dict[str, Any]]
"""An object and when it last changed."""


@dataclass
class History:
    """Everything that happened before the simulator started, each with when it last changed."""

    seekers: list[Dated]
    vacancies: list[Dated]
    placements: list[Dated]


class JobFactory:
    """Makes the objects of the Pencaker API for ``city`` (a regency code such as ``36.71``),
    as of the day ``today``."""

    def __init__(
        self,
        areas: AreaDirectory,
        city: str,
        rng: random.Random,
        today: date,
        posting_prefix: str = "LOKER",
    ) -> None:
        regency = areas.get(city)
        if regency is None or regency.level != "regency":
            raise ValueError(f"unknown city {city!r} (expected a regency code such as '36.71')")
        self.rng = rng
        self.today = today
        self.offset = UTC_OFFSETS.get(city[:2], "+07:00")
        self.zone = timezone(timedelta(hours=int(self.offset[:3])))
        self._city = regency
        self._digits = city.replace(".", "")
        self._villages = sorted(areas.villages(within=city), key=lambda row: row.code)
        self._posting_prefix = posting_prefix
        self._sectors = [sector for sector in SECTORS for _ in range(sector.weight)]
        self._educations = [level for level, n in EDUCATION_WEIGHTS.items() for _ in range(n)]
        self._employment = [kind for kind, n in EMPLOYMENT_WEIGHTS.items() for _ in range(n)]
        self._serials: Counter[str] = Counter()

    def history(self, size: int) -> History:
        """``size`` seekers registered over the last 800 days, one vacancy for about eight of them
        posted over the last 90 days, and the placements of some of the seekers."""
        vacancy_count = max(1, size // SEEKERS_PER_VACANCY) if size else 0
        vacancies = [self.vacancy(day) for day in self._days_back(vacancy_count, POSTING_DAYS)]
        seekers, placements = [], []
        for day in self._days_back(size, REGISTRATION_DAYS):
            seeker = self.seeker(day)
            changed = day
            share = PLACED_SHARE * min(1.0, (self.today - day).days / 120)
            if vacancies and self.rng.random() < share:
                placed_on, placement = self._placed(seeker, vacancies)
                placements.append((self.moment(placed_on), placement))
                changed = placed_on
            elif seeker["status"] == "expired":
                changed = date.fromisoformat(seeker["valid_until"])
            seekers.append((self.moment(changed), seeker))
        return History(
            seekers, [(self.moment(self.posted_on(v)), v) for v in vacancies], placements
        )

    def seeker(self, registered_on: date) -> dict[str, Any]:
        """A seeker who registered for an AK/1 card on ``registered_on``."""
        rng = self.rng
        village: AreaRow = pick(self._villages, rng)
        sector: Sector = pick(self._sectors, rng)
        job = pick(sector.jobs, rng)
        skills = rng.sample(job.skills, k=rng.randint(1, len(job.skills)))
        if rng.random() < 0.5:
            skills.append(pick(GENERAL_SKILLS, rng))
        first, woman = pick(FIRST_NAMES, rng)
        born = registered_on - timedelta(days=rng.randint(18 * 365, 45 * 365))
        valid_until = years_after(registered_on)
        return {
            "object": "job_seeker",
            "id": f"{self._digits}-{registered_on:%y%m}-{self._next('seeker'):04d}",
            "name": f"{first} {pick(FAMILY_NAMES, rng)}",
            "nik": make_nik(village, born, woman, rng.randint(1, 9999)),
            "phone": f"{pick(MOBILE_PREFIXES, rng)}-{rng.randint(0, 9999):04d}-"
            f"{rng.randint(0, 9999):04d}",
            "education": pick(self._educations, rng),
            "skills": list(dict.fromkeys(skills)),
            "preferred_sector": sector.name,
            "kelurahan_code": village.code,
            "registered_on": registered_on.isoformat(),
            "valid_until": valid_until.isoformat(),
            "status": "expired" if valid_until < self.today else "looking",
        }

    def vacancy(self, posted_on: date) -> dict[str, Any]:
        """A schema.org JobPosting a company uploaded on ``posted_on``."""
        rng = self.rng
        sector: Sector = pick(self._sectors, rng)
        job = pick(sector.jobs, rng)
        company = pick(sector.companies, rng)
        village: AreaRow = pick(self._villages, rng)
        deadline = posted_on + timedelta(days=rng.randint(21, 60))
        serial = self._next("vacancy")
        return {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "identifier": {
                "@type": "PropertyValue",
                "name": "Nomor lowongan",
                "value": f"{self._posting_prefix}-{self._digits}-{serial:06d}",
            },
            "title": job.title,
            "description": f"{company} membutuhkan {job.title} untuk ditempatkan di "
            f"{village.name}, {self._city.name}. Keterampilan: {', '.join(job.skills)}.",
            "datePosted": posted_on.isoformat(),
            "validThrough": self.end_of(deadline),
            "employmentType": pick(self._employment, rng),
            "hiringOrganization": {"@type": "Organization", "name": company},
            "industry": sector.name,
            "educationRequirements": education_requirement(job.education),
            "skills": list(job.skills),
            "totalJobOpenings": 1 + min(19, int(-3 * math.log(1 - rng.random()))),
            "jobLocation": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": f"Jl. {pick(STREETS, rng)} No. {rng.randint(1, 150)}",
                    "addressLocality": village.name,
                    "addressRegion": self._city.name,
                    "addressCountry": "ID",
                },
                "containedInPlace": {
                    "@type": "AdministrativeArea",
                    "name": village.name,
                    "identifier": village.code,
                },
            },
        }

    def placement(
        self, seeker: dict[str, Any], vacancy: dict[str, Any], placed_on: date
    ) -> dict[str, Any]:
        """The placement of ``seeker`` in ``vacancy`` on ``placed_on``."""
        return {
            "object": "placement",
            "id": f"PNM-{self._digits}-{self._next('placement'):06d}",
            "seeker_id": seeker["id"],
            "vacancy_id": vacancy["identifier"]["value"],
            "position": vacancy["title"],
            "company": vacancy["hiringOrganization"]["name"],
            "placed_on": placed_on.isoformat(),
            "kelurahan_code": seeker["kelurahan_code"],
        }

    def end_of(self, day: date) -> str:
        """The last second of ``day`` in the city's time, as ``validThrough`` gives it."""
        return f"{day.isoformat()}T23:59:59{self.offset}"

    def posted_on(self, vacancy: dict[str, Any]) -> date:
        return date.fromisoformat(vacancy["datePosted"])

    def moment(self, day: date) -> datetime:
        """A moment in office hours of ``day``, city time."""
        return datetime.combine(day, time(8), self.zone) + timedelta(
            seconds=self.rng.randrange(8 * 3600)
        )

    def _placed(self, seeker: dict[str, Any], vacancies: list[dict[str, Any]]) -> tuple[date, dict]:
        """Place ``seeker`` in a vacancy of their sector (any, if there is none)."""
        sector = [v for v in vacancies if v["industry"] == seeker["preferred_sector"]]
        vacancy = pick(sector or vacancies, self.rng)
        start = max(date.fromisoformat(seeker["registered_on"]), self.posted_on(vacancy))
        placed_on = start + timedelta(days=self.rng.randint(0, min(45, (self.today - start).days)))
        seeker["status"] = "placed"
        return placed_on, self.placement(seeker, vacancy, placed_on)

    def _days_back(self, count: int, days: int) -> list[date]:
        """``count`` days from the last ``days`` up to today, oldest first."""
        offsets = sorted((self.rng.randrange(days) for _ in range(count)), reverse=True)
        return [self.today - timedelta(days=offset) for offset in offsets]

    def _next(self, series: str) -> int:
        self._serials[series] += 1
        return self._serials[series]


def education_requirement(level: str | None) -> Any:
    """``educationRequirements`` as job boards write it for ``level``."""
    if level is None:
        return "no requirements"
    if level in CREDENTIALS:
        return {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": CREDENTIALS[level],
        }
    return f"Minimal {level}"


def make_nik(village: AreaRow, born: date, woman: bool, serial: int) -> str:
    """A NIK: the kecamatan's six digits, the birth date (day + 40 for a woman), a serial."""
    district = village.code.rsplit(".", 1)[0].replace(".", "")
    day = born.day + (40 if woman else 0)
    return f"{district}{day:02d}{born:%m%y}{serial:04d}"


def pick(items: Sequence[Any], rng: random.Random) -> Any:
    return items[int(rng.random() * len(items))]
