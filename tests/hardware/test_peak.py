"""Peak FLOP/s derivation against hand-computed figures."""

from __future__ import annotations

from hardware.peak import cpu_peak_gflops, gpu_peak_gflops, per_core_per_cycle

AVX2 = ("avx", "avx2", "fma", "f16c")


def test_avx2_fma_server_core() -> None:
    # 8 fp32 lanes x 2 (FMA) x 2 units = 32 FLOP/cycle/core; 2 cores x 3.0 GHz -> 192 GFLOP/s.
    peak = cpu_peak_gflops(AVX2, cores=2, mhz=3000)
    assert peak == {"fp32": 192.0, "fp16": 192.0, "bf16": 192.0, "int8": 384.0}


def test_avx512_with_vnni_bf16_fp16() -> None:
    flags = {*AVX2, "avx512f", "avx512_vnni", "avx512_bf16", "avx512_fp16"}
    per_cycle = per_core_per_cycle(flags)
    assert per_cycle == {"fp32": 64.0, "fp16": 128.0, "bf16": 128.0, "int8": 256.0}
    assert cpu_peak_gflops(flags, cores=2, mhz=2300)["fp32"] == 294.4


def test_amd_avx512_counts_as_256_bit() -> None:
    flags = [*AVX2, "avx512f", "avx512_vnni"]
    assert cpu_peak_gflops(flags, cores=1, mhz=1000, cpu_model="AMD EPYC 9R14")["fp32"] == 32.0
    assert cpu_peak_gflops(flags, cores=1, mhz=1000, cpu_model="Intel Xeon")["fp32"] == 64.0


def test_amx_and_plain_sse() -> None:
    amx = per_core_per_cycle({*AVX2, "avx512f", "amx_bf16", "amx_int8"})
    assert amx["int8"] == 2048 and amx["bf16"] == 1024 and amx["fp16"] == 64
    assert per_core_per_cycle({"sse4_2"}) == {"fp32": 8.0, "fp16": 8.0, "bf16": 8.0, "int8": 16.0}


def test_gpu_peak_by_name() -> None:
    assert gpu_peak_gflops("NVIDIA A10G")["fp32"] == 31_200  # A10G, not A10 (longest match)
    assert gpu_peak_gflops("NVIDIA H100 PCIe")["bf16"] == 756_000
    assert gpu_peak_gflops("NVIDIA H100 80GB HBM3")["bf16"] == 989_000
    assert gpu_peak_gflops("Some Future GPU") == {}
