"""The runtime contract: turn a workload's fp32 model into a prepared, timed-ready predictor.

A runtime knows how to run a model; it knows nothing about timing (the harness owns timing)
nor about the store. Combinations it cannot do are rejected by :meth:`Runtime.check` at
validation time, before anything runs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import numpy as np

from tournament.schema.submission import RuntimeOptionsBase

if TYPE_CHECKING:
    from tournament.schema import Quantization, QuantizationOptions
    from tournament.workloads.base import Feed, Workload

OptionsT = TypeVar("OptionsT", bound=RuntimeOptionsBase)


class Predictor(Protocol):
    """Runs a prepared model. ``predict`` is called from one thread at a time.

    ``predict`` takes a feed (inputs by name, batch on axis 0) and returns the model's single
    output as a numpy array with the same batch size. It must finish the computation before
    returning (no lazy or asynchronous results), so that the harness times real work.
    """

    def predict(self, feed: Feed) -> np.ndarray:
        """Outputs for one batch."""
        ...

    def close(self) -> None:
        """Release sessions, threads and memory."""
        ...


@dataclass(frozen=True)
class Prepared:
    """A prepared artifact and its predictor.

    ``artifact_sha256`` hashes the exact bytes that run (the ONNX file, or the serialized
    state dict for torch); ``details`` records how it was made (exporter, opset, quantizer
    options, library versions) and is stored with each result.
    """

    predictor: Predictor
    artifact_sha256: str
    artifact_bytes: int
    details: dict[str, Any] = field(default_factory=dict)


class Runtime(ABC, Generic[OptionsT]):
    """An inference engine with the quantizations and the options it supports.

    Contract:
    * ``options_model`` is the frozen pydantic model (``extra="forbid"``) of its
      ``runtime_options``: the shared fields of :class:`RuntimeOptionsBase` plus its own. It
      lives in a light module (pydantic only): submissions are validated against it without
      importing the engine. ``check`` and ``prepare`` receive an instance of it.
    * ``check`` is cheap (no heavy imports, nothing built) and returns one sentence per
      problem, naming the field (``quantization``, ``runtime_options.execution_provider``...).
    * ``check`` refuses options carrying fields its ``options_model`` lacks (another
      runtime's), and ``prepare`` refuses what ``check`` refuses.
    * ``prepare`` is deterministic for the same inputs: the same ``artifact_sha256`` in any
      process. A runtime that writes an artifact (an export, a quantized or compiled model)
      caches it under ``cache_dir`` keyed by a content hash of model, quantization and options,
      and says in ``details["cache"]["hit"]`` whether it reused one; a runtime that prepares in
      memory (``caches_artifacts = False``: torch, where building is cheap) writes nothing.
    * ``prepare`` applies ``options`` (threads etc.) to the predictor it returns.
    """

    name: str
    description: str
    quantizations: frozenset[Quantization]
    options_model: ClassVar[type[RuntimeOptionsBase]] = RuntimeOptionsBase
    caches_artifacts: ClassVar[bool] = True
    """Whether ``prepare`` writes (and reuses) an artifact under ``cache_dir``."""

    def check(
        self,
        quantization: Quantization,
        options: OptionsT,
        quantization_options: QuantizationOptions,
    ) -> list[str]:
        """Problems with this combination, as sentences (empty when it can run)."""
        problems: list[str] = []
        foreign = sorted(set(type(options).model_fields) - set(self.options_model.model_fields))
        given = [f for f in foreign if f in options.model_fields_set] or foreign[:1]
        problems.extend(
            f"runtime_options.{name}: runtime {self.name!r} has no option {name!r}; these "
            "options belong to another runtime."
            for name in given
        )
        if quantization not in self.quantizations:
            allowed = ", ".join(sorted(q.value for q in self.quantizations))
            problems.append(
                f"quantization: runtime {self.name!r} cannot run {quantization.value!r}; "
                f"expected one of: {allowed}."
            )
        return problems

    @abstractmethod
    def prepare(
        self,
        workload: Workload,
        variant: str,
        quantization: Quantization,
        options: OptionsT,
        quantization_options: QuantizationOptions,
        cache_dir: str,
    ) -> Prepared:
        """Build, convert and quantize the model; return a ready predictor."""
