"""A round's results as one table: every flat result column plus the round's ranking.

Rows are :func:`~tournament.store.records.flat_row` of the round's results (identity, then per
metric its value, interval bounds and provenance, from the metric table). When the round
is ranked, each result that represents its entry in a ranking group gets that group's
``accuracy_class``, ``rank``, ``tied``, ``pareto_rank``, ``valid_in_class`` and
``invalid_reason`` (one row per result and class); other results (repeats that were not the
median) appear once with those columns empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tournament.rounds.lifecycle import require_round
from tournament.store.contract import StoreReader
from tournament.store.records import flat_row

if TYPE_CHECKING:
    import pandas as pd

RANK_COLUMNS = ("accuracy_class", "rank", "tied", "pareto_rank", "valid_in_class", "invalid_reason")


def round_rows(store: StoreReader, name: str) -> list[dict[str, Any]]:
    """The round's results, oldest first, with ranking columns (see the module)."""
    row = require_round(store, name)
    records = sorted(store.results(round_name=name), key=lambda r: r.result_id)
    placed: dict[int, list[dict[str, Any]]] = {}
    for group in (row.ranking or {}).get("groups", []):
        for entry in group["entries"]:
            ranks = placed.setdefault(entry["result_id"], [])
            if any(r["accuracy_class"] == group["accuracy_class"] for r in ranks):
                continue  # entries sharing one result: its row names them in shared_with
            ranks.append(
                {
                    "accuracy_class": group["accuracy_class"],
                    "rank": entry["rank"],
                    "tied": entry["tied"],
                    "pareto_rank": entry["pareto_rank"],
                    "valid_in_class": entry["valid"],
                    "invalid_reason": entry["invalid_reason"],
                }
            )
    out = []
    for record in records:
        base = {
            "round_status": row.status.value,
            "round_spec_sha256": row.spec_sha256,
            **flat_row(record),
        }
        for placement in placed.get(record.result_id) or [dict.fromkeys(RANK_COLUMNS)]:
            out.append({**base, **placement})
    return out


def round_frame(store: StoreReader, name: str) -> pd.DataFrame:
    """:func:`round_rows` as a pandas DataFrame (datetimes as timezone-aware UTC)."""
    import pandas as pd

    return pd.DataFrame(round_rows(store, name))
