"""The search space: a tree of valid choices, walked to suggest, rebuild or enumerate configs.

A :class:`SearchSpace` is plain data (stored with the study, so a resumed search walks the same
space even if the registries change). Every choice set in it was checked against the runtime
registry when the space was derived (:mod:`tournament.search.derive`), and choices further down
the tree depend on those above (the quantizations of the chosen runtime, the int8 options of the
chosen quantization...), so no walk can produce an invalid combination: parameters are
conditional, never penalised.

Parameters with a single choice are not suggested. A parameter whose choice set depends on an
earlier choice is named after that context (``quantization.onnxruntime``), because Optuna keeps
one distribution per parameter name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict

Choose = Callable[[str, tuple[Any, ...]], Any]
"""``choose(param_name, choices) -> one of choices``: a sampler, a replay or an enumerator."""

INT8 = ("int8-dynamic", "int8-static")


class SearchSpace(BaseModel):
    """Valid choices of one workload's configurations, keyed by the context they depend on.

    Keys: ``providers``/``threads`` by machine; ``runtimes`` by execution provider;
    ``quantizations`` by :meth:`key` (runtime, provider); ``per_channel`` by
    (runtime, provider, quantization) for int8; ``calibration`` by (runtime, provider) for
    int8-static; ``graph_optimizations`` by runtime, for runtimes with that option (ONNX
    Runtime); ``batch_sizes`` by variant.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    workload: str
    machines: tuple[str, ...]
    providers: dict[str, tuple[str, ...]]
    threads: dict[str, tuple[int, ...]]
    variants: tuple[str, ...]
    runtimes: dict[str, tuple[str, ...]]
    quantizations: dict[str, tuple[str, ...]]
    per_channel: dict[str, tuple[bool, ...]]
    calibration: dict[str, tuple[str, ...]]
    graph_optimizations: dict[str, tuple[str, ...]]
    batch_sizes: dict[str, tuple[int, ...]]

    @staticmethod
    def key(*parts: str) -> str:
        """The context key of a choice set: its parts joined by dots, ``cpu`` (the default
        execution provider) left out, so CPU-only spaces get short parameter names."""
        return ".".join(part for part in parts if part != "cpu")

    def walk(self, choose: Choose) -> dict[str, Any]:
        """One configuration (a submission without team and name), choosing with ``choose``."""
        machine = self._pick("machine", {"": self.machines}, "", choose)
        provider = self._pick("execution_provider", self.providers, machine, choose)
        variant = self._pick("variant", {"": self.variants}, "", choose)
        runtime = self._pick("runtime", self.runtimes, provider, choose)
        quantization = self._pick(
            "quantization", self.quantizations, self.key(runtime, provider), choose
        )
        runtime_options = {
            "execution_provider": provider,
            **self._graph_optimization(runtime, choose),
            "intra_op_threads": self._pick("intra_op_threads", self.threads, machine, choose),
        }
        return {
            "workload": self.workload,
            "variant": variant,
            "runtime": runtime,
            "quantization": quantization,
            "runtime_options": runtime_options,
            "quantization_options": self._int8_options(runtime, provider, quantization, choose),
            "batch_size": self._pick("batch_size", self.batch_sizes, variant, choose),
            "machine": machine,
        }

    def _graph_optimization(self, runtime: str, choose: Choose) -> dict[str, Any]:
        """``graph_optimization`` for a runtime that has the option and a choice to make.

        A runtime without the option has no entry; a lone ``all`` (the default) is left to the
        options model, which also keeps spaces stored with ``{"torch": ["all"]}`` walkable.
        """
        levels = self.graph_optimizations.get(runtime)
        if levels is None or levels == ("all",):
            return {}
        return {
            "graph_optimization": self._pick(
                "graph_optimization", self.graph_optimizations, runtime, choose
            )
        }

    def _int8_options(
        self, runtime: str, provider: str, quantization: str, choose: Choose
    ) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if quantization not in INT8:
            return options
        per_channel_key = self.key(runtime, provider, quantization)
        if self._pick("per_channel", self.per_channel, per_channel_key, choose):
            options["per_channel"] = True
        if quantization == "int8-static":
            method = self._pick(
                "calibration_method", self.calibration, self.key(runtime, provider), choose
            )
            if method != "minmax":
                options["calibration_method"] = method
        return options

    def _pick(self, field: str, table: dict[str, tuple[Any, ...]], key: str, choose: Choose) -> Any:
        choices = table[key]
        if len(choices) == 1:
            return choices[0]
        return choose(self.param_name(field, table, key), choices)

    @staticmethod
    def param_name(field: str, table: dict[str, tuple[Any, ...]], key: str) -> str:
        """``field`` when its choices never depend on context, else ``field.key``."""
        multi = {choices for choices in table.values() if len(choices) > 1}
        return field if len(multi) <= 1 or not key else f"{field}.{key}"

    def config_from_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """The configuration a trial's parameters stand for.

        Raises:
            KeyError: a parameter the walk needs is missing (a trial killed mid-suggestion).
        """
        return self.walk(lambda name, choices: params[name])

    def enumerate(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Every configuration of the space as ``(params, config)``, in a stable order."""
        found: list[tuple[dict[str, Any], dict[str, Any]]] = []
        stack: list[list[int]] = [[]]
        while stack:
            replay = _Replay(stack.pop())
            config = self.walk(replay.choose)
            found.append((replay.params, config))
            stack.extend(replay.alternatives())
        return found

    def size(self) -> int:
        """How many distinct configurations the space holds."""
        return len(self.enumerate())


class _Replay:
    """Walks one path of the decision tree: the choice indexes in ``prefix``, then the first
    choice at every later decision; then lists the paths that branch off after ``prefix``."""

    def __init__(self, prefix: list[int]) -> None:
        self.prefix = prefix
        self.sizes: list[int] = []
        self.params: dict[str, Any] = {}

    def choose(self, name: str, choices: tuple[Any, ...]) -> Any:
        position = len(self.sizes)
        self.sizes.append(len(choices))
        value = choices[self.prefix[position] if position < len(self.prefix) else 0]
        self.params[name] = value
        return value

    def alternatives(self) -> list[list[int]]:
        """Unvisited sibling paths, in the order a stack should receive them (lexicographic
        order of the enumeration: the deepest alternatives are popped first)."""
        paths: list[list[int]] = []
        for position in range(len(self.prefix), len(self.sizes)):
            base = self.prefix + [0] * (position - len(self.prefix))
            paths.extend([*base, alt] for alt in range(self.sizes[position] - 1, 0, -1))
        return paths


def describe(config: dict[str, Any]) -> str:
    """A short label of a configuration: ``small onnxruntime int8-dynamic/pc b8 t2 ...``."""
    options = config.get("runtime_options") or {}
    qopts = config.get("quantization_options") or {}
    quant = str(config.get("quantization", "fp32"))
    if quant in INT8 and qopts.get("per_channel"):
        quant += "/pc"
    if quant.startswith("int8-static"):
        quant += f"/{qopts.get('calibration_method') or 'minmax'}"
    parts = [
        str(config.get("variant")),
        str(config.get("runtime")),
        quant,
        f"b{config.get('batch_size', 1)}",
        f"t{options.get('intra_op_threads', 1)}",
    ]
    if options.get("graph_optimization", "all") != "all":
        parts.append(f"g:{options['graph_optimization']}")
    if options.get("execution_provider", "cpu") != "cpu":
        parts.append(str(options["execution_provider"]))
    if config.get("machine", "local") != "local":
        parts.append(f"@{config['machine']}")
    return " ".join(parts)
