"""The Rounds page: one line per round, and hypervolume across rounds.

A round's stored ranking (JSON written when it closes, see
:func:`tournament.rounds.standings.compute_ranking`) carries one hypervolume per frontier
(``{"hypervolume": {"digits-cnn/single-stream/local/99": 0.42, ...}}``); a single number
(``{"hypervolume": 0.42}``) is read too. Each frontier has its own reference point, so values
compare across rounds, not across frontiers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

OVERALL = "round"


@dataclass(frozen=True)
class HypervolumeSeries:
    """Hypervolume of each ranked round (x) per frontier name (one line each)."""

    rounds: list[str]
    lines: dict[str, list[float | None]]

    @property
    def points(self) -> int:
        """How many (round, frontier) values there are to draw."""
        return sum(v is not None for values in self.lines.values() for v in values)

    @property
    def log_scale(self) -> bool:
        """Whether the values span more than two decades (then a log axis shows them all)."""
        values = [v for line in self.lines.values() for v in line if v is not None and v > 0]
        return bool(values) and max(values) / min(values) > 100


def round_hypervolumes(ranking: dict[str, Any] | None) -> dict[str, float]:
    """The hypervolume(s) a stored ranking records, by frontier; empty when it has none."""
    value = (ranking or {}).get("hypervolume")
    if isinstance(value, int | float) and _number(value):
        return {OVERALL: float(value)}
    if isinstance(value, dict):
        return {str(k): float(v) for k, v in value.items() if _number(v)}
    return {}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def rounds_table(rounds: pd.DataFrame) -> pd.DataFrame:
    """What the Rounds page lists: status, schedule, dates, entries, results, hypervolume."""
    import pandas as pd

    table = pd.DataFrame(
        {
            "round": rounds["name"],
            "status": rounds["status"],
            "schedule": rounds["schedule"].fillna("manual"),
            "opened": rounds["opened_at"],
            "closed": rounds["closed_at"],
            "entries": rounds["entries"],
            "results": rounds["results"],
            "hypervolume": [_summary(round_hypervolumes(r)) for r in rounds["ranking"]],
        }
    )
    return table.reset_index(drop=True)


def _summary(values: dict[str, float]) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{next(iter(values.values())):.4g}"
    return f"{len(values)} frontiers"


def hypervolume_table(rounds: pd.DataFrame) -> pd.DataFrame:
    """One row per (round, frontier) with a stored hypervolume, in round order."""
    import pandas as pd

    rows = [
        {"round": name, "frontier": frontier, "hypervolume": value}
        for name, ranking in zip(rounds["name"], rounds["ranking"], strict=True)
        for frontier, value in sorted(round_hypervolumes(ranking).items())
    ]
    return pd.DataFrame(rows, columns=["round", "frontier", "hypervolume"])


def hypervolume_across_rounds(rounds: pd.DataFrame) -> HypervolumeSeries:
    """Hypervolume per frontier over the rounds that recorded one, in round order."""
    per_round = [
        (name, round_hypervolumes(ranking))
        for name, ranking in zip(rounds["name"], rounds["ranking"], strict=True)
    ]
    per_round = [(name, values) for name, values in per_round if values]
    keys = sorted({k for _, values in per_round for k in values})
    lines = {k: [values.get(k) for _, values in per_round] for k in keys}
    return HypervolumeSeries([name for name, _ in per_round], lines)


@dataclass(frozen=True)
class Volume:
    """One frontier's stored hypervolume with what it was measured against: its objectives,
    reference point (one value per objective, stored units) and the unit of the volume."""

    value: float
    objectives: tuple[str, ...]
    reference: tuple[float, ...]

    @property
    def unit(self) -> str:
        """The product of the objectives' units, e.g. ``ms x USD/M samples x ratio``."""
        from leaderboard.metrics import BY_NAME

        def unit(name: str) -> str:
            found = BY_NAME.get(name)
            if found is None:
                return name
            text = found.label  # stored units: the reference is in them too
            return text.rsplit("(", 1)[1].rstrip(")") if "(" in text else found.unit

        return " x ".join(unit(o) for o in self.objectives)

    def comparable(self, other: Volume) -> bool:
        """Whether two volumes were measured on the same objectives and reference point."""
        return self.objectives == other.objectives and self.reference == other.reference


