"""The exporter contract: one round's results written in one format."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from tournament.store.contract import StoreReader


class Exporter(ABC):
    """Writes a round's results as files (``tourney export ROUND --format NAME``).

    Contract:
    * ``write`` only reads the store (the round exists: the caller checked) and returns every
      file it wrote, creating the folders it needs under ``output``.
    * ``default_output`` is where the files go when the user names no output (relative to the
      working directory).
    """

    name: str
    description: str

    def default_output(self, round_name: str) -> Path:
        """``ROUND.<name>`` in the working directory."""
        return Path(f"{round_name}.{self.name}")

    @abstractmethod
    def write(self, store: StoreReader, round_name: str, output: Path) -> list[Path]:
        """Write round ``round_name``'s results to ``output``; the files written."""
