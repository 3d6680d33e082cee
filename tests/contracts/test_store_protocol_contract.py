"""The store contract, part 6: the implementations against the protocols themselves (methods
and signatures, by ``inspect``)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from tournament.store import Store
from tournament.store.contract import StoreReader, StoreWriter
from tournament.store.readonly import ReadOnlyStore

# == the implementations against the protocols ===================================================


def _protocol_methods(protocol: type) -> dict[str, Any]:
    """Public methods a protocol declares (its own and inherited)."""
    found: dict[str, Any] = {}
    for klass in reversed(protocol.__mro__):
        if klass is object or klass.__module__ == "typing":
            continue
        for attr, value in vars(klass).items():
            if not attr.startswith("_") and inspect.isfunction(value):
                found[attr] = value
    return found


def _public_methods(cls: type) -> set[str]:
    return {attr for attr in dir(cls) if not attr.startswith("_") and callable(getattr(cls, attr))}


IMPLEMENTS = [
    pytest.param(Store, StoreWriter, id="Store-StoreWriter"),
    pytest.param(ReadOnlyStore, StoreReader, id="ReadOnlyStore-StoreReader"),
]


@pytest.mark.parametrize(("cls", "protocol"), IMPLEMENTS)
def test_every_method_of_the_protocol_with_the_same_signature(cls: type, protocol: type) -> None:
    problems = []
    for attr, declared in _protocol_methods(protocol).items():
        implemented = getattr(cls, attr, None)
        if implemented is None:
            problems.append(f"{cls.__name__} has no {attr}")
            continue
        if inspect.signature(implemented) != inspect.signature(declared):
            problems.append(
                f"{cls.__name__}.{attr}{inspect.signature(implemented)} is not "
                f"{protocol.__name__}.{attr}{inspect.signature(declared)}"
            )
    assert not problems, "\n".join(problems)
    assert "url" in inspect.get_annotations(StoreReader)


def test_read_only_store_has_no_write_method() -> None:
    writes = set(_protocol_methods(StoreWriter)) - set(_protocol_methods(StoreReader))
    assert writes, "the writer protocol declares writes"
    assert not {attr for attr in writes if hasattr(ReadOnlyStore, attr)}
    assert _public_methods(ReadOnlyStore) <= set(_protocol_methods(StoreReader))


def test_store_writer_is_the_whole_store() -> None:
    """``StoreWriter``: "The whole store": Store has no public method the protocol lacks, so
    callers holding a StoreWriter can do everything (and nothing bypasses the contract)."""
    extra = _public_methods(Store) - set(_protocol_methods(StoreWriter))
    assert not extra, f"Store methods outside StoreWriter: {sorted(extra)}"
