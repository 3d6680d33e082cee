"""Scenarios (MLPerf LoadGen style): timing lives here and nowhere else.

Built-in and plugin scenarios alike are ``tourney.scenarios`` entry points (``pyproject.toml``).
"""

from __future__ import annotations

from tournament.harness.base import Estimate, QueryLog, Rules, SampleSource, Scenario
from tournament.plugins import Registry

SCENARIOS: Registry[Scenario] = Registry("tourney.scenarios", Scenario, kind="scenario")
"""Scenario classes by name (entry-point group ``tourney.scenarios``)."""


def names() -> list[str]:
    """Registered scenario names (built-ins first, each distribution's sorted)."""
    return SCENARIOS.names()


def get(name: str) -> Scenario:
    """The scenario called ``name`` (one shared instance).

    Raises:
        NotFoundError: an unknown name.
        PluginError: its plugin does not load.
    """
    return SCENARIOS.get(name)


__all__ = [
    "SCENARIOS",
    "Estimate",
    "QueryLog",
    "Rules",
    "SampleSource",
    "Scenario",
    "get",
    "names",
]
