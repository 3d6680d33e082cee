"""Workloads: the contract (:mod:`tournament.workloads.base`) and the registry of implementations.

Implementations (``workloads/`` in this distribution, or any plugin package) are declared as
``tourney.workloads`` entry points (``name = "module:Class"``) and load only when used.
"""

from __future__ import annotations

from tournament.plugins import Registry
from tournament.workloads.base import EvalSet, Feed, QualityMetric, Workload

WORKLOADS: Registry[Workload] = Registry("tourney.workloads", Workload, kind="workload")
"""Workload classes by name (entry-point group ``tourney.workloads``)."""


def names() -> list[str]:
    """Registered workload names, sorted."""
    return sorted(WORKLOADS.names())


def get(name: str) -> Workload:
    """The workload called ``name`` (one shared instance).

    Raises:
        NotFoundError: an unknown name.
        PluginError: its plugin does not load.
    """
    return WORKLOADS.get(name)


def register(name: str, target: str | type) -> None:
    """Register a workload class (``"module:Class"``) under ``name`` for this process."""
    WORKLOADS.register(name, target)


def unregister(name: str) -> None:
    """Remove a workload registered with :func:`register` (installed ones stay)."""
    WORKLOADS.unregister(name)


__all__ = [
    "WORKLOADS",
    "EvalSet",
    "Feed",
    "QualityMetric",
    "Workload",
    "get",
    "names",
    "register",
    "unregister",
]
