"""Tourney: an open tournament platform for the cost and efficiency of AI inference."""

from __future__ import annotations

__version__ = "0.1.0"
