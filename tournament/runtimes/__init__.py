"""Runtimes: each a :class:`~tournament.runtimes.base.Runtime`, loaded lazily by name.

Built-in and plugin runtimes alike are ``tourney.runtimes`` entry points (``pyproject.toml``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tournament.plugins import Registry

if TYPE_CHECKING:
    from tournament.runtimes.base import Runtime

RUNTIMES: Registry[Runtime[Any]] = Registry(
    "tourney.runtimes", "tournament.runtimes.base:Runtime", kind="runtime"
)
"""Runtime classes by name (entry-point group ``tourney.runtimes``)."""


def names() -> list[str]:
    """Registered runtime names, sorted."""
    return sorted(RUNTIMES.names())


def get(name: str) -> Runtime[Any]:
    """The runtime called ``name`` (one shared instance).

    Raises:
        NotFoundError: an unknown name.
        PluginError: its plugin does not load.
    """
    return RUNTIMES.get(name)
