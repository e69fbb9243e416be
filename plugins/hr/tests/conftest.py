"""Fixtures: the HR simulator on loopback with a SCIM client, an app with a ``scim`` and an
``attendance`` source reading it, and readers of what the hub stored."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from flask import Flask
from simpul_hr.plugin import attendance_settings
from sqlalchemy import select, text

from hub.api import Record, read_session

SIZE = 30
"""Civil servants the simulator starts with."""
ZONE = ZoneInfo("Asia/Makassar")
"""Kota Manado's time zone (WITA), the simulated city's."""


@pytest.fixture
def zone() -> ZoneInfo:
    return ZONE


@pytest.fixture
def today() -> date:
    """Today in the simulated city."""
    return datetime.now(ZONE).date()


@pytest.fixture
def hr(serve_simulator) -> Any:
    """The HR simulator with SIZE civil servants."""
    return serve_simulator("hr", size=SIZE)


@pytest.fixture
def scim(hr) -> Iterator[httpx.Client]:
    """A client of the simulator's SCIM API, with its bearer token."""
    headers = {"Authorization": f"Bearer {hr.api_key}"}
    with httpx.Client(base_url=f"{hr.url}/scim/v2", headers=headers, timeout=10) as client:
        yield client


def hr_sources(simulator: Any, history_days: int = 7, **staff: Any) -> tuple[Any, Any]:
    """A ``scim`` source named "staff" (provisioning no accounts unless ``staff`` settings say
    so) and an ``attendance`` source named "attendance" reading ``history_days`` days, both
    reading ``simulator``."""
    staff_source = simulator.source(
        "staff", **{"page_size": 50, "provision_positions": [], **staff}
    )
    settings = {**attendance_settings(simulator.url), "history_days": history_days}
    attendance = dataclasses.replace(
        simulator.source("attendance"), type="attendance", settings=settings
    )
    return staff_source, attendance


@pytest.fixture
def make_hr_app(make_app) -> Callable[..., Flask]:
    """An app in Kota Manado's time zone reading ``simulator`` with :func:`hr_sources`."""

    def make(database_url: str, simulator: Any, **settings: Any) -> Flask:
        sources = hr_sources(simulator, **settings)
        return make_app(database_url, sources=sources, timezone=ZONE.key)

    return make


@pytest.fixture
def hr_app(database_url: str, make_hr_app, hr) -> Flask:
    """An app on both databases reading the HR simulator."""
    return make_hr_app(database_url, hr)


@pytest.fixture
def stored() -> Callable[..., dict[str, Record]]:
    """The live (or only the deleted) records of a kind in an app, by external id."""

    def read(app: Flask, kind: str, *, deleted: bool = False) -> dict[str, Record]:
        condition = Record.deleted_at.is_not(None) if deleted else Record.deleted_at.is_(None)
        with app.app_context(), read_session() as session:
            records = session.scalars(select(Record).where(Record.kind == kind, condition)).all()
            return {record.external_id: record for record in records}

    return read


@pytest.fixture
def accounts() -> Callable[[Flask], dict[str, dict[str, Any]]]:
    """The portal's users of an app by username: role, area, active, provisioned_by."""

    def read(app: Flask) -> dict[str, dict[str, Any]]:
        query = text("SELECT username, role, area_code, active, provisioned_by FROM users")
        with app.app_context(), read_session() as session:
            rows = [dict(row._mapping) for row in session.execute(query)]
        return {row["username"]: row | {"active": bool(row["active"])} for row in rows}

    return read


@pytest.fixture
def source_page(make_user, sign_in) -> Callable[[Flask, str], str]:
    """The text of a source's page, where its runs and record errors show, as an admin sees it."""

    admins: set[int] = set()

    def read(app: Flask, name: str) -> str:
        if id(app) not in admins:
            make_user(app, "errors-admin", "admin")
            admins.add(id(app))
        client = app.test_client()
        sign_in(client, "errors-admin")
        response = client.get(f"/sources/{name}")
        assert response.status_code == 200
        return html.unescape(response.get_data(as_text=True))

    return read
