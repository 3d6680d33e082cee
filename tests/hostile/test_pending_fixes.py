"""Cases that wait for a fix in the loaders: each defect is probed; its cases are tested once
the probe finds it fixed, and reported as an expected failure (naming the defect and how many
corpus files show it) until then. The fixes are described in docs/reliability.md.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_corpus import Pending, expectation_problems, write_case
from hostile_support import Corpus, load_problems, shown

from tournament.errors import UserError


def _lines(call: Callable[[], object]) -> list[str]:
    try:
        call()
    except UserError as exc:
        return exc.problems
    return []


def _one_line_each(call: Callable[[], object]) -> bool:
    lines = _lines(call)
    return bool(lines) and not any("\n" in line or "\x1b" in line for line in lines)


def _reader_lines(tmp: Path) -> bool:
    from tournament.schema.loading import parse_document

    return _one_line_each(lambda: parse_document("a: \x01", fmt="yaml"))


def _yaml_wording(tmp: Path) -> bool:
    from tournament.schema.loading import parse_document

    lines = _lines(lambda: parse_document("a: " + "[" * 600 + "]" * 600, fmt="yaml"))
    return bool(lines) and "JSON" not in lines[0]


def _check_keys(tmp: Path) -> bool:
    from tournament.schema.loading import parse_document

    return _one_line_each(lambda: parse_document('{"a\\nb": 1e999}', fmt="json"))


def _tags(tmp: Path) -> bool:
    from tournament.schema.loading import parse_document

    return bool(_lines(lambda: parse_document("a: !!binary aGk=", fmt="yaml")))


def _file_names(tmp: Path) -> bool:
    from tournament.schema.validate import load_submission

    return _one_line_each(lambda: load_submission(tmp / "new\nline.yaml"))


def _pipes(tmp: Path) -> bool:
    """Whether reading a FIFO returns at once; if it blocks, a writer releases it after 2 s."""
    from tournament.schema.loading import load_document

    fifo = tmp / "probe.yaml"
    os.mkfifo(fifo)
    reader = threading.Thread(target=_lines, args=(lambda: load_document(fifo),), daemon=True)
    reader.start()
    reader.join(2.0)
    if not reader.is_alive():
        return True
    with open(fifo, "wb"):
        pass  # the blocked reader gets end-of-file and returns
    reader.join(10.0)
    return False


PROBES: dict[str, Callable[[Path], bool]] = {
    Pending.READER_LINES: _reader_lines,
    Pending.YAML_AS_JSON: _yaml_wording,
    Pending.RAW_CHECK_KEYS: _check_keys,
    Pending.TAGS_ACCEPTED: _tags,
    Pending.RAW_FILE_NAMES: _file_names,
    Pending.NEVER_ENDS: _pipes,
}


def test_cases_waiting_for_fixes(corpus: Corpus, tmp_path: Path) -> None:
    fixed = {reason: probe(tmp_path) for reason, probe in PROBES.items()}
    failures: list[str] = []
    waiting: Counter[str] = Counter()
    for case in (c for c in corpus.cases if c.pending):
        if not fixed[case.pending]:
            waiting[case.pending] += 1
            continue
        path = corpus.paths.get(case.stem) or write_case(case, corpus.root)
        failures += expectation_problems(case, shown(path), load_problems(case, path))
    assert not failures, "\n".join(failures[:30])
    if waiting:
        pytest.xfail("; ".join(f"{n} case(s) wait for a fix: {why}" for why, n in waiting.items()))
