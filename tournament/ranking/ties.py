"""Ties: entries whose 95 % confidence intervals overlap are not ordered.

The rule, precisely:

1. Sort the entries by value, best first (descending when higher is better); equal values keep
   their input order.
2. The first entry leads group 1 and gets rank 1.
3. Walk down the sorted list. An entry whose CI overlaps its current group *leader's* CI
   (closed intervals: ``low_a <= high_b and low_b <= high_a``) joins that group and gets the
   leader's rank. Otherwise it leads a new group, whose rank is its 1-based position in the
   sorted list (competition ranking: 1, 1, 3, ...).

An entry is compared with the leader only, so a group never grows by chains of overlaps
(``A ~ B`` and ``B ~ C`` but not ``A ~ C`` puts C in a new group). A missing CI bound counts
as the value itself (a zero-width interval).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tournament.harness.stats import cis_overlap


def tie_groups(
    values: Sequence[float],
    ci_lows: Sequence[float | None],
    ci_highs: Sequence[float | None],
    higher_is_better: bool,
) -> list[int]:
    """The rank of each entry (input order) under the rule of this module.

    Raises:
        ValueError: the sequences differ in length, or a value is NaN.
    """
    n = len(values)
    if not len(ci_lows) == len(ci_highs) == n:
        raise ValueError("values, ci_lows and ci_highs must have the same length")
    if any(math.isnan(v) for v in values):
        raise ValueError("values contain NaN")
    lows = [float(v if lo is None else lo) for v, lo in zip(values, ci_lows, strict=True)]
    highs = [float(v if hi is None else hi) for v, hi in zip(values, ci_highs, strict=True)]
    sign = -1.0 if higher_is_better else 1.0
    order = sorted(range(n), key=lambda i: (sign * values[i], i))
    ranks = [0] * n
    leader: int | None = None
    for position, i in enumerate(order, start=1):
        if leader is not None and cis_overlap((lows[leader], highs[leader]), (lows[i], highs[i])):
            ranks[i] = ranks[leader]
        else:
            leader, ranks[i] = i, position
    return ranks
