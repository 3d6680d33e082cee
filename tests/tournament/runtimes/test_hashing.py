from __future__ import annotations

import torch

from tournament.runtimes.hashing import sha256_json, state_dict_bytes, weights_sha256
from tournament.workloads.base import Workload


def test_weights_hash_is_stable_and_sensitive(tiny_cnn: Workload) -> None:
    first, second = tiny_cnn.build("small"), tiny_cnn.build("small")
    assert weights_sha256(first) == weights_sha256(second)
    with torch.no_grad():
        dict(second.named_parameters())["head.2.bias"][0] += 1e-6
    assert weights_sha256(first) != weights_sha256(second)


def test_weights_hash_covers_the_architecture(tiny_cnn: Workload, tiny_embed: Workload) -> None:
    assert weights_sha256(tiny_cnn.build("small")) != weights_sha256(tiny_embed.build("small"))


def test_state_dict_bytes_are_deterministic(tiny_embed: Workload) -> None:
    assert state_dict_bytes(tiny_embed.build("small")) == state_dict_bytes(
        tiny_embed.build("small")
    )


def test_json_hash_ignores_key_order() -> None:
    assert sha256_json({"a": 1, "b": [1, 2]}) == sha256_json({"b": [1, 2], "a": 1})
    assert sha256_json({"a": 1}) != sha256_json({"a": 2})
