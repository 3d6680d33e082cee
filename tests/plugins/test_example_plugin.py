"""The example plugin (``tourney-example-plugin``): a runtime added without touching the core.

It is installed next to the project (``make install``); these tests use it as any user would:
listed by ``tourney plugins``, named by a submission, prepared and timed-ready on real models.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from tournament import runtimes, workloads
from tournament.errors import UserError
from tournament.runtimes import RUNTIMES
from tournament.runtimes.base import Prepared
from tournament.schema import ExecutionProvider, Quantization, QuantizationOptions
from tournament.workloads import EvalSet, Feed, QualityMetric, Workload

REPO = Path(__file__).parents[2]

pytest.importorskip("tourney_example_plugin", reason="make install installs the example plugin")


def tourney(*args: str, home: Path, columns: int = 200) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TOURNEY_HOME": str(home), "COLUMNS": str(columns)}
    return subprocess.run(
        [sys.executable, "-m", "tournament", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )


class _Net(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 6, 3, padding=1, stride=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.strided = torch.nn.Conv2d(6, 4, 3, stride=2, padding=(1, 0))
        self.head = torch.nn.Sequential(
            torch.nn.Flatten(), torch.nn.Linear(4 * 2 * 1, 16), torch.nn.Tanh()
        )
        self.out = torch.nn.Linear(16, 5)
        self.skip = torch.nn.Linear(16, 5, bias=False)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.strided(self.pool(self.conv(pixels))))
        hidden = self.head(x)
        return torch.softmax(self.out(hidden) + self.skip(hidden), dim=1)


class TinyConv(Workload):
    """A seeded 2x8x6 conv net (padding, stride, pooling, a skip sum): agreement with torch."""

    name = "tiny-conv"
    description = "Test workload."
    variants = ("small",)
    metric = QualityMetric("agreement")

    def build(self, variant: str) -> torch.nn.Module:
        with torch.random.fork_rng():
            torch.manual_seed(0)
            return _Net().eval()

    def input_names(self, variant: str) -> list[str]:
        return ["pixels"]

    def sample_inputs(self, variant: str, batch_size: int) -> Feed:
        rng = np.random.default_rng(batch_size)
        return {"pixels": rng.standard_normal((batch_size, 2, 8, 6)).astype(np.float32)}

    def eval_set(self, variant: str) -> EvalSet:
        inputs = self.sample_inputs(variant, 40)
        sha = hashlib.sha256(inputs["pixels"].tobytes()).hexdigest()
        return EvalSet(inputs, np.zeros(40), sha)

    calibration_set = eval_set

    def quality(self, variant: str, outputs: np.ndarray) -> float:
        with torch.no_grad():
            ref = self.build(variant)(torch.from_numpy(self.eval_set(variant).inputs["pixels"]))
        return float((outputs.argmax(1) == ref.numpy().argmax(1)).mean())

    def reference_quality(self, variant: str) -> float:
        return 1.0

    def flops_per_sample(self, variant: str) -> float:
        return 1.0

    def fingerprint(self, variant: str) -> dict[str, str]:
        return {"model_sha256": "tiny-conv-seed0"}


def _prepare(workload: Workload, tmp_path: Path, **options: Any) -> Prepared:
    runtime = runtimes.get("numpy")
    return runtime.prepare(
        workload,
        "small",
        Quantization.FP32,
        runtime.options_model(**options),
        QuantizationOptions(),
        str(tmp_path),
    )


def test_tourney_plugins_lists_it_with_its_distribution(tmp_path: Path) -> None:
    proc = tourney("plugins", "--check", home=tmp_path, columns=120)
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if " numpy " in line)
    assert "tourney_example_plugin.numpy_runtime:NumpyRuntime" in row
    assert "tourney-example-plugin 0.1.0" in row and "yes" in row
    assert max(len(line) for line in proc.stdout.splitlines()) <= 120
    assert RUNTIMES.entry("numpy").distribution == "tourney-example-plugin"


def test_tourney_validate_accepts_a_submission_naming_it(tmp_path: Path) -> None:
    good = tmp_path / "digits-numpy.yaml"
    good.write_text(
        "team: t\nname: digits-numpy\nworkload: digits-cnn\nvariant: small\nruntime: numpy\n"
        "quantization: fp32\nbatch_size: 8\nruntime_options:\n  intra_op_threads: 2\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("fp32", "int8-dynamic"))
    proc = tourney("validate", str(good), home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "digits-numpy.yaml: ok (digits-cnn/small numpy fp32 batch 8" in proc.stdout
    proc = tourney("validate", str(bad), home=tmp_path)
    assert proc.returncode == 2
    assert (
        "quantization: runtime 'numpy' cannot run 'int8-dynamic'; expected one of: fp32."
        in proc.stderr
    )


def test_it_prepares_and_predicts_as_torch_does(tmp_path: Path) -> None:
    workload = TinyConv()
    prepared = _prepare(workload, tmp_path, intra_op_threads=2)
    feed = workload.sample_inputs("small", 7)
    with torch.no_grad():
        expected = workload.build("small")(torch.from_numpy(feed["pixels"])).numpy()
    got = prepared.predictor.predict(feed)
    assert got.dtype == np.float32 and got.shape == (7, 5)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    again = _prepare(workload, tmp_path)
    assert again.artifact_sha256 == prepared.artifact_sha256
    assert Path(prepared.details["path"]).is_file()
    prepared.predictor.close()


def test_it_scores_the_real_digits_model_like_the_reference(tmp_path: Path) -> None:
    digits = workloads.get("digits-cnn")
    prepared = _prepare(digits, tmp_path)
    batches = digits.eval_set("small").batches(64)
    outputs = np.concatenate([prepared.predictor.predict(b) for b in batches])
    assert digits.quality("small", outputs) == pytest.approx(
        digits.reference_quality("small"), abs=2e-3
    )


def test_it_refuses_what_it_cannot_run_in_one_sentence(tmp_path: Path) -> None:
    runtime = runtimes.get("numpy")
    cuda = runtime.options_model(execution_provider=ExecutionProvider.CUDA)
    assert runtime.check(Quantization.FP32, cuda, QuantizationOptions()) == [
        "runtime_options.execution_provider: runtime 'numpy' runs on cpu only; "
        "expected execution_provider: cpu."
    ]

    class Embedder(TinyConv):
        def build(self, variant: str) -> torch.nn.Module:
            return torch.nn.Sequential(torch.nn.Embedding(10, 4)).eval()

    with pytest.raises(UserError, match=r"cannot run layer '0' \(Embedding\(10, 4\)\)"):
        _prepare(Embedder(), tmp_path)


def test_the_extending_guide_shows_real_code() -> None:
    """Every Python and TOML block of docs/extending.md is an excerpt of the file it names."""
    import re

    guide = (REPO / "docs" / "extending.md").read_text(encoding="utf-8")
    blocks = re.findall(r"(?:<!-- source: (\S+) -->\n)?```(python|toml)\n(.*?)```", guide, re.S)
    assert len(blocks) >= 8
    for source, language, code in blocks:
        assert source, f"a {language} block has no source marker:\n{code}"
        assert code in (REPO / source).read_text(encoding="utf-8"), f"not in {source}:\n{code}"
