"""Fixtures: the finance simulator on loopback, a hub app with a finance source, and files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from typing import Any

import httpx
import pytest
from flask import Flask
from flask_babel import Babel
from openpyxl import Workbook
from simpul_finance.connector import FinanceConnector
from simpul_finance.simulator import DEMO_API_KEY, create_app

from hub.api import AreaDirectory, Page, RunningServer

SIZE = 40
TODAY = date(2026, 6, 30)
"""The simulator's date in most tests: the middle of budget year 2026."""


@pytest.fixture(scope="session")
def areas() -> AreaDirectory:
    return AreaDirectory()


@pytest.fixture
def serve(areas: AreaDirectory) -> Iterator[Callable[..., RunningServer]]:
    """Serve a finance simulator made with the given options; stopped after the test."""
    with ExitStack() as stack:

        def start(**options: Any) -> RunningServer:
            options = {"size": SIZE, "today": TODAY, **options}
            return stack.enter_context(RunningServer(create_app(areas, **options)))

        yield start


@pytest.fixture
def server(serve: Callable[..., RunningServer]) -> RunningServer:
    return serve()


@pytest.fixture
def control(server: RunningServer) -> Iterator[httpx.Client]:
    """An HTTP client for the simulator, with the right API key."""
    with httpx.Client(base_url=server.url, headers={"X-API-Key": DEMO_API_KEY}) as client:
        yield client


@pytest.fixture
def connect(server: RunningServer) -> Iterator[Callable[..., FinanceConnector]]:
    """Make connectors to the simulator; ``settings`` override the defaults."""
    connectors: list[FinanceConnector] = []

    def make(**settings: Any) -> FinanceConnector:
        defaults = {"url": server.url, "api_key": DEMO_API_KEY, "page_size": 25, "timeout": 5.0}
        connectors.append(FinanceConnector(defaults | settings))
        return connectors[-1]

    yield make
    for connector in connectors:
        connector.close()


@pytest.fixture
def read_all() -> Callable[..., tuple[list[dict], str]]:
    """Read every payload from a cursor on; returns them and the cursor after the last page."""

    def read(connector: FinanceConnector, cursor: str | None = None) -> tuple[list[dict], str]:
        records: list[dict] = []
        while True:
            page: Page = connector.fetch_page(cursor)
            records.extend(page.records)
            cursor = page.next_cursor
            if not page.has_more:
                return records, cursor

    return read


@pytest.fixture
def make_csv() -> Callable[..., bytes]:
    """The bytes of a CSV file with ``rows``, as a spreadsheet saves it."""

    def make(rows: list[list[Any]], delimiter: str = ",") -> bytes:
        text = io.StringIO()
        csv.writer(text, delimiter=delimiter).writerows(rows)
        return text.getvalue().encode()

    return make


@pytest.fixture
def make_xlsx() -> Callable[..., bytes]:
    """The bytes of an XLSX workbook with one sheet per item of ``sheets`` (title to rows)."""

    def make(sheets: dict[str, list[list[Any]]]) -> bytes:
        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        data = io.BytesIO()
        book.save(data)
        return data.getvalue()

    return make


@pytest.fixture
def babel_app() -> Flask:
    """A bare Flask app in Indonesian, for code that formats amounts or gives messages."""
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: "id")
    return app
