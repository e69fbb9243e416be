"""Plugins' own tables of the configuration file.

The core reads ``[hub]`` and ``[sources.*]``; any other top-level table belongs to the plugin
that declares it with a :class:`SettingsSection` (``register_settings``). The plugin reads its
parsed value with ``hub.section(name)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from hub.sources import ConfigError


@dataclass(frozen=True)
class SettingsSection:
    """The ``[name]`` table: ``parse`` turns it (empty when absent) into the plugin's settings,
    raising :class:`ConfigError` or a pydantic ``ValidationError`` if it is wrong. A pydantic
    model's ``model_validate`` is such a function."""

    name: str
    parse: Callable[[Mapping[str, Any]], Any]

    def read(self, table: Mapping[str, Any]) -> Any:
        try:
            return self.parse(table)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise ConfigError(f"[{self.name}] {where}: {problem['msg']}") from None
        except ConfigError as error:
            raise ConfigError(f"[{self.name}] {error}") from None
