"""Hostile-input tests: the generated corpus (written once per session) and the CLI runner."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the generator and helper modules beside this

from hostile_corpus import build_corpus, write_case
from hostile_support import Corpus, Tourney


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Every case written under a temporary folder (pipes and device links too: the loader
    opens without blocking and never follows a link)."""
    root = tmp_path_factory.mktemp("hostile")
    mark_dir = tmp_path_factory.mktemp("payload-markers")
    built = Corpus(root, mark_dir, build_corpus(mark_dir))
    for case in built.cases:
        built.paths[case.stem] = write_case(case, root)
    return built


@pytest.fixture
def tourney(_tourney_home: Path) -> Tourney:
    """``python -m tournament`` with this test's TOURNEY_HOME."""
    return Tourney(_tourney_home)


@pytest.fixture(scope="session")
def rejections(corpus: Corpus) -> dict[str, list[str]]:
    """The problem lines of every ready case, loaded in this process (empty: accepted)."""
    from hostile_support import load_problems

    return {case.stem: load_problems(case, corpus.path(case)) for case in corpus.ready()}
