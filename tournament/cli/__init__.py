"""The ``tourney`` command line."""

from __future__ import annotations

from tournament.cli.app import app, main

__all__ = ["app", "main"]
