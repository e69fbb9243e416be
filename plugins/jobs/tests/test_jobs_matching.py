"""Matching: seekers who fit a vacancy, ranked, and the open vacancies that fit a seeker."""

from __future__ import annotations

import pytest
from flask import Flask
from jobs_helpers import TODAY, call, posting, seeker
from simpul_jobs.matching import seekers_for, shared_skills, vacancies_for
from sqlalchemy import select

from hub.api import Record, read_session, within
from hub.testing import run_sync

CIPONDOH, SUKARASA = "36.71.05.1001", "36.71.01.1001"
SKILLS = ("Operator mesin", "K3", "Quality control")
HIGH_SCHOOL = {"@type": "EducationalOccupationalCredential", "credentialCategory": "high school"}


def candidate(letter: str, education: str, skills: tuple[str, ...], **options) -> dict:
    registered = options.pop("registered_on", "2026-06-01")
    kelurahan = options.pop("kelurahan", CIPONDOH)
    return seeker(
        f"3671-0000-000{letter}", kelurahan, education, registered, skills=skills, **options
    )


SEEKERS = [
    candidate("A", "SMA/SMK", SKILLS),
    candidate("B", "S1", ("operator MESIN", "k3"), registered_on="2026-03-01", kelurahan=SUKARASA),
    candidate("C", "SMA/SMK", ("K3", "Forklift"), registered_on="2026-01-01"),
    candidate("D", "D3", ("Quality control",), registered_on="2026-05-01"),
    candidate("E", "SMP", SKILLS),
    candidate("F", "SMA/SMK", ("Memasak",)),
    candidate("G", "SMA/SMK", SKILLS, status="placed"),
    candidate("H", "SMA/SMK", SKILLS, registered_on="2024-11-01", valid_until="2026-11-01"),
]
"""A shares three skills, B two (written otherwise), C and D one each (C registered earlier);
E lacks the education, F the skills; G is placed; H's AK/1 card ran out though the app still
says looking."""

VACANCIES = [
    posting("V1", "Operator Produksi", "2026-11-01", education=HIGH_SCHOOL, skills=SKILLS),
    posting("V7", "Kasir", "2026-11-01", education=HIGH_SCHOOL, skills=("Kasir",)),
    posting(
        "V8", "Supervisor Produksi", "2026-11-01", education="associate degree", skills=("K3",)
    ),
    posting("V9", "Helper Produksi", "2026-11-01", valid_through="2026-12-24"),
    posting("V10", "Teknisi", "2026-11-01", valid_through="2026-11-19", skills=("K3",)),
    posting(
        "V11",
        "Checker",
        "2026-11-01",
        valid_through="2026-11-25",
        education="Minimal SMP",
        skills=("Quality control",),
    ),
]
"""For A: V1 shares three skills, V11 one, V9 asks for nothing; V7 shares none, V8 asks for
more education, V10 closed yesterday."""


@pytest.fixture
def app(sqlite_url: str, make_app, serve_simulator) -> Flask:
    simulator = serve_simulator("jobs", size=0, today=TODAY)
    call(simulator, "POST", "/_sim/give", {"seekers": SEEKERS, "vacancies": VACANCIES})
    app = make_app(sqlite_url, sources=(simulator.source("pencaker"),))
    assert run_sync(app, "pencaker").errored == 0
    return app


def one(session, external_id: str) -> Record:
    return session.scalars(select(Record).where(Record.external_id == external_id)).one()


def test_seekers_who_fit_are_ranked_by_shared_skills_then_registration(app: Flask) -> None:
    with app.app_context(), read_session() as session:
        vacancy = one(session, "V1")
        fits = seekers_for(session, vacancy, TODAY)
        in_cipondoh = seekers_for(session, vacancy, TODAY, within(Record.area_code, "36.71.05"))
        first_two = seekers_for(session, vacancy, TODAY, limit=2)
        without_skills = seekers_for(session, one(session, "V9"), TODAY)

        assert [(f.record.external_id[-1], f.shared_skills) for f in fits] == [
            ("A", SKILLS),
            ("B", ("Operator mesin", "K3")),
            ("C", ("K3",)),
            ("D", ("Quality control",)),
        ]
        assert [f.record.external_id[-1] for f in in_cipondoh] == ["A", "C", "D"]
        assert [f.record.external_id[-1] for f in first_two] == ["A", "B"]
        assert [f.record.external_id[-1] for f in without_skills] == ["C", "B", "D", "A", "E", "F"]
        assert all(f.shared_skills == () for f in without_skills)


def test_open_vacancies_that_fit_a_seeker(app: Flask) -> None:
    with app.app_context(), read_session() as session:
        fits = vacancies_for(session, one(session, "3671-0000-000A"), TODAY)

        ranked = [(f.record.external_id, f.shared_skills) for f in fits]

    assert ranked == [("V1", SKILLS), ("V11", ("Quality control",)), ("V9", ())]


def test_shared_skills_ignore_case_and_keep_the_vacancys_words() -> None:
    assert shared_skills(["k3", "Forklift"], ["K3", "Las"]) == ("K3",)
    assert shared_skills(["K3"], []) == ()
    assert shared_skills(["K3"], ["Las"]) is None
