"""The built-in exporters: CSV and Parquet tables, MLPerf-style summary texts."""

from __future__ import annotations

from pathlib import Path

from tournament.export.base import Exporter
from tournament.store.contract import StoreReader


class Csv(Exporter):
    name = "csv"
    description = "One table of every result with the round's ranking columns (CSV)."

    def write(self, store: StoreReader, round_name: str, output: Path) -> list[Path]:
        from tournament.export.table import round_frame

        output.parent.mkdir(parents=True, exist_ok=True)
        round_frame(store, round_name).to_csv(output, index=False)
        return [output]


class Parquet(Exporter):
    name = "parquet"
    description = "The same table as Parquet."

    def write(self, store: StoreReader, round_name: str, output: Path) -> list[Path]:
        from tournament.export.table import round_frame

        output.parent.mkdir(parents=True, exist_ok=True)
        round_frame(store, round_name).to_parquet(output, index=False)
        return [output]


class Mlperf(Exporter):
    name = "mlperf"
    description = "One MLPerf LoadGen-style mlperf_log_summary.txt per result."

    def default_output(self, round_name: str) -> Path:
        """The folder ``ROUND-mlperf``."""
        return Path(f"{round_name}-mlperf")

    def write(self, store: StoreReader, round_name: str, output: Path) -> list[Path]:
        from tournament.export.mlperf import write_summaries
        from tournament.rounds.lifecycle import require_round
        from tournament.rounds.load import stored_spec

        spec = stored_spec(require_round(store, round_name))
        targets = {w: next(iter(r.target_ratios.values())) for w, r in spec.workloads.items()}
        return write_summaries(store, round_name, output, targets)
