"""The price catalogue: on-demand prices and power envelopes of common cloud instance types.

The data lives in ``hardware/catalog.yaml``. Every entry carries the date its price was read
(``price_date``) and the public pricing page it comes from (``source``); prices are not fetched
at run time and must be re-checked before use (see the file's header).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hardware._yaml import read_mapping, validate
from tournament.errors import NotFoundError, UserError

CATALOG_PATH = Path(__file__).with_name("catalog.yaml")


class CatalogEntry(BaseModel):
    """One instance type: price, size, and estimated power (per GPU for the GPU figures)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instance_type: str = Field(min_length=1, max_length=64)
    provider: Literal["aws", "gcp", "azure", "other"]
    region: str = Field(min_length=1, max_length=64)
    price_usd_per_hour: float = Field(ge=0, le=10_000)
    vcpus: int = Field(ge=1, le=8192)
    memory_gb: float = Field(gt=0)
    cpu_model: str = ""
    gpu: str | None = None
    gpu_count: int = Field(default=0, ge=0, le=64)
    gpu_memory_gb: float = Field(default=0, ge=0)
    cpu_idle_w: float = Field(ge=0)
    cpu_max_w: float = Field(gt=0)
    gpu_idle_w: float = Field(default=0, ge=0)
    gpu_max_w: float = Field(default=0, ge=0)
    price_date: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="When it was read.")
    source: str = Field(pattern=r"^https://", description="The public pricing page.")


def load_catalog(path: Path | str | None = None) -> dict[str, CatalogEntry]:
    """All entries of a catalogue file (default: the bundled one), by instance type.

    Raises:
        UserError: the file is unreadable or an entry is invalid (naming the entry and field).
    """
    if path is None:
        return dict(_bundled())
    return _load(Path(path))


@lru_cache(maxsize=1)
def _bundled() -> dict[str, CatalogEntry]:
    return _load(CATALOG_PATH)


def _load(path: Path) -> dict[str, CatalogEntry]:
    entries: dict[str, CatalogEntry] = {}
    problems: list[str] = []
    for name, fields in read_mapping(path).items():
        data = {"instance_type": str(name), **fields} if isinstance(fields, dict) else fields
        try:
            entries[str(name)] = validate(CatalogEntry, data, f"{path}: entry {name}")
        except UserError as exc:
            problems.extend(exc.problems)
    if problems:
        raise UserError(problems)
    return entries


def lookup(instance_type: str, *, path: Path | str | None = None) -> CatalogEntry:
    """The catalogue entry of ``instance_type`` (exact name, else case-insensitive).

    Raises:
        NotFoundError: unknown type; the message lists the known ones.
    """
    catalog = load_catalog(path)
    if instance_type in catalog:
        return catalog[instance_type]
    folded = {name.lower(): entry for name, entry in catalog.items()}
    if instance_type.lower() in folded:
        return folded[instance_type.lower()]
    known = ", ".join(sorted(catalog, key=str.lower))
    raise NotFoundError(
        f"instance_type {instance_type!r} is not in the price catalogue; known types: {known}."
    )
