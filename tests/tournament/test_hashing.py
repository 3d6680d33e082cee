"""The one canonical-JSON hash: its form is fixed, and every identity in Tourney uses it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tournament.hashing import canonical_json, sha256_of
from tournament.rounds.load import load_round_spec
from tournament.runtimes.hashing import sha256_json
from tournament.schema.validate import load_submission
from tournament.search import SearchSettings, SpaceSpec

REPO = Path(__file__).parents[2]
DATA = {"b": [1, 2.5, None], "a": "é", "c": {"z": True, "y": 1}}


def _by_hand(data: object, default: object = None) -> str:
    """The form every hash of Tourney has had: sorted keys, no whitespace, ASCII escapes."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=default)  # type: ignore[arg-type]
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_canonical_form_is_fixed() -> None:
    assert canonical_json(DATA) == '{"a":"\\u00e9","b":[1,2.5,null],"c":{"y":1,"z":true}}'
    assert sha256_of(DATA) == "4e564fc358fbed58f8da418ed6639acf3bca56d04f062b864a8fd925ade6c348"
    assert sha256_of({"c": {"y": 1, "z": True}, "a": "é", "b": [1, 2.5, None]}) == sha256_of(DATA)


def test_values_json_cannot_hold_need_an_explicit_default() -> None:
    with pytest.raises(TypeError):
        sha256_of({"path": Path("/x")})
    assert sha256_of({"path": Path("/x")}, default=str) == sha256_of({"path": "/x"})
    assert sha256_json({"path": Path("/x"), **DATA}) == _by_hand({"path": Path("/x"), **DATA}, str)


def test_submission_round_and_settings_hashes_are_the_canonical_hash() -> None:
    for path in sorted((REPO / "submissions" / "examples").iterdir()):
        sub = load_submission(path)
        assert sub.config_hash == sha256_of(sub.config()) == _by_hand(sub.config()), path
        assert sub.canonical_json() == canonical_json(sub.config())
    for path in sorted((REPO / "submissions" / "rounds").glob("*.yaml")):
        spec = load_round_spec(path)
        assert sha256_of(spec.to_json()) == _by_hand(spec.to_json()), path
    settings = SearchSettings(
        workload="digits-cnn", machines=("local",), space=SpaceSpec(variants=("small",))
    )
    assert settings.fingerprint() == _by_hand(settings.model_dump(mode="json"))
