"""The hostile-input corpus: seeded, generated at test time, written into a temporary folder.

A :class:`Case` is one malformed file (or a path that is not a regular file) and what its
rejection must say: every problem is one line ``FILE: WHERE: sentence.`` where ``WHERE`` is
``file``, ``document``, ``line N`` or a field path, and at least one line matches
:attr:`Case.expect`. Cases with ``pending`` set wait for a fix to the loader and are tested
apart (they are skipped, with their reason, until the fix is in).
"""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

SEED = 20260701
"""The corpus seed; the figures in docs/reliability.md come from this seed."""

SUBMISSION_BASE: dict[str, Any] = {
    "team": "hostile",
    "name": "base-a",
    "description": "the valid document every mutation starts from",
    "workload": "digits-cnn",
    "variant": "small",
    "runtime": "onnxruntime",
    "quantization": "int8-static",
    "batch_size": 4,
    "runtime_options": {
        "intra_op_threads": 2,
        "inter_op_threads": 1,
        "graph_optimization": "all",
        "execution_provider": "cpu",
    },
    "quantization_options": {
        "per_channel": True,
        "reduce_range": False,
        "op_types": ["Conv", "MatMul"],
        "calibration_method": "minmax",
        "calibration_samples": 64,
    },
    "machine": "local",
}
ROUND_BASE: dict[str, Any] = {
    "name": "hostile-round",
    "description": "the valid round every mutation starts from",
    "division": "closed",
    "runtimes": ["torch", "onnxruntime"],
    "quantizations": ["fp32", "int8-dynamic"],
    "workloads": {"digits-cnn": {"variants": ["small"], "target_ratios": {"99": 0.99}}},
    "scenarios": {"single-stream": {"min_queries": 32, "min_duration_s": 0.2}},
    "machines": ["local"],
    "prices": {"local": {"price_usd_per_hour": 0.1}},
    "seeds": [0, 1],
    "repeats": 1,
    "opens_at": "2026-12-01T00:00:00Z",
    "closes_at": "2026-12-31T23:59:59Z",
}
BASES = {"submission": SUBMISSION_BASE, "round": ROUND_BASE}


class Pending:
    """Why a case waits for a fix (``Case.pending``); the tests probe whether each is fixed."""

    READER_LINES = "PyYAML's reader errors span two lines"
    YAML_AS_JSON = "the loader calls a YAML failure 'invalid JSON'"
    RAW_CHECK_KEYS = "the loader prints keys raw in its finite-number and depth problems"
    TAGS_ACCEPTED = "explicit YAML tags such as !!binary are accepted, not rejected"
    NEVER_ENDS = "a pipe or device is read until it ends: never, or out of memory"
    RAW_FILE_NAMES = "file names are printed raw: a line break or escape sequence splits lines"


_SEGMENT = r'(?:[A-Za-z0-9_\-]+|"[^\n]*")'
WHERE = re.compile(rf"^(?:file|document|line \d+|{_SEGMENT}(?:\.{_SEGMENT})*): \S")
"""What a problem sentence (after the file prefix) starts with."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Case:
    """One hostile input: its bytes (or a special path) and the sentence its rejection needs.

    ``special`` names a path that is not written from ``body``: ``dir`` (a directory),
    ``missing``, ``dangling`` (symlink to nothing), ``loop`` (symlink to itself), ``sparse:N``
    (an N-byte sparse file), ``fifo`` and ``zero`` (symlink to /dev/zero).
    """

    category: str
    expect: str
    body: bytes = b""
    ext: str = "yaml"
    kind: str = "submission"
    special: str = ""
    pending: str = ""
    stem: str = ""
    name: str = ""

    def file_name(self) -> str:
        """The name written under the corpus folder."""
        if self.name:
            return self.name
        return f"{self.stem}.{self.ext}" if self.ext else self.stem


Generator = Callable[[random.Random, str], list[Case]]


def build_corpus(mark_dir: Path, seed: int = SEED) -> list[Case]:
    """Every case, named ``s0001-category.ext`` / ``r0001-...`` in generation order.

    ``mark_dir`` is where code-execution payloads would create files if they ever ran.
    """
    from hostile_documents import document_generators
    from hostile_fields import field_generators

    rng = random.Random(seed)
    cases: list[Case] = []
    for kind in ("submission", "round"):
        for generate in (*field_generators(mark_dir), *document_generators(mark_dir)):
            for case in generate(rng, kind):
                case = replace(case, kind=kind)
                stem = f"{kind[0]}{len(cases):04d}-{case.category}"
                cases.append(replace(case, stem=stem))
    return cases


def write_case(case: Case, root: Path) -> Path:
    """Create the case's file (or special path) under ``root``; its path."""
    path = root / case.file_name()
    kind, _, arg = case.special.partition(":")
    if kind == "dir":
        path.mkdir()
    elif kind == "dangling":
        path.symlink_to(root / "does-not-exist.yaml")
    elif kind == "loop":
        path.symlink_to(path)
    elif kind == "sparse":
        with open(path, "wb") as handle:
            handle.truncate(int(arg))
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind != "missing":
        path.write_bytes(case.body)
    return path


def line_problems(shown: str, lines: Iterable[str]) -> list[str]:
    """Why these lines are not one clear line each about the file shown as ``shown``."""
    prefix = f"{shown}: "
    bad = []
    for line in lines:
        rest = line[len(prefix) :] if line.startswith(prefix) else None
        if rest is None:
            bad.append(f"no file prefix: {line!r}")
        elif _CONTROL.search(line) or "Traceback" in line:
            bad.append(f"control characters or a traceback: {line!r}")
        elif not WHERE.match(rest) or not rest.endswith("."):
            bad.append(f"not 'WHERE: sentence.': {line!r}")
    return bad


def expectation_problems(case: Case, shown: str, lines: list[str]) -> list[str]:
    """:func:`line_problems` plus: there is a line and one of them matches ``case.expect``."""
    if not lines:
        return [f"{case.file_name()!r}: accepted, expected a rejection ({case.category})"]
    bad = line_problems(shown, lines)
    prefix = len(f"{shown}: ")
    if not any(re.search(case.expect, line[prefix:]) for line in lines):
        bad.append(f"{case.file_name()!r}: no line matches {case.expect!r}: {lines[:3]!r}")
    return bad


def tally(cases: Iterable[Case]) -> Counter[tuple[str, str]]:
    """Cases per (kind, category)."""
    return Counter((case.kind, case.category) for case in cases)
