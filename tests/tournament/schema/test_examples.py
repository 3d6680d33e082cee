"""Every shipped example submission is valid, and they cover what the docs promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from tournament.schema.validate import load_submission

EXAMPLES = sorted((Path(__file__).parents[3] / "submissions" / "examples").iterdir())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_valid(path: Path) -> None:
    load_submission(path, known_machines=["local"])


def test_examples_cover_workloads_runtimes_quantizations() -> None:
    subs = [load_submission(p, known_machines=["local"]) for p in EXAMPLES]
    assert len(subs) >= 8
    assert {s.workload for s in subs} == {"digits-cnn", "minilm-embed"}
    assert {"torch", "onnxruntime"} <= {s.runtime for s in subs}
    assert len({s.quantization for s in subs}) >= 4
    assert len({s.config_hash for s in subs}) == len(subs)


ONNXRUNTIME_HASHES = {
    "digits-ort-fp32.yaml": "e3847c61debe0871f38128b060451eb76fafa25b2d099fc098765e80b8aa1e80",
    "digits-ort-int8-static.yaml": (
        "85412ccc88cc6d5de615fb4dd541c9e62bee8c18b89455430858862d4a90b970"
    ),
    "minilm-ort-fp16.yaml": "afb8c4d5b49bb8ded3336bd822ec0e7992942af35d359a350e6d0804c6439a44",
    "minilm-ort-fp32.yaml": "29cce3287eb1cd4ff07f5fce06827f7a88b6139b2acb2a37df00455cdad8df97",
    "minilm-ort-int8-per-tensor.yaml": (
        "896199979ac6b8958aec5e693ac9664f7c6324f436a59ca59e96851386546200"
    ),
    "minilm-ort-int8.yaml": "d5da76a08a5a2ad068b6325967dcd18e1878f834a5cc0651f119539d5d911b2a",
}
"""config_hash of the onnxruntime examples before runtime options were split per runtime: stored
submissions keep their identity."""


@pytest.mark.parametrize("name", sorted(ONNXRUNTIME_HASHES))
def test_onnxruntime_config_hashes_are_unchanged(name: str) -> None:
    path = Path(__file__).parents[3] / "submissions" / "examples" / name
    assert load_submission(path, known_machines=["local"]).config_hash == ONNXRUNTIME_HASHES[name]
