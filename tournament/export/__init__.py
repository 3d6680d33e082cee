"""Export a round's results: CSV and Parquet tables, or MLPerf-style summary texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tournament.errors import UserError

FORMATS = ("csv", "parquet", "mlperf")


def default_output(round_name: str, fmt: str) -> Path:
    """``ROUND.csv``, ``ROUND.parquet`` or the folder ``ROUND-mlperf`` in the working dir."""
    return Path(f"{round_name}-mlperf" if fmt == "mlperf" else f"{round_name}.{fmt}")


def export_round(store: Any, round_name: str, fmt: str, output: Path | None = None) -> list[Path]:
    """Write round ``round_name``'s results as ``fmt``; the files written.

    Raises:
        UserError: an unknown format.
        NotFoundError: no such round.
    """
    from tournament.rounds.lifecycle import require_round
    from tournament.rounds.load import stored_spec

    if fmt not in FORMATS:
        raise UserError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}.")
    row = require_round(store, round_name)
    output = output or default_output(round_name, fmt)
    if fmt == "mlperf":
        from tournament.export.mlperf import write_summaries

        spec = stored_spec(row)
        targets = {w: next(iter(r.target_ratios.values())) for w, r in spec.workloads.items()}
        return write_summaries(store, round_name, output, targets)
    from tournament.export.table import round_frame

    frame = round_frame(store, round_name)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(output, index=False)
    else:
        frame.to_parquet(output, index=False)
    return [output]


__all__ = ["FORMATS", "default_output", "export_round"]
