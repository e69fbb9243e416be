"""Simulated city apps that plugins ship for the demo and for tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask


@dataclass(frozen=True)
class Simulator:
    """A simulated app and how a source reads from it.

    ``create_app(**options)`` returns the simulator's WSGI app (``seed`` and ``size`` are passed
    when given). ``source_settings(base_url)`` returns the settings of a source of ``source_type``
    that reads from the simulator served at ``base_url``; ``environment`` holds the secrets those
    settings refer to through ``*_env``.
    """

    name: str
    source_type: str
    create_app: Callable[..., Flask]
    source_settings: Callable[[str], dict[str, Any]]
    environment: dict[str, str] = field(default_factory=dict)
