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
