"""sha256 helpers shared by the workloads: bytes, files and named arrays."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np


def sha256_bytes(chunks: Iterable[bytes]) -> str:
    """sha256 of the concatenation of ``chunks``, each prefixed by its length (unambiguous)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "little"))
        digest.update(chunk)
    return digest.hexdigest()


def sha256_text(*parts: str) -> str:
    """sha256 of UTF-8 strings, combined as :func:`sha256_bytes` does."""
    return sha256_bytes(part.encode() for part in parts)


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_arrays(arrays: Mapping[str, np.ndarray]) -> str:
    """sha256 of named arrays: names (sorted), dtypes, shapes and C-order bytes."""
    chunks: list[bytes] = []
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        chunks += [name.encode(), array.dtype.str.encode(), repr(array.shape).encode()]
        chunks.append(array.tobytes())
    return sha256_bytes(chunks)


def source_sha256(*module_files: str) -> str:
    """sha256 of Python source files (pass ``__file__`` of the modules a cache depends on)."""
    return sha256_bytes(Path(f).read_bytes() for f in module_files)
