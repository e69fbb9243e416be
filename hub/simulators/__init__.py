"""Simulated city apps that plugins ship for the demo and for tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from werkzeug.serving import make_server


@dataclass(frozen=True)
class Simulator:
    """A simulated app and how a source reads from it.

    ``create_app(**options)`` returns the simulator's Flask app; every simulator accepts ``seed``
    (for repeatable data), ``size`` (how many items to start with) and ``tick_seconds`` (how often
    the data changes by itself; 0 means only on request). ``source_settings(base_url)`` returns
    the settings of a source of ``source_type`` that reads from the simulator served at
    ``base_url``; ``environment`` holds the secrets those settings refer to through ``*_env``.
    """

    name: str
    source_type: str
    create_app: Callable[..., Flask]
    source_settings: Callable[[str], dict[str, Any]]
    environment: dict[str, str] = field(default_factory=dict)


class RunningServer:
    """A WSGI app served on loopback in a background thread; ``url`` is where it listens."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = make_server(host, port, app, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
