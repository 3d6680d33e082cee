"""Export a round's results: CSV and Parquet tables, or MLPerf-style summary texts.

Formats are :class:`~tournament.export.base.Exporter` classes declared as ``tourney.exporters``
entry points (:data:`EXPORTERS`).
"""

from __future__ import annotations

from pathlib import Path

from tournament.errors import UserError
from tournament.export.base import Exporter
from tournament.plugins import Registry
from tournament.store.contract import StoreReader

EXPORTERS: Registry[Exporter] = Registry("tourney.exporters", Exporter, kind="exporter")
"""Exporters by format name (entry-point group ``tourney.exporters``)."""


def formats() -> list[str]:
    """Registered format names (built-ins first, each distribution's sorted)."""
    return EXPORTERS.names()


def _exporter(fmt: str) -> Exporter:
    if fmt not in EXPORTERS:
        raise UserError(f"format: expected one of {', '.join(formats())}, got {fmt!r}.")
    return EXPORTERS.get(fmt)


def default_output(round_name: str, fmt: str) -> Path:
    """Where format ``fmt`` writes without an output: ``ROUND.csv``, ``ROUND.parquet``, the
    folder ``ROUND-mlperf`` ... in the working directory."""
    return _exporter(fmt).default_output(round_name)


def export_round(
    store: StoreReader, round_name: str, fmt: str, output: Path | None = None
) -> list[Path]:
    """Write round ``round_name``'s results as ``fmt``; the files written.

    Raises:
        UserError: an unknown format.
        NotFoundError: no such round.
        PluginError: the format's plugin does not load.
    """
    from tournament.rounds.lifecycle import require_round

    exporter = _exporter(fmt)
    require_round(store, round_name)
    return exporter.write(store, round_name, output or exporter.default_output(round_name))


__all__ = ["EXPORTERS", "Exporter", "default_output", "export_round", "formats"]
