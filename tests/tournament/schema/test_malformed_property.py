"""Property-based: any malformed submission gives field-named sentences, never a crash."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tournament.errors import UserError
from tournament.schema.validate import load_submission, parse_submission

VALID: dict[str, Any] = {
    "team": "t",
    "name": "n",
    "workload": "digits-cnn",
    "variant": "small",
    "runtime": "onnxruntime",
    "quantization": "int8-static",
    "batch_size": 4,
    "runtime_options": {"intra_op_threads": 2},
    "quantization_options": {"per_channel": True},
}
LINE = re.compile(
    r"^(?:[A-Za-z0-9_\-]+|\"[^\n]*\")(?:\.(?:[A-Za-z0-9_\-]+|\"[^\n]*\"))*: \S[^\n]*\.$"
)

junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=80),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)


@st.composite
def malformed(draw: st.DrawFn) -> dict[str, Any]:
    data = json.loads(json.dumps(VALID))
    keys = draw(
        st.lists(
            st.sampled_from(
                [*sorted(VALID), "extra", "runtime_options.x", "quantization_options.op_types"]
            ),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    for key in keys:
        head, _, tail = key.partition(".")
        value = draw(junk)
        if tail:
            if not isinstance(data.get(head), dict):
                data[head] = {}
            data[head][tail] = value
        elif draw(st.booleans()):
            data[key] = value
        else:
            data.pop(key, None)
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(malformed())
def test_malformed_submission_never_crashes(data: dict[str, Any]) -> None:
    try:
        parse_submission(data)
    except UserError as exc:
        assert exc.problems
        for line in exc.problems:
            assert "\n" not in line and "Traceback" not in line
            assert LINE.match(line), line


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_in_a_file_give_one_sentence(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(blob)
    try:
        load_submission(path)
    except UserError as exc:
        for line in exc.problems:
            assert line.startswith(f"{path}: ")
            assert "Traceback" not in line
