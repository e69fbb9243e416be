"""Plugin discovery, isolation and listing.

Plugins are found through the ``simpul`` entry-point group and loaded by our own loop, so that one
which fails to import or register is *blocked* and reported instead of stopping the hub. Hooks are
called one plugin at a time through :meth:`PluginRegistry.collect`, each inside its own error
boundary. With ``strict`` set (as in tests) any plugin error raises :class:`PluginError`.

The hub's own features are plugins of the ``simpul`` distribution and load first. A plugin that
needs others names them in a module attribute ``requires`` (``requires = ("complaints",)``); it
is disabled, with the reason, while one of them is not loaded.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pluggy
from pluggy import HookImpl

from hub import hookspecs

ENTRY_POINT_GROUP = "simpul"
HUB_DISTRIBUTION = "simpul"
log = logging.getLogger(__name__)
trace_log = logging.getLogger("simpul.hooks")
T = TypeVar("T")


class PluginError(RuntimeError):
    """A plugin failed to load or a hook of it failed, in strict mode."""


@dataclass
class PluginInfo:
    """What ``simpul plugins`` and ``/-/plugins.json`` show for one plugin."""

    name: str
    module: str
    version: str
    state: str = "loaded"
    hooks: list[str] = field(default_factory=list)
    last_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "module": self.module,
            "version": self.version,
            "state": self.state,
            "hooks": self.hooks,
            "last_error": self.last_error,
        }


class PluginRegistry:
    """One pluggy plugin manager, with the state of every plugin it was offered."""

    def __init__(
        self, strict: bool = False, disabled: tuple[str, ...] = (), trace: bool = False
    ) -> None:
        self.strict = strict
        self.disabled = set(disabled)
        self.trace = trace
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}

    def load_entry_points(self) -> None:
        """Load every plugin installed under the ``simpul`` entry-point group."""
        for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=_load_order):
            dist = entry_point.dist
            version = dist.version if dist is not None else "unknown"
            if entry_point.name in self.disabled:
                self.plugins[entry_point.name] = PluginInfo(
                    entry_point.name, entry_point.value, version, state="disabled"
                )
                continue
            try:
                module = entry_point.load()
            except Exception as error:
                self._block(PluginInfo(entry_point.name, entry_point.value, version), error)
                continue
            self.register(module, entry_point.name, version)

    def register(self, module: ModuleType | object, name: str, version: str = "") -> None:
        """Register one plugin object; a plugin that fails to register is blocked."""
        info = PluginInfo(name, getattr(module, "__name__", repr(module)), version)
        try:
            self.manager.register(module, name=name)
        except Exception as error:
            self._block(info, error)
            return
        info.hooks = sorted(hook.name for hook in self.manager.get_hookcallers(module) or ())
        self.plugins[name] = info

    def check_requirements(self) -> None:
        """Disable, with the reason, every plugin that needs one that is not loaded."""
        changed = True
        while changed:
            changed = False
            for name, plugin in list(self.manager.list_name_plugin()):
                missing = [
                    needed
                    for needed in getattr(plugin, "requires", ())
                    if self.plugins.get(needed, PluginInfo(needed, "", "")).state != "loaded"
                ]
                if missing:
                    self.manager.unregister(name=name)
                    info = self.plugins[name]
                    info.state = "disabled"
                    info.last_error = f"needs {', '.join(missing)}, which is not loaded"
                    log.warning("plugin %s disabled: %s", name, info.last_error)
                    changed = True

    def translation_directories(self) -> list[str]:
        """The ``translations`` folder beside each plugin's module, where there is one."""
        folders = set()
        for _name, plugin in self.manager.list_name_plugin():
            module = (
                plugin if isinstance(plugin, ModuleType) else sys.modules[type(plugin).__module__]
            )
            folder = Path(module.__file__ or ".").parent / "translations"
            if module.__file__ and folder.is_dir():
                folders.add(str(folder))
        return sorted(folders)

    def collect(self, hook_name: str, expected: type[T], **kwargs: Any) -> list[tuple[str, T]]:
        """Call one hook on every plugin, each in its own error boundary.

        Returns ``(plugin name, item)`` for every item of the lists the plugins returned. A plugin
        that raises, or returns anything but a list of ``expected``, contributes nothing and has
        the error recorded on it.
        """
        collected: list[tuple[str, T]] = []
        caller = getattr(self.manager.hook, hook_name)
        for impl in caller.get_hookimpls():
            try:
                items = self._call(hook_name, impl, kwargs)
                collected.extend((impl.plugin_name, item) for item in _checked(items, expected))
            except Exception as error:
                self.record_error(impl.plugin_name, f"{hook_name}: {error}", error)
        return collected

    def notify(
        self, hook_name: str, boundary: Callable[[], AbstractContextManager[Any]], **kwargs: Any
    ) -> None:
        """Call a hook that returns nothing on every plugin, each inside ``boundary()`` (such as
        a database savepoint) and its own error boundary."""
        caller = getattr(self.manager.hook, hook_name)
        for impl in caller.get_hookimpls():
            try:
                with boundary():
                    self._call(hook_name, impl, kwargs)
            except Exception as error:
                self.record_error(impl.plugin_name, f"{hook_name}: {error}", error)

    def _call(self, hook_name: str, impl: HookImpl, kwargs: dict[str, Any]) -> Any:
        """Call one plugin's implementation with the arguments it asks for; with ``trace``
        set, log the call with its plugin and duration."""
        if not self.trace:
            return impl.function(*[kwargs[name] for name in impl.argnames])
        started = time.perf_counter()
        try:
            return impl.function(*[kwargs[name] for name in impl.argnames])
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            trace_log.info("%s %s %.2f ms", hook_name, impl.plugin_name, elapsed)

    def record_error(self, plugin_name: str, message: str, error: BaseException) -> None:
        """Remember a plugin's error so it is shown; in strict mode, raise it."""
        log.error("plugin %s: %s", plugin_name, message)
        info = self.plugins.get(plugin_name)
        if info is not None:
            info.last_error = message
        if self.strict:
            raise PluginError(f"plugin {plugin_name}: {message}") from error

    def _block(self, info: PluginInfo, error: BaseException) -> None:
        info.state = "blocked"
        info.last_error = "".join(traceback.format_exception_only(error)).strip()
        self.plugins[info.name] = info
        log.error("plugin %s blocked: %s", info.name, info.last_error)
        if self.strict:
            raise PluginError(f"plugin {info.name} failed to load: {info.last_error}") from error


def _load_order(entry_point: EntryPoint) -> tuple[bool, str]:
    dist = entry_point.dist
    return (dist is None or dist.name != HUB_DISTRIBUTION, entry_point.name)


def _checked(items: Any, expected: type[T]) -> list[T]:
    if items is None:
        return []
    if not isinstance(items, list | tuple):
        raise TypeError(f"expected a list of {expected.__name__}, got {type(items).__name__}")
    for item in items:
        if not isinstance(item, expected):
            raise TypeError(f"expected {expected.__name__}, got {type(item).__name__}")
    return list(items)
