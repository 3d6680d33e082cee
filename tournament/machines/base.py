"""The machine contracts: what the core reads of a machine, and where machines come from."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol


class Machine(Protocol):
    """A machine results are measured on, as the core reads it (a frozen value object).

    Units: power in W, prices in USD. ``cpu_threads`` are the logical CPUs available;
    ``cpu_idle_w``/``cpu_max_w`` the CPU's power envelope (the estimate meter's parameters).
    ``to_dict`` is plain JSON-able data (what the store keeps) that
    :meth:`MachineSource.parse` turns back into an equal machine.
    """

    @property
    def id(self) -> str: ...

    @property
    def instance_type(self) -> str | None: ...

    @property
    def cpu_model(self) -> str: ...

    @property
    def cpu_threads(self) -> int: ...

    @property
    def cpu_idle_w(self) -> float: ...

    @property
    def cpu_max_w(self) -> float: ...

    @property
    def price_usd_per_hour(self) -> float | None: ...

    @property
    def tariff_usd_per_kwh(self) -> float: ...

    @property
    def notes(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


class MachineSource(ABC):
    """Where machines come from: this host detected, a file read, stored data parsed.

    Contract:
    * ``detect`` describes the machine this process runs on; an unknown price is recorded as
      0 USD/h with a note saying so.
    * ``parse(machine.to_dict())`` equals ``machine``; ``parse`` and ``load`` raise
      :class:`~tournament.errors.UserError` with one sentence per problem, naming the file (or
      ``source``) and the field.
    * ``measure`` returns the machine with its peaks and memory bandwidth measured on this
      host; a source that cannot measure returns the machine as it is.
    * Nothing here touches the store.
    """

    @abstractmethod
    def detect(
        self,
        machine_id: str = "local",
        *,
        instance_type: str | None = None,
        price_usd_per_hour: float | None = None,
    ) -> Machine:
        """This machine, under the id ``machine_id``."""

    def measure(self, machine: Machine, *, max_age_s: float | None = None) -> Machine:
        """``machine`` with peaks and bandwidth measured on this host.

        Args:
            machine: the machine this host is (its CPU model must be this host's).
            max_age_s: a kept measurement of this host at most this old may be reused;
                None measures now.

        Raises:
            UserError: this host's CPU model is not ``machine``'s.
        """
        return machine

    @abstractmethod
    def load(self, path: Path) -> Machine:
        """A machine from a file."""

    @abstractmethod
    def parse(self, data: Mapping[str, Any], source: str = "machine spec") -> Machine:
        """A machine from plain data (as :meth:`Machine.to_dict` gives)."""