def group_volumes(ranking: dict[str, Any] | None) -> dict[str, Volume]:
    """Per frontier of a stored ranking, its hypervolume with objectives and reference (the
    groups' own records); frontiers without them are left out."""
    out: dict[str, Volume] = {}
    for group in (ranking or {}).get("groups", []) or []:
        value, objectives = group.get("hypervolume"), group.get("objectives")
        reference = group.get("reference")
        if _number(value) and objectives and reference and len(objectives) == len(reference):
            out[str(group.get("frontier"))] = Volume(
                float(value), tuple(str(o) for o in objectives), tuple(float(r) for r in reference)
            )
    return out


def comparable_across_rounds(rounds: pd.DataFrame) -> HypervolumeSeries:
    """Hypervolume per frontier over the rounds, one line per frontier *and* reference: a
    frontier whose objectives or reference point changed between rounds gets a new line
    (``frontier [reference 2]``), never one line mixing incomparable values. Rounds that
    stored no objectives and reference fall back to :func:`hypervolume_across_rounds`."""
    per_round = [
        (name, group_volumes(ranking))
        for name, ranking in zip(rounds["name"], rounds["ranking"], strict=True)
    ]
    per_round = [(name, v) for name, v in per_round if v]
    if not per_round:
        return hypervolume_across_rounds(rounds)
    seen: dict[str, list[Volume]] = {}
    keyed: list[dict[str, float]] = []
    for _, volumes in per_round:
        row = {}
        for frontier, volume in volumes.items():
            refs = seen.setdefault(frontier, [])
            index = next((i for i, v in enumerate(refs) if v.comparable(volume)), None)
            if index is None:
                refs.append(volume)
                index = len(refs) - 1
            row[frontier if index == 0 else f"{frontier} [reference {index + 1}]"] = volume.value
        keyed.append(row)
    keys = sorted({k for row in keyed for k in row})
    lines = {k: [row.get(k) for row in keyed] for k in keys}
    return HypervolumeSeries([name for name, _ in per_round], lines)


def winners_table(rounds: pd.DataFrame) -> pd.DataFrame:
    """Per closed round and frontier: the winner(s) (rank 1; ``tied`` when several), the
    figure it was ranked on with its 95 % CI in shown units, how many entries were ranked and
    valid, the hypervolume with its unit and reference, and a link to the winner's entry
    page. Read from the stored ranking: nothing recomputed."""
    import pandas as pd

    from leaderboard.metrics import BY_NAME, ci_text, fmt, label
    from leaderboard.table import entry_link

    rows = []
    for name, ranking in zip(rounds["name"], rounds["ranking"], strict=True):
        volumes = group_volumes(ranking)
        for group in (ranking or {}).get("groups", []) or []:
            entries = group.get("entries", [])
            first = [e for e in entries if e.get("rank") == 1]
            primary = str(group.get("primary", ""))
            known = primary in BY_NAME
            top = first[0] if first else {}
            volume = volumes.get(str(group.get("frontier")))
            names = ", ".join(f"{e.get('team')}/{e.get('name')}" for e in first)
            rows.append(
                {
                    "round": name,
                    "frontier": group.get("frontier"),
                    "winner": (names + (" (tied)" if len(first) > 1 else "")) or "no valid entry",
                    "ranked on": label(primary) if known else primary,
                    "figure": fmt(primary, top.get("value")) if known and top else "",
                    "95% CI": ci_text(primary, top.get("ci_low"), top.get("ci_high"))
                    if known and top
                    else "",
                    "valid / entries": f"{sum(bool(e.get('valid')) for e in entries)} / "
                    f"{len(entries)}",
                    "hypervolume": "-" if volume is None else f"{volume.value:.4g} {volume.unit}",
                    "reference": "-"
                    if volume is None
                    else ", ".join(
                        f"{o} {r:g}"
                        for o, r in zip(volume.objectives, volume.reference, strict=True)
                    ),
                    "result": entry_link(top["result_id"]) if top.get("result_id") else None,
                }
            )
    return pd.DataFrame(rows)
