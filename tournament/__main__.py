"""``python -m tournament`` runs the ``tourney`` command line."""

from __future__ import annotations

from tournament.cli import main

main()
