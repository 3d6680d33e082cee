"""The peak microbenchmark on this machine: real kernels, sane figures, exact int8 arithmetic.

No speed targets: the figures are checked for being positive and physically sane (N threads
cannot beat N single threads by much; fp32 cannot beat the nominal formula by much).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hardware.detect import available_threads, read_cpuinfo
from hardware.machine import MachineSpec
from hardware.microbench import MeasuredPeaks, host_peaks, measure_host
from hardware.microbench.gemm import quantized_linear
from hardware.microbench.run import _cache_path, _write
from hardware.microbench.triad import _bytes, llc_bytes, triad


@pytest.fixture(scope="module")
def peaks() -> MeasuredPeaks:
    """One real measurement of this host (a few seconds)."""
    return measure_host()


def test_every_precision_is_measured_with_positive_figures(peaks: MeasuredPeaks) -> None:
    assert peaks.skipped == {}
    assert set(peaks.gemm) == {"fp32", "bf16", "int8"}
    assert peaks.threads == available_threads() and peaks.cpu_model == read_cpuinfo()["model"]
    for row in peaks.gemm.values():
        assert row.gflops_1 > 0 and row.gflops_n > 0 and row.size >= 256
        assert row.gflops_n <= 1.5 * peaks.threads * row.gflops_1  # no superlinear scaling
    assert peaks.gemm["int8"].kernel.startswith("torch.ops.quantized.linear u8 x s8 -> s32")
    assert peaks.gemm["bf16"].kernel == "torch.matmul bfloat16"
    assert datetime.fromisoformat(peaks.measured_at).tzinfo is not None
    assert 0 < peaks.duration_s < 120


def test_fp32_stays_below_the_nominal_formula(peaks: MeasuredPeaks) -> None:
    from hardware.source import HardwareMachines

    nominal = HardwareMachines().detect().peak_gflops["fp32"]
    assert peaks.gemm["fp32"].gflops_n <= 1.5 * nominal


def test_triad_bandwidth_is_positive_on_arrays_beyond_the_cache(peaks: MeasuredPeaks) -> None:
    bandwidth = peaks.triad
    assert bandwidth is not None and bandwidth.gb_s_1 > 0 and bandwidth.gb_s_n > 0
    assert bandwidth.bytes_per_element == 24
    if bandwidth.llc_mib:
        assert bandwidth.array_mib >= min(4 * bandwidth.llc_mib, 1024)


def test_the_int8_kernel_computes_exact_integer_products() -> None:
    import torch

    x = torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.uint8)
    w = torch.tensor([[1, 0, 2], [3, 1, 0], [-1, 2, 1]], dtype=torch.int8)  # out = x @ w.T
    out = quantized_linear(x, w)()
    expected = x.to(torch.int32) @ w.to(torch.int32).T
    assert out.dtype == torch.quint8
    assert torch.equal(out.int_repr().to(torch.int32), expected)


def test_triad_computes_b_plus_s_c() -> None:
    import torch

    a = torch.empty(5, dtype=torch.float64)
    b = torch.arange(5, dtype=torch.float64)
    c = torch.ones(5, dtype=torch.float64)
    triad(a, b, c)
    assert a.tolist() == [3.0, 4.0, 5.0, 6.0, 7.0]


def test_last_level_cache_from_sysfs(tmp_path: Path) -> None:
    for index, (level, size) in enumerate([(1, "32K"), (2, "1024K"), (3, "32768K")]):
        folder = tmp_path / f"index{index}"
        folder.mkdir()
        (folder / "level").write_text(f"{level}\n")
        (folder / "size").write_text(f"{size}\n")
    assert llc_bytes(tmp_path) == 32 * 2**20
    assert llc_bytes(tmp_path / "missing") is None
    assert (_bytes("1M"), _bytes("512")) == (2**20, 512)


def test_host_peaks_reuses_a_fresh_measurement_and_renews_an_old_one(
    peaks: MeasuredPeaks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOURNEY_CACHE", str(tmp_path))
    path = _cache_path(peaks.cpu_model, peaks.threads)
    _write(path, peaks)
    assert host_peaks(3600, peaks.threads) == peaks
    old = datetime.now(UTC) - timedelta(days=2)
    stale = peaks.model_copy(update={"measured_at": old.isoformat(timespec="seconds")})
    _write(path, stale)
    renewed = host_peaks(86_400, peaks.threads)  # measures again (a few seconds)
    assert renewed.measured_at != stale.measured_at
    assert MeasuredPeaks.model_validate_json(path.read_text()) == renewed


def test_a_spec_stores_the_measurement(peaks: MeasuredPeaks, small_spec: MachineSpec) -> None:
    spec = small_spec.with_measured(peaks.model_copy(update={"threads": 1}))
    assert MachineSpec.model_validate(spec.to_dict()) == spec
    assert spec.measured is not None and spec.measured.gemm == peaks.gemm
