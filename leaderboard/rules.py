"""Rules groups: results are only ranked, compared or put on a frontier within one set of rules.

A result's *rules group* is :func:`tournament.store.aggregates.rules_key` of its rules (their
sha256 but the seed): results measured under quick rules and under full rules are in different
groups and never meet in one ranking. Each group is shown with a short description of its
rules (:func:`rules_label`), e.g. ``3 runs · min 1024 queries · 10 s`` or ``quick rules``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

KEY_COLUMN = "rules_key"
LABEL_COLUMN = "rules_label"
"""Columns of the results frame: each row's rules group and its description."""


def _filled(rules: Mapping[str, Any]) -> dict[str, Any]:
    """``rules`` with the defaults of :class:`~tournament.harness.base.Rules` for what they
    leave out (keys the model does not know are kept as they are)."""
    from tournament.harness.base import Rules

    defaults = Rules().model_dump()
    return {**defaults, **dict(rules)}


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    def but_seed(rules: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in rules.items() if k != "seed"}

    return but_seed(a) == but_seed(b)


def rules_label(rules: Mapping[str, Any]) -> str:
    """A short human description of ``rules``: ``quick rules (...)``, ``default rules (...)``
    or the runs, minimum queries and minimum duration they ask for (with ``contention not
    judged`` when any share of the CPUs may be taken by others)."""
    from tournament.harness.base import Rules

    filled = _filled(rules)
    runs = int(filled["runs"])
    core = (
        f"{runs} run{'s' if runs != 1 else ''} · min {int(filled['min_queries'])} queries · "
        f"{float(filled['min_duration_s']):g} s"
    )
    if float(filled.get("max_foreign_cpu_share", 0.0)) >= 1.0:
        core += " · contention not judged"
    if _same(filled, Rules.quick().model_dump()):
        return f"quick rules ({core})"
    if _same(filled, Rules().model_dump()):
        return f"default rules ({core})"
    return core


def labels(rules_by_key: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """One distinct label per rules key: :func:`rules_label`, with the key's first 6 hex digits
    added where two different rules sets would read the same."""
    plain = {key: rules_label(rules) for key, rules in rules_by_key.items()}
    counts: dict[str, int] = {}
    for text in plain.values():
        counts[text] = counts.get(text, 0) + 1
    return {
        key: text if counts[text] == 1 else f"{text} · #{key[:6]}" for key, text in plain.items()
    }


def groups(frame: pd.DataFrame) -> list[tuple[str, str, int]]:
    """The rules groups of ``frame``'s rows as ``(key, label, rows)``, most rows first (then by
    label)."""
    if frame.empty:
        return []
    counted = frame.groupby([KEY_COLUMN, LABEL_COLUMN], sort=False).size()
    found = [(str(k), str(label), int(n)) for (k, label), n in counted.items()]
    return sorted(found, key=lambda g: (-g[2], g[1]))


def most_common(frame: pd.DataFrame) -> str | None:
    """The rules key with the most rows of ``frame`` (None for an empty frame): what a page
    that shows one rules group opens on."""
    found = groups(frame)
    return found[0][0] if found else None


def in_group(frame: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """The rows of ``frame`` in rules group ``key`` (every row when ``key`` is None)."""
    return frame if key is None else frame[frame[KEY_COLUMN] == key]
