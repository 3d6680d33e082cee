"""``HardwareMachines.measure``: a measured copy of this host's spec; another host refused."""

from __future__ import annotations

import pytest

from hardware.machine import MachineSpec
from hardware.source import HardwareMachines
from tournament.errors import UserError


def test_another_hosts_spec_is_refused_in_one_sentence(small_spec: MachineSpec) -> None:
    other = small_spec.model_copy(update={"cpu_model": "Imaginary CPU 9000"})
    with pytest.raises(UserError) as info:
        HardwareMachines().measure(other)
    (sentence,) = info.value.problems
    assert sentence.startswith("machine 'test-vm' is registered with cpu_model 'Imaginary CPU")
    assert sentence.endswith("measure it on its own host.")


def test_this_host_is_measured_at_its_threads() -> None:
    source = HardwareMachines()
    detected = source.detect("here")
    measured = source.measure(detected, max_age_s=86_400)  # the session's kept measurement
    assert measured.measured is not None
    assert measured.measured.threads == detected.cpu_threads
    assert measured.model_copy(update={"measured": None}) == detected  # nothing else changes
