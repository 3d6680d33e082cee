"""Results: the one typed result model, owned by the core.

* :class:`Estimate`: a figure with its interval, unit and provenance.
* :data:`METRICS`: the metric table every column, label and objective is derived from.
* :class:`Quality` and :func:`gate`: the accuracy gate, honouring the metric's direction.
* :class:`Result`: what one measured run produced (frozen; plain data across processes).
"""

from __future__ import annotations

from tournament.results.estimate import Estimate, IntervalKind, Provenance
from tournament.results.metrics import BY_NAME, METRICS, Direction, Metric, Per, metric
from tournament.results.quality import Quality, gate, quality_ratio
from tournament.results.result import Artifact, Pricing, Result

__all__ = [
    "BY_NAME",
    "METRICS",
    "Artifact",
    "Direction",
    "Estimate",
    "IntervalKind",
    "Metric",
    "Per",
    "Pricing",
    "Provenance",
    "Quality",
    "Result",
    "gate",
    "metric",
    "quality_ratio",
]
