"""One registry type for every extension point: names to ``"module:attr"`` targets, loaded lazily.

A :class:`Registry` reads the Python entry points of its group (``tourney.runtimes``, ...) from
every installed distribution, built-ins included (the ``tourney`` distribution declares its own
implementations in ``pyproject.toml``), and names registered at run time with
:meth:`Registry.register`. Nothing is imported until a name is loaded.

Modules named in the ``TOURNEY_PLUGINS`` environment variable (comma-separated) are imported
before any registry is read, so that they can register names at run time; worker processes
inherit the variable, so such plugins exist wherever runs execute.

Every problem is one sentence: an unknown name lists the known ones, a plugin that does not load
names its target, entry point and distribution, and a name that two distributions declare is
refused until one of them goes.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import threading
import weakref
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar, cast

from tournament.errors import NotFoundError, PluginError

T = TypeVar("T")

PLUGINS_ENV = "TOURNEY_PLUGINS"
"""Environment variable: comma-separated modules imported before any registry is read."""

RUN_TIME = "registered at run time"

CORE_DISTRIBUTION = "tourney"

_LOCK = threading.RLock()
_ALL: weakref.WeakSet[Registry[Any]] = weakref.WeakSet()
_modules_state: dict[str, bool] = {"imported": False, "importing": False}
_importing: list[str] = []
"""The ``TOURNEY_PLUGINS`` module being imported (names it registers say so)."""


@dataclass(frozen=True)
class Entry:
    """One name of a group: its target and where it came from.

    ``distribution`` and ``version`` are those of the installed distribution that declares the
    entry point; both are None for a name registered at run time, where ``module`` is the
    ``TOURNEY_PLUGINS`` module that registered it (if one did).
    """

    group: str
    name: str
    target: str
    distribution: str | None = None
    version: str | None = None
    module: str | None = None

    @property
    def origin(self) -> str:
        """``"<distribution> <version>"``, or ``"registered at run time"`` (with the module)."""
        if self.distribution is None:
            return f"{RUN_TIME} ({self.module})" if self.module else RUN_TIME
        return f"{self.distribution} {self.version or '(unknown version)'}"

    def describe(self) -> str:
        """Where the name comes from, as part of a sentence."""
        if self.distribution is None:
            return f"{self.target} ({self.origin})"
        return (
            f"{self.target} (entry point {self.name!r} in group {self.group}, distribution "
            f"{self.origin})"
        )


class Registry(Generic[T]):
    """Implementations of one extension point, found by name.

    Args:
        group: the entry-point group, e.g. ``tourney.runtimes``.
        base: the class every implementation subclasses, or its ``"module:attr"`` (resolved on
            first load, so that a registry costs no import).
        kind: the singular noun used in sentences, e.g. ``runtime``.

    ``load`` returns the implementation (a subclass of ``base``); ``get`` returns one shared
    instance of it, made with no arguments. Both are cached until the name is registered again,
    unregistered or :func:`refresh` is called. Thread-safe.
    """

    def __init__(self, group: str, base: type | str, *, kind: str) -> None:
        self.group = group
        self.kind = kind
        self._base = base
        self._run_time: dict[str, Entry] = {}
        self._loaded: dict[str, type[T]] = {}
        self._instances: dict[str, T] = {}
        _ALL.add(self)

    def __repr__(self) -> str:
        return f"Registry({self.group!r})"

    # -- reading ------------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """Every entry, clashing ones included: the core distribution's first, then other
        distributions' by distribution name (each sorted by name), then names registered at run
        time in the order they were registered."""
        import_plugin_modules()
        return [*_declared(self.group), *self._run_time.values()]

    def names(self) -> list[str]:
        """Every name, each once, in the order of :meth:`entries`."""
        return list(dict.fromkeys(entry.name for entry in self.entries()))

    def __contains__(self, name: object) -> bool:
        return name in self.names()

    def entry(self, name: str) -> Entry:
        """The entry of ``name``.

        Raises:
            NotFoundError: no entry has this name (the sentence lists the known names).
            PluginError: two distributions declare the name.
        """
        found = [entry for entry in self.entries() if entry.name == name]
        if not found:
            raise NotFoundError(self.unknown(name))
        declared = [entry for entry in found if entry.distribution is not None]
        if len(declared) > 1:
            first, second = declared[:2]
            raise PluginError(
                f"{self.kind} {name!r}: two distributions declare this name, {first.origin} "
                f"({first.target}) and {second.origin} ({second.target}); the name is refused "
                f"until one of them is uninstalled or renames its entry point in {self.group}."
            )
        return found[0]

    def unknown(self, name: str) -> str:
        """The sentence for an unknown ``name``: ``<kind>: unknown <kind> 'x'; expected one of:
        a, b.``"""
        known = self.names()
        if not known:
            return (
                f"{self.kind}: unknown {self.kind} {name!r}; no {self.kind} is registered in "
                f"{self.group} (is the tourney distribution installed? `pip install -e .`)."
            )
        return f"{self.kind}: unknown {self.kind} {name!r}; expected one of: {', '.join(known)}."

    def load(self, name: str) -> type[T]:
        """The implementation called ``name``, imported on first use.

        Raises:
            NotFoundError: an unknown name.
            PluginError: the target does not import, or is not a subclass of the base.
        """
        with _LOCK:
            if name in self._loaded:
                return self._loaded[name]
            entry = self.entry(name)
            try:
                found = resolve(entry.target)
            except Exception as error:
                raise PluginError(
                    f"{self.kind} {name!r}: the plugin {entry.describe()} does not load: "
                    f"{_error_text(error)}."
                ) from error
            base = self.base()
            if not (isinstance(found, type) and issubclass(found, base)):
                raise PluginError(
                    f"{self.kind} {name!r}: the plugin {entry.describe()} is "
                    f"{_what(found)}, not a subclass of {base.__module__}.{base.__qualname__}."
                )
            self._loaded[name] = cast("type[T]", found)
            return self._loaded[name]

    def get(self, name: str) -> T:
        """The shared instance of the implementation called ``name`` (made with no arguments).

        Raises:
            NotFoundError: an unknown name.
            PluginError: the plugin does not load, or its constructor fails.
        """
        with _LOCK:
            if name not in self._instances:
                cls = self.load(name)
                try:
                    self._instances[name] = cls()
                except Exception as error:
                    entry = self.entry(name)
                    raise PluginError(
                        f"{self.kind} {name!r}: the plugin {entry.describe()} cannot be "
                        f"instantiated: {_error_text(error)}."
                    ) from error
            return self._instances[name]

    def base(self) -> type:
        """The class every implementation subclasses."""
        if isinstance(self._base, str):
            self._base = resolve(self._base)
        return cast(type, self._base)

    # -- registering at run time --------------------------------------------------------------

    def register(self, name: str, target: str | type) -> None:
        """Register ``target`` (``"module:attr"``, or a class) as ``name`` for this process.

        Registering a run-time name again replaces it. Worker processes see it only if the module
        that registers it is imported there too (name that module in ``TOURNEY_PLUGINS``).

        Raises:
            PluginError: ``target`` is not ``"module:attr"``, or an installed distribution
                already declares ``name``.
        """
        if isinstance(target, type):
            target = f"{target.__module__}:{target.__qualname__}"
        path, _, attr = target.partition(":")
        if not path or not attr:
            raise PluginError(
                f"{self.kind} {name!r}: the target {target!r} is not of the form 'module:attr'."
            )
        with _LOCK:
            for entry in _declared(self.group):
                if entry.name == name:
                    raise PluginError(
                        f"{self.kind} {name!r}: cannot register {target} at run time: the name "
                        f"is already declared by {entry.origin} ({entry.target})."
                    )
            self._forget(name)
            by = _importing[-1] if _importing else None
            self._run_time[name] = Entry(self.group, name, target, module=by)

    def unregister(self, name: str) -> None:
        """Remove a name registered at run time (names of distributions stay)."""
        with _LOCK:
            if self._run_time.pop(name, None) is not None:
                self._forget(name)

    def _forget(self, name: str | None = None) -> None:
        if name is None:
            self._loaded.clear()
            self._instances.clear()
        else:
            self._loaded.pop(name, None)
            self._instances.pop(name, None)


def resolve(target: str) -> Any:
    """The object a ``"module:attr"`` (or ``"module:attr.inner"``) target names."""
    module, _, attr = target.partition(":")
    found: Any = importlib.import_module(module.strip())
    for part in attr.strip().split("."):
        found = getattr(found, part)
    return found


def refresh() -> None:
    """Read entry points and ``TOURNEY_PLUGINS`` again, and forget what every registry loaded.

    Names registered at run time stay registered.
    """
    with _LOCK:
        importlib.invalidate_caches()  # distributions installed since the last read
        _declared.cache_clear()
        _installed.cache_clear()
        _modules_state["imported"] = False
        for registry in list(_ALL):
            registry._forget()


def plugin_modules() -> list[str]:
    """The modules ``TOURNEY_PLUGINS`` names."""
    return [m.strip() for m in os.environ.get(PLUGINS_ENV, "").split(",") if m.strip()]


def import_plugin_modules() -> None:
    """Import the ``TOURNEY_PLUGINS`` modules once (again after :func:`refresh`).

    Every registry read does this first.

    Raises:
        PluginError: a module does not import (the sentence names it).
    """
    with _LOCK:
        if _modules_state["imported"] or _modules_state["importing"]:
            return
        _modules_state["importing"] = True
        try:
            for module in plugin_modules():
                _importing.append(module)
                try:
                    importlib.import_module(module)
                except Exception as error:
                    raise PluginError(
                        f"{PLUGINS_ENV}: the plugin module {module!r} does not import: "
                        f"{_error_text(error)}."
                    ) from error
                finally:
                    _importing.pop()
            _modules_state["imported"] = True
        finally:
            _modules_state["importing"] = False


def declared_groups() -> set[str]:
    """Every entry-point group some installed distribution declares."""
    return set(_installed().groups)


@cache
def _installed() -> Any:
    """Every installed distribution's entry points, read once (until :func:`refresh`)."""
    return importlib.metadata.entry_points()


@cache
def _declared(group: str) -> tuple[Entry, ...]:
    """The entry points of ``group`` in installed distributions: the core's first, then by
    distribution name; each distribution's sorted by name."""
    found = []
    for point in _installed().select(group=group):
        dist = getattr(point, "dist", None)
        name = dist.metadata["Name"] if dist is not None else None
        version = dist.version if dist is not None else None
        found.append(Entry(group, point.name, point.value, name or "(unknown)", version))

    def key(entry: Entry) -> tuple[bool, str, str]:
        dist = entry.distribution or ""
        return dist != CORE_DISTRIBUTION, dist, entry.name

    return tuple(sorted(found, key=key))


def _error_text(error: BaseException) -> str:
    text = str(error).strip().rstrip(".")
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _what(found: Any) -> str:
    if isinstance(found, type):
        return f"the class {found.__module__}.{found.__qualname__}"
    return f"a {type(found).__name__}"
