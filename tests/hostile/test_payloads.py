"""Submissions are data only: code-running YAML tags and pickles are live, and never run."""

from __future__ import annotations

import pickle
from pathlib import Path

import yaml
from hostile_documents import TAG_TEMPLATES, Payload
from hostile_support import Corpus

PAYLOADS = {"python-tag", "pickle"}


def test_the_payloads_would_run_if_loaded_unsafely(tmp_path: Path) -> None:
    """Proof that the corpus's payloads are not duds: unsafe loaders do run them."""
    tag_marker, pickle_marker = tmp_path / "tag", tmp_path / "pickle"
    yaml.unsafe_load(TAG_TEMPLATES[0].format(m=tag_marker))
    pickle.loads(pickle.dumps(Payload(f"touch {pickle_marker}"), 0))
    assert tag_marker.exists() and pickle_marker.exists()


def test_no_payload_runs_when_loaded(corpus: Corpus, rejections: dict[str, list[str]]) -> None:
    """Loaded here by the real loaders (the CLI tests check the same folder after their runs)."""
    payloads = [c for c in corpus.ready() if c.category in PAYLOADS]
    assert len(payloads) >= 50
    assert all(rejections[c.stem] for c in payloads), "a payload file was accepted"
    assert sorted(corpus.mark_dir.iterdir()) == []
