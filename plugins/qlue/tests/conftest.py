"""Fixtures: the Qlue simulator served on loopback, a control client and a connector for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from simpul_qlue.connector import QlueConnector
from simpul_qlue.simulator import DEMO_API_KEY, create_app

from hub.api import AreaDirectory, Page, RunningServer

SIZE = 300


@pytest.fixture(scope="session")
def areas() -> AreaDirectory:
    return AreaDirectory()


@pytest.fixture
def serve(areas: AreaDirectory) -> Iterator[Callable[..., RunningServer]]:
    """Serve a simulator made with the given options; stopped after the test."""
    with ExitStack() as stack:

        def start(**options: Any) -> RunningServer:
            return stack.enter_context(RunningServer(create_app(areas, **options)))

        yield start


@pytest.fixture
def server(serve: Callable[..., RunningServer]) -> RunningServer:
    return serve(size=SIZE)


@pytest.fixture
def control(server: RunningServer) -> Iterator[httpx.Client]:
    """An HTTP client for the simulator, with the right API key."""
    with httpx.Client(base_url=server.url, headers={"X-API-Key": DEMO_API_KEY}) as client:
        yield client


@pytest.fixture
def connect(server: RunningServer) -> Iterator[Callable[..., QlueConnector]]:
    """Make connectors to the simulator; ``settings`` override the defaults."""
    connectors: list[QlueConnector] = []

    def make(**settings: Any) -> QlueConnector:
        defaults = {"url": server.url, "api_key": DEMO_API_KEY, "page_size": 50, "timeout": 5.0}
        connectors.append(QlueConnector(defaults | settings))
        return connectors[-1]

    yield make
    for connector in connectors:
        connector.close()


@pytest.fixture
def connector(connect: Callable[..., QlueConnector]) -> QlueConnector:
    return connect()


@pytest.fixture
def read_all() -> Callable[..., tuple[list[dict], str | None]]:
    """Read every record from a cursor on; returns them and the cursor after the last page."""

    def read(connector: QlueConnector, cursor: str | None = None) -> tuple[list[dict], str | None]:
        records: list[dict] = []
        while True:
            page: Page = connector.fetch_page(cursor)
            records.extend(page.records)
            cursor = page.next_cursor
            if not page.has_more:
                return records, cursor

    return read
