"""Runtime ``torch``: the workload's module in PyTorch eager mode."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tournament.errors import UserError
from tournament.runtimes.base import Prepared, Runtime
from tournament.runtimes.checks import unused_quantization_options
from tournament.runtimes.options import TorchOptions
from tournament.schema import ExecutionProvider, Quantization, QuantizationOptions

if TYPE_CHECKING:
    from tournament.runtimes.torch_predictor import TorchPredictor
    from tournament.workloads.base import Workload

_CPU_ONLY = frozenset({Quantization.INT8_DYNAMIC})


class TorchEager(Runtime[TorchOptions]):
    """PyTorch eager mode: fp32; bf16 autocast; int8 dynamic (``nn.Linear``); fp16 on CUDA.

    The artifact is ``torch.save(state_dict)`` after conversion; its hash also covers the
    execution recipe (runtime, quantization, autocast dtype), because autocast changes what
    runs without changing the weights.
    """

    name = "torch"
    description = "PyTorch eager mode under torch.inference_mode."
    quantizations = frozenset(
        {Quantization.FP32, Quantization.FP16, Quantization.BF16, Quantization.INT8_DYNAMIC}
    )
    options_model = TorchOptions
    caches_artifacts = False  # built in memory in well under a second: nothing worth caching
    unsupported_hint = "calibrated int8-static needs runtime 'onnxruntime'."

    def check(
        self,
        quantization: Quantization,
        options: TorchOptions,
        quantization_options: QuantizationOptions,
    ) -> list[str]:
        problems = super().check(quantization, options, quantization_options)
        if problems:
            return [f"{problems[0][:-1]}; {self.unsupported_hint}", *problems[1:]]
        problems += unused_quantization_options(quantization, quantization_options)
        problems += self._device_problems(quantization, options)
        if quantization_options.op_types is not None:
            problems.append(
                f"quantization_options.op_types: runtime {self.name!r} quantizes nn.Linear "
                "layers only and takes no op_types; use runtime 'onnxruntime' to choose "
                "operators."
            )
        return problems

    def _device_problems(self, quantization: Quantization, options: TorchOptions) -> list[str]:
        cuda = options.execution_provider is ExecutionProvider.CUDA
        if quantization is Quantization.FP16 and not cuda:
            return [
                f"quantization: 'fp16' with runtime {self.name!r} needs "
                "runtime_options.execution_provider: cuda (CPU fp16 kernels are missing or "
                "slow); use 'bf16' or runtime 'onnxruntime' on cpu."
            ]
        if quantization in _CPU_ONLY and cuda:
            return [
                f"runtime_options.execution_provider: {quantization.value!r} with runtime "
                f"{self.name!r} runs on cpu only; expected execution_provider: cpu."
            ]
        return []

    def prepare(
        self,
        workload: Workload,
        variant: str,
        quantization: Quantization,
        options: TorchOptions,
        quantization_options: QuantizationOptions,
        cache_dir: str,
    ) -> Prepared:
        problems = self.check(quantization, options, quantization_options)
        if problems:
            raise UserError(problems)
        device = _device(options)
        from tournament.runtimes.torch_threads import apply_torch_threads

        threads = apply_torch_threads(options)
        predictor, recipe = self._predictor(
            workload, variant, quantization, quantization_options, device, options
        )
        sha, size, state_sha = _artifact_hash(predictor.model, recipe)
        details: dict[str, Any] = {
            **recipe,
            "threads": threads,
            "state_dict_sha256": state_sha,
            "artifact": "sha256 of '<state_dict_sha256>\\n<sha256 of recipe JSON>'",
        }
        details.update(self._finish(predictor, workload, variant))
        return Prepared(predictor, sha, size, details)

    def _predictor(
        self,
        workload: Workload,
        variant: str,
        quantization: Quantization,
        quantization_options: QuantizationOptions,
        device: str,
        options: TorchOptions,
    ) -> tuple[TorchPredictor, dict[str, Any]]:
        import torch

        from tournament.runtimes.torch_predictor import TorchPredictor
        from tournament.runtimes.torch_quantize import convert

        model, quantizer = convert(
            workload.build(variant).eval(), quantization, quantization_options
        )
        autocast = torch.bfloat16 if quantization is Quantization.BF16 else None
        predictor = TorchPredictor(
            model.to(device),
            workload.input_names(variant),
            device=device,
            autocast=autocast,
            half_inputs=quantization is Quantization.FP16,
            intra_op_threads=options.intra_op_threads,
        )
        recipe = {
            "runtime": self.name,
            "workload": workload.name,
            "variant": variant,
            "quantization": quantization.value,
            "device": device,
            "torch": torch.__version__,
            "autocast": str(autocast) if autocast else None,
            "quantizer": quantizer,
        }
        return predictor, recipe

    def _finish(
        self, predictor: TorchPredictor, workload: Workload, variant: str
    ) -> dict[str, Any]:
        """Last step before timing (compilation in subclasses); returns extra details."""
        return {}


def _device(options: TorchOptions) -> str:
    """``cuda`` or ``cpu``; a UserError when CUDA is asked for and absent."""
    if options.execution_provider is not ExecutionProvider.CUDA:
        return "cpu"
    import torch

    if not torch.cuda.is_available():
        raise UserError(
            "runtime_options.execution_provider: cuda requested but no CUDA device is available."
        )
    return "cuda"


def _artifact_hash(model: Any, recipe: dict[str, Any]) -> tuple[str, int, str]:
    """(artifact sha256, state-dict size in bytes, sha256 of the state-dict bytes alone)."""
    from tournament.runtimes.hashing import sha256_bytes, sha256_json, state_dict_bytes

    state = state_dict_bytes(model)
    state_sha = sha256_bytes(state)
    recipe_sha = sha256_json(recipe)
    return sha256_bytes(f"{state_sha}\n{recipe_sha}".encode()), len(state), state_sha
