from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workloads.minilm_embed import DATA_FILE, N_CALIBRATION, load_pairs

SCRIPT = DATA_FILE.with_name("make_sentences.py")


def test_the_script_reproduces_the_shipped_file_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "sentences.tsv"
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, timeout=60)
    assert out.read_bytes() == DATA_FILE.read_bytes()


def test_the_file_has_enough_distinct_varied_pairs() -> None:
    pairs = load_pairs()
    assert len(pairs) >= 600
    assert len(pairs) - N_CALIBRATION >= 500
    texts = [p.sentence for p in pairs] + [p.paraphrase for p in pairs]
    assert len(set(texts)) == len(texts)  # no duplicate, no paraphrase equal to its sentence
    groups = {p.group for p in pairs}
    assert len(groups) >= 10
    assert {p.group for p in pairs[:N_CALIBRATION]} == groups  # calibration covers all topics
    assert any(p.sentence.endswith("?") for p in pairs)
    assert max(len(p.sentence.split()) for p in pairs) >= 30


def test_the_header_documents_synthetic_project_data() -> None:
    header = SCRIPT.read_text(encoding="utf-8")[:1200]
    assert "SYNTHETIC" in header and "WRITTEN BY THIS PROJECT" in header
