"""Plugins: one :class:`Registry` per extension point, filled from Python entry points.

Each extension point's package owns its registry (``tournament.runtimes.RUNTIMES`` ...);
:data:`GROUPS` lists them all for ``tourney plugins``. See ``docs/extending.md``.
"""

from __future__ import annotations

from typing import Any

from tournament.plugins.registry import (
    PLUGINS_ENV,
    RUN_TIME,
    Entry,
    Registry,
    declared_groups,
    import_plugin_modules,
    plugin_modules,
    refresh,
    resolve,
)

GROUPS: dict[str, str] = {
    "tourney.workloads": "tournament.workloads:WORKLOADS",
    "tourney.runtimes": "tournament.runtimes:RUNTIMES",
    "tourney.scenarios": "tournament.harness:SCENARIOS",
    "tourney.meters": "tournament.power:METERS",
    "tourney.backends": "tournament.runner:BACKENDS",
    "tourney.samplers": "tournament.search.samplers:SAMPLERS",
    "tourney.exporters": "tournament.export:EXPORTERS",
    "tourney.machines": "tournament.machines:MACHINE_SOURCES",
}
"""Every entry-point group the core reads, and the registry that reads it."""


def registries() -> list[Registry[Any]]:
    """The registry of every group in :data:`GROUPS`, in that order."""
    return [resolve(target) for target in GROUPS.values()]


__all__ = [
    "GROUPS",
    "PLUGINS_ENV",
    "RUN_TIME",
    "Entry",
    "Registry",
    "declared_groups",
    "import_plugin_modules",
    "plugin_modules",
    "refresh",
    "registries",
    "resolve",
]
