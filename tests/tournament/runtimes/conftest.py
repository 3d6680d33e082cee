"""The runtime tests' fixtures: the contract suite's tiny real workloads (seeded random weights,
``tests/contracts/runtime_workloads.py``) and its reference helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tournament.workloads.base import Feed, Workload

from ...contracts.runtime_workloads import (
    TinyCNN,
    TinyEmbed,
)
from ...contracts.runtime_workloads import (
    reference_output as _reference_output,
)
from ...contracts.runtime_workloads import (
    relative_error as _relative_error,
)

Reference = Callable[[Workload, str, Feed], np.ndarray]
Error = Callable[[np.ndarray, np.ndarray], float]


@pytest.fixture(scope="session")
def reference_output() -> Reference:
    """``reference_output(workload, variant, feed)``: the fp32 torch output."""
    return _reference_output


@pytest.fixture(scope="session")
def relative_error() -> Error:
    """``relative_error(output, reference)``: max abs difference / max abs reference."""
    return _relative_error


@pytest.fixture(scope="session")
def tiny_cnn() -> TinyCNN:
    return TinyCNN()


@pytest.fixture(scope="session")
def tiny_embed() -> TinyEmbed:
    return TinyEmbed()


@pytest.fixture(scope="module")
def artifact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A runtime cache directory shared by the tests of one module (exports are reused)."""
    return tmp_path_factory.mktemp("runtime-cache")
