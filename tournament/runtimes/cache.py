"""A content-addressed artifact cache: one directory per key, published atomically.

An entry ``<root>/<key>/`` holds the artifact files and ``recipe.json`` (how it was made). It
is built in a private temporary directory and renamed into place with :func:`os.replace`, so
readers never see a half-written entry and concurrent builders of the same key are safe (the
first rename wins; the others discard their copy).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

RECIPE = "recipe.json"


def _complete(entry: Path) -> bool:
    return (entry / RECIPE).is_file()


def read_recipe(entry: Path) -> dict[str, Any]:
    """The recipe stored with a published entry."""
    data: dict[str, Any] = json.loads((entry / RECIPE).read_text())
    return data


def artifact_files(entry: Path) -> list[Path]:
    """The artifact's files in an entry (everything but the recipe)."""
    return sorted(p for p in entry.iterdir() if p.is_file() and p.name != RECIPE)


def get_or_build(
    root: Path, key: str, build: Callable[[Path], dict[str, Any]]
) -> tuple[Path, bool]:
    """The entry for ``key``, building it with ``build(tmp_dir) -> recipe`` on a miss.

    Returns the entry directory and whether it was a cache hit.
    """
    entry = root / key
    if _complete(entry):
        return entry, True
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{key[:16]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        recipe = build(tmp)
        (tmp / RECIPE).write_text(json.dumps(recipe, sort_keys=True, indent=1, default=str))
        if entry.exists() and not _complete(entry):
            shutil.rmtree(entry, ignore_errors=True)
        try:
            os.replace(tmp, entry)
        except OSError:
            if not _complete(entry):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return entry, False
