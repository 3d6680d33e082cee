from __future__ import annotations

import torch

from workloads._torch_tools import count_flops, deterministic_torch


def test_deterministic_scope_restores_threads_flags_and_rng() -> None:
    threads = torch.get_num_threads()
    det = torch.are_deterministic_algorithms_enabled()
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    with deterministic_torch(seed=5):
        assert torch.get_num_threads() == 1
        assert torch.are_deterministic_algorithms_enabled()
        inside = torch.rand(3)
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == det
    assert torch.equal(torch.rand(3), expected)  # the caller's RNG stream is untouched
    with deterministic_torch(seed=5):
        assert torch.equal(torch.rand(3), inside)


def test_count_flops_of_a_linear_layer_is_two_macs() -> None:
    layer = torch.nn.Linear(20, 7)
    assert count_flops(layer, torch.zeros(4, 20)) == 2 * 4 * 20 * 7
