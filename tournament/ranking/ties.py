"""Ties: entries whose 95 % confidence intervals overlap are not ordered.

The rule, precisely:

1. Sort the entries by value, best first (descending when higher is better); equal values keep
   their input order.
2. The first entry leads group 1 and gets rank 1.
3. Walk down the sorted list. An entry whose interval overlaps its current group *leader's*
   (:meth:`~tournament.results.Estimate.overlaps`: closed intervals,
   ``low_a <= high_b and low_b <= high_a``) joins that group and gets the leader's rank.
   Otherwise it leads a new group, whose rank is its 1-based position in the sorted list
   (competition ranking: 1, 1, 3, ...).

An entry is compared with the leader only, so a group never grows by chains of overlaps
(``A ~ B`` and ``B ~ C`` but not ``A ~ C`` puts C in a new group). A figure without an
interval counts as exact (a zero-width interval at its value).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tournament.results import Estimate


def tie_groups(estimates: Sequence[Estimate], higher_is_better: bool) -> list[int]:
    """The rank of each estimate (input order) under the rule of this module.

    Raises:
        ValueError: a value is NaN.
    """
    if any(math.isnan(e.value) for e in estimates):
        raise ValueError("values contain NaN")
    sign = -1.0 if higher_is_better else 1.0
    order = sorted(range(len(estimates)), key=lambda i: (sign * estimates[i].value, i))
    ranks = [0] * len(estimates)
    leader: int | None = None
    for position, i in enumerate(order, start=1):
        if leader is not None and estimates[leader].overlaps(estimates[i]):
            ranks[i] = ranks[leader]
        else:
            leader, ranks[i] = i, position
    return ranks
