"""MachineSpec: validation, defaults, YAML round trip, errors that name the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hardware._yaml import validate
from hardware.machine import MachineSpec, load_machine, load_machines, save_machine
from tournament.errors import UserError

REPO = Path(__file__).resolve().parents[2]


def test_defaults_fill_power_and_derived_peak(small_spec: MachineSpec) -> None:
    assert (small_spec.cpu_idle_w, small_spec.cpu_max_w) == (1.5, 8.0)
    assert small_spec.peak_source == "derived"
    assert small_spec.peak_gflops["fp32"] == 192.0
    assert small_spec.tariff_usd_per_kwh == 0.15


def test_given_peak_is_marked_and_completed(small_spec: MachineSpec) -> None:
    data = small_spec.to_dict() | {"peak_gflops": {"fp32": 100.0, "int8": 400.0}}
    del data["peak_source"]
    spec = MachineSpec.model_validate(data)
    assert spec.peak_source == "given"
    assert spec.peak_gflops == {"fp32": 100.0, "fp16": 100.0, "bf16": 100.0, "int8": 400.0}


def test_yaml_round_trip_with_gpu(tmp_path: Path, small_spec: MachineSpec) -> None:
    gpu = {"name": "NVIDIA L4", "memory_gb": 22.5, "driver": "550.54", "tdp_w": 72}
    data = small_spec.to_dict() | {"gpus": [gpu], "notes": "line one\nline two"}
    spec = MachineSpec.model_validate(data)
    assert spec.gpus[0].idle_w == 10.8 and spec.gpus[0].peak_gflops["fp32"] == 30_300
    path = save_machine(spec, tmp_path / "m.yaml")
    assert load_machine(path) == spec


def test_bad_field_names_file_and_field(tmp_path: Path, small_spec: MachineSpec) -> None:
    path = tmp_path / "bad.yaml"
    text = save_machine(small_spec, path).read_text().replace("cpu_cores: 2", "cpu_cores: two")
    path.write_text(text + "colour: red\n")
    with pytest.raises(UserError) as info:
        load_machine(path)
    problems = info.value.problems
    assert len(problems) == 2
    assert str(path) in problems[0] and "'cpu_cores'" in problems[0] and "'two'" in problems[0]
    assert "'colour' is not a known field" in problems[1]


def test_missing_and_inconsistent_fields(tmp_path: Path, small_spec: MachineSpec) -> None:
    data = small_spec.to_dict()
    del data["cpu_model"]
    with pytest.raises(UserError, match="field 'cpu_model' is required"):
        validate(MachineSpec, data, "x.yaml")
    del data["price_usd_per_hour"]  # a price nobody gave is unknown, never 0
    assert validate(MachineSpec, data | {"cpu_model": "x"}, "x.yaml").price_usd_per_hour is None
    with pytest.raises(UserError, match=r"cpu_threads \(1\) must be >= cpu_cores \(2\)"):
        validate(MachineSpec, small_spec.to_dict() | {"cpu_threads": 1}, "x.yaml")
    with pytest.raises(UserError, match="field 'id'"):
        validate(MachineSpec, small_spec.to_dict() | {"id": "has space"}, "x.yaml")
    with pytest.raises(UserError, match=r"price_usd_per_hour.*less than or equal to 10000"):
        validate(MachineSpec, small_spec.to_dict() | {"price_usd_per_hour": 1e6}, "x.yaml")


def test_unreadable_and_invalid_yaml(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"missing\.yaml: file: no such file"):
        load_machine(tmp_path / "missing.yaml")
    (tmp_path / "syntax.yaml").write_text("id: [unclosed\n")
    with pytest.raises(UserError, match=r"syntax.yaml: line \d+: invalid YAML"):
        load_machine(tmp_path / "syntax.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(UserError, match="expected a mapping"):
        load_machine(tmp_path / "list.yaml")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # A 1 KB alias bomb (grew to 2.3 GB before the safe loader read machine files).
        ('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
         "cpu_model: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n", "anchors"),
        ("id: m1\nid: m2\n", "duplicate key 'id'"),
        ("peak_gflops:\n  fp32: .nan\n", "expected a finite number"),
        ("cpu_model: !!python/object:os.system x\n", "tags"),
    ],
)  # fmt: skip
def test_machine_files_go_through_the_safe_loader(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    with pytest.raises(UserError, match=problem):
        load_machine(path)


def test_a_fifo_or_a_link_is_refused_without_hanging(tmp_path: Path, small_spec: Any) -> None:
    import os

    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="expected a regular file"):
        load_machine(fifo)  # no writer: a blocking open would hang here
    real = save_machine(small_spec, tmp_path / "real.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    with pytest.raises(UserError, match="symbolic link"):
        load_machine(link)


def test_committed_example_loads() -> None:
    spec = load_machine(REPO / "hardware" / "machines" / "local.yaml")
    assert spec.id == "local" and "EPYC" in spec.cpu_model
    assert "avx2" in spec.cpu_flags and "avx512f" not in spec.cpu_flags
    assert spec.price_usd_per_hour > 0 and "re-check" in spec.notes and "https://" in spec.notes


def test_load_machines_rejects_duplicate_ids(tmp_path: Path, small_spec: MachineSpec) -> None:
    save_machine(small_spec, tmp_path / "a.yaml")
    assert list(load_machines(tmp_path)) == ["test-vm"]
    save_machine(small_spec, tmp_path / "b.yaml")
    with pytest.raises(UserError, match="already defined"):
        load_machines(tmp_path)


MEASURED = {
    "measured_at": "2026-12-02T18:00:00+00:00",
    "cpu_model": "AMD EPYC 7B13",
    "threads": 2,
    "gemm": {
        "fp32": {"kernel": "torch.matmul float32", "size": 1024, "reps": 5,
                 "gflops_1": 80.0, "gflops_n": 150.0},
    },
    "triad": {"kernel": "torch.add", "array_mib": 128.0, "reps": 5,
              "gb_s_1": 15.0, "gb_s_n": 17.0},
    "skipped": {"int8": "RuntimeError: no engine"},
    "load_avg_1m": 1.5,
    "duration_s": 3.2,
}  # fmt: skip
"""A measured table (test numbers, not a measurement)."""


def test_yaml_round_trip_with_and_without_the_measured_table(
    tmp_path: Path, small_spec: MachineSpec
) -> None:
    assert small_spec.measured is None and small_spec.to_dict()["measured"] is None
    assert load_machine(save_machine(small_spec, tmp_path / "plain.yaml")) == small_spec
    measured = MachineSpec.model_validate(small_spec.to_dict() | {"measured": MEASURED})
    assert measured.measured is not None and measured.measured.gemm["fp32"].gflops_n == 150.0
    assert measured.peak_gflops == small_spec.peak_gflops  # the nominal table stays
    assert load_machine(save_machine(measured, tmp_path / "measured.yaml")) == measured


def test_a_stored_spec_from_before_measurement_still_loads(small_spec: MachineSpec) -> None:
    old = small_spec.to_dict()
    del old["measured"]
    assert validate(MachineSpec, old, "stored spec") == small_spec


def test_bad_measured_fields_name_the_field(small_spec: MachineSpec) -> None:
    zero = MEASURED | {"gemm": {"fp32": MEASURED["gemm"]["fp32"] | {"gflops_n": 0}}}
    with pytest.raises(UserError, match=r"field 'measured\.gemm\.fp32\.gflops_n'"):
        validate(MachineSpec, small_spec.to_dict() | {"measured": zero}, "m.yaml")
    with pytest.raises(UserError, match=r"measured\.threads \(4\) must be <= cpu_threads \(2\)"):
        validate(MachineSpec, small_spec.to_dict() | {"measured": MEASURED | {"threads": 4}}, "m")
