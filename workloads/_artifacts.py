"""Cache files of the workloads: written atomically, read back, computed when missing.

Two processes computing the same artifact at once both write complete files under private
temporary names and rename them into place (``os.replace`` is atomic on one file system), so
a reader never sees half a file; the last writer wins with identical content.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def cached_json(path: Path, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The JSON object stored at ``path``, computed and stored first if missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    data = compute()
    atomic_write_bytes(path, json.dumps(data, sort_keys=True, indent=1).encode())
    return data


def cached_npy(path: Path, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """The array stored at ``path`` (``.npy``), computed and stored first if missing."""
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        pass
    array = compute()
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    atomic_write_bytes(path, buffer.getvalue())
    return array
