"""Workloads: a model, its data and its quality metric, one module each.

The registry maps a name to ``"module:Class"`` so heavy modules load only when used. Other
packages add workloads with :func:`register`, from a module named in the ``TOURNEY_PLUGINS``
environment variable (comma-separated module names imported on first registry use; worker
processes inherit the variable, so plugins exist wherever runs execute).
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workloads.base import Workload

_REGISTRY: dict[str, str] = {
    "digits-cnn": "workloads.digits_cnn:DigitsCNN",
    "minilm-embed": "workloads.minilm_embed:MiniLMEmbed",
}


_BUILT_IN = frozenset(_REGISTRY)


def register(name: str, target: str) -> None:
    """Register a workload class given as ``"module:Class"`` under ``name``."""
    _REGISTRY[name] = target
    get.cache_clear()


def unregister(name: str) -> None:
    """Remove a workload registered with :func:`register` (built-ins stay)."""
    if name not in _BUILT_IN:
        _REGISTRY.pop(name, None)
        get.cache_clear()


@cache
def _load_plugins() -> None:
    for module in filter(
        None, (m.strip() for m in os.environ.get("TOURNEY_PLUGINS", "").split(","))
    ):
        importlib.import_module(module)


def names() -> list[str]:
    """Registered workload names."""
    _load_plugins()
    return sorted(_REGISTRY)


@cache
def get(name: str) -> Workload:
    """The workload called ``name``; ``KeyError`` if unknown."""
    _load_plugins()
    module, _, attr = _REGISTRY[name].partition(":")
    cls = getattr(importlib.import_module(module), attr)
    return cls()
