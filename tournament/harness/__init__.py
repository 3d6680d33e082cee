"""Scenarios (MLPerf LoadGen style): timing lives here and nowhere else."""

from __future__ import annotations

import importlib
from functools import cache

from tournament.harness.base import Estimate, QueryLog, Rules, SampleSource, Scenario

_REGISTRY: dict[str, str] = {
    "single-stream": "tournament.harness.single_stream:SingleStream",
    "offline": "tournament.harness.offline:Offline",
    "server": "tournament.harness.server:Server",
}


def names() -> list[str]:
    """Registered scenario names."""
    return list(_REGISTRY)


@cache
def get(name: str) -> Scenario:
    """The scenario called ``name``; ``KeyError`` if unknown."""
    module, _, attr = _REGISTRY[name].partition(":")
    return getattr(importlib.import_module(module), attr)()


__all__ = ["Estimate", "QueryLog", "Rules", "SampleSource", "Scenario", "get", "names"]
