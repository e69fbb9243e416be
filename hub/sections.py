"""Plugins' own tables of the configuration file.

The core reads ``[hub]`` and ``[sources.*]``; any other top-level table belongs to the plugin
that declares it with a :class:`SettingsSection` (``register_settings``). The plugin reads its
parsed value with ``hub.section(name)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from hub.sources import ConfigError, out_of_range


@dataclass(frozen=True)
class SettingsSection:
    """The ``[name]`` table: ``parse`` turns it (empty when absent) into the plugin's settings,
    raising :class:`ConfigError` or a pydantic ``ValidationError`` if it is wrong. A pydantic
    model's ``model_validate`` is such a function. ``model``, the pydantic model ``parse``
    validates with (by default, the one whose ``model_validate`` it is), lets a refusal of a
    number say its whole allowed range."""

    name: str
    parse: Callable[[Mapping[str, Any]], Any]
    model: type[BaseModel] | None = None

    def read(self, table: Mapping[str, Any]) -> Any:
        try:
            return self.parse(table)
        except ValidationError as error:
            model = self.model or getattr(self.parse, "__self__", None)
            model = model if isinstance(model, type) and issubclass(model, BaseModel) else None
            problems = "; ".join(
                _described(problem, model) for problem in error.errors(include_url=False)
            )
            raise ConfigError(f"[{self.name}] {problems}") from None
        except ConfigError as error:
            raise ConfigError(f"[{self.name}] {error}") from None


def _described(problem: ErrorDetails, model: type[BaseModel] | None) -> str:
    """``page_size: must be from 1 to 500 (got 0)``: where the problem is and what it is, with
    the whole range of a number out of it when ``model`` says it."""
    where = ".".join(str(part) for part in problem["loc"])
    allowed = out_of_range(problem, model) if model else None
    if allowed:
        return f"{where}: {allowed} (got {problem['input']!r})"
    return f"{where}: {problem['msg']}"
