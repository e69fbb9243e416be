"""Periodic tasks: work a plugin wants done on every scheduler tick."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.state import Hub


@dataclass(frozen=True)
class PeriodicTask:
    """``run(hub, now)`` is called on every scheduler tick, inside its own error boundary.

    Any number of schedulers may tick at once: a task claims its work (a conditional update, a
    lock) so that each piece of it is done once.
    """

    name: str
    run: Callable[[Hub, datetime], Any]
