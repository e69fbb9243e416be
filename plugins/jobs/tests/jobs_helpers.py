"""Helpers for the jobs plugin's tests: the simulator on loopback as of a known day, a control
client, connectors, and builders of the objects its API serves. The fixtures are made available
by conftest.py; the tests import the rest from here (a module name no other test folder uses)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from typing import Any

import httpx
import pytest
from flask import Flask
from simpul_jobs.pencaker import PencakerConnector
from simpul_jobs.simulator import DEMO_API_KEY, create_app
from sqlalchemy import select

from hub.api import AreaDirectory, Page, Record, RunningServer, read_session

TODAY = date(2026, 11, 20)
"""A Friday; the simulators of these tests live on it."""
SIZE = 60
LOOPBACK = httpx.Client(verify=False, timeout=10.0)
"""For simulators on loopback: plain HTTP, so no TLS context, which takes 0.2 s to build."""


@pytest.fixture(scope="session")
def areas() -> AreaDirectory:
    return AreaDirectory()


@pytest.fixture
def serve(areas: AreaDirectory) -> Iterator[Callable[..., RunningServer]]:
    """Serve a simulator made with the given options (as of TODAY); stopped after the test."""
    with ExitStack() as stack:

        def start(**options: Any) -> RunningServer:
            app = create_app(areas, **{"today": TODAY, "size": SIZE, **options})
            return stack.enter_context(RunningServer(app))

        yield start


@pytest.fixture
def server(serve: Callable[..., RunningServer]) -> RunningServer:
    return serve()


@pytest.fixture
def control(server: RunningServer) -> Iterator[httpx.Client]:
    """An HTTP client for the simulator, with the right API key."""
    headers = {"X-API-Key": DEMO_API_KEY}
    with httpx.Client(base_url=server.url, headers=headers, verify=False) as client:
        yield client


@pytest.fixture
def connect(server: RunningServer) -> Iterator[Callable[..., PencakerConnector]]:
    """Make connectors to the simulator; ``settings`` override the defaults."""
    connectors: list[PencakerConnector] = []

    def make(**settings: Any) -> PencakerConnector:
        defaults = {"url": server.url, "api_key": DEMO_API_KEY, "page_size": 25, "timeout": 5.0}
        connectors.append(PencakerConnector(defaults | settings))
        return connectors[-1]

    yield make
    for connector in connectors:
        connector.close()


def call(simulator: Any, method: str, path: str, body: Any = None) -> Any:
    """Call a simulator served by ``serve_simulator`` with its key; its JSON answer."""
    headers = {"X-API-Key": simulator.api_key}
    response = LOOPBACK.request(method, simulator.url + path, json=body, headers=headers)
    response.raise_for_status()
    return response.json()


def read_all(connector: Any, cursor: str | None = None) -> tuple[list[dict], str | None, int]:
    """Every object from ``cursor`` on: the objects, the cursor after the last page, the pages."""
    records: list[dict] = []
    pages = 0
    while True:
        page: Page = connector.fetch_page(cursor)
        pages += 1
        records.extend(page.records)
        cursor = page.next_cursor
        if not page.has_more:
            return records, cursor, pages


def stored(app: Flask, kind: str, *, deleted: bool = False) -> dict[str, Record]:
    """The records of ``kind`` in ``app``'s database by external id (only deleted ones, or only
    live ones)."""
    with app.app_context(), read_session() as session:
        condition = Record.deleted_at.is_not(None) if deleted else Record.deleted_at.is_(None)
        records = session.scalars(select(Record).where(Record.kind == kind, condition)).all()
        return {record.external_id: record for record in records}


def source_page(client: Any, source_name: str) -> str:
    """The text of the source's page, where its runs and record errors are shown (the client
    must be signed in as an admin)."""
    response = client.get(f"/sources/{source_name}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def seeker(
    number: str,
    kelurahan: str,
    education: str,
    registered_on: str,
    *,
    sector: str = "Manufaktur",
    skills: tuple[str, ...] = ("Operator mesin",),
    status: str = "looking",
    valid_until: str | None = None,
    name: str = "Siti Rahmawati",
) -> dict[str, Any]:
    """A job seeker as the Pencaker API serves one."""
    return {
        "object": "job_seeker",
        "id": number,
        "name": name,
        "nik": "3671014506980003",
        "phone": "0812-8765-4321",
        "education": education,
        "skills": list(skills),
        "preferred_sector": sector,
        "kelurahan_code": kelurahan,
        "registered_on": registered_on,
        "valid_until": valid_until,
        "status": status,
        "updated_at": "2026-11-20T01:00:00.000000Z",
    }


def posting(
    identifier: str,
    title: str,
    posted: str,
    *,
    valid_through: str | None = "2099-12-31",
    sector: str = "Manufaktur",
    openings: int = 1,
    education: Any = "no requirements",
    skills: tuple[str, ...] = (),
    kelurahan: str | None = "36.71.01.1001",
) -> dict[str, Any]:
    """A schema.org JobPosting as a job board publishes one."""
    job: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "value": identifier},
        "title": title,
        "datePosted": posted,
        "hiringOrganization": {"@type": "Organization", "name": "PT Sinar Cibodas Plastindo"},
        "industry": sector,
        "totalJobOpenings": openings,
        "educationRequirements": education,
        "skills": list(skills),
        "employmentType": "FULL_TIME",
    }
    if valid_through is not None:
        job["validThrough"] = valid_through
    if kelurahan is not None:
        job["jobLocation"] = {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressLocality": "Sukarasa"},
            "containedInPlace": {"@type": "AdministrativeArea", "identifier": kelurahan},
        }
    return job
