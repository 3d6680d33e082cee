"""Content hashes of models, artifacts and cache keys (deterministic across processes)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tournament.hashing import sha256_of

if TYPE_CHECKING:
    import torch


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_json(material: dict[str, Any]) -> str:
    """:func:`tournament.hashing.sha256_of` of ``material``, values JSON cannot represent
    (versions, paths) written as their ``str``."""
    return sha256_of(material, default=str)


def state_dict_bytes(module: torch.nn.Module) -> bytes:
    """``torch.save(module.state_dict())`` as bytes (deterministic for the same weights)."""
    import torch

    buffer = io.BytesIO()
    torch.save(module.state_dict(), buffer)
    return buffer.getvalue()


def weights_sha256(module: torch.nn.Module) -> str:
    """Hash of the architecture (``repr``) and every state-dict tensor's name, dtype and bytes.

    Independent of pickle details, so it is a stable cache key for an fp32 model.
    """
    import torch

    digest = hashlib.sha256(f"{type(module).__qualname__}\n{module!r}\n".encode())
    for name, value in sorted(module.state_dict().items()):
        tensor = value.detach().cpu().contiguous().reshape(-1)
        digest.update(f"{name}:{tensor.dtype}:{tuple(value.shape)}\n".encode())
        digest.update(tensor.view(torch.uint8).numpy().data)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def files_sha256(paths: list[Path]) -> tuple[str, int]:
    """Hash and total size of an artifact made of ``paths`` (a model and its external data).

    One file: the sha256 of its bytes. Several: the sha256 of ``"<name>\\t<sha256>\\n"`` lines
    in name order.
    """
    ordered = sorted(paths, key=lambda p: p.name)
    size = sum(p.stat().st_size for p in ordered)
    if len(ordered) == 1:
        return file_sha256(ordered[0]), size
    lines = "".join(f"{p.name}\t{file_sha256(p)}\n" for p in ordered)
    return sha256_bytes(lines.encode()), size
