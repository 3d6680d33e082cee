"""Rendering mutated documents as YAML or JSON bytes, with raw tokens spliced in."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml

_RAW = "RAWTOKENPLACEHOLDER{}X"


def render(doc: Any, fmt: str, raw: dict[str, str] | None = None) -> bytes:
    """``doc`` as YAML or JSON; each ``raw`` placeholder value is replaced by its raw text.

    ``raw`` maps placeholders made by :func:`raw_token` to the text that must appear verbatim
    (``1e309``, ``.nan``, an unescaped control character, ...).
    """
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=False)
    else:
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1 << 30)
    for token, value in (raw or {}).items():
        text = text.replace(f'"{token}"', value).replace(f"'{token}'", value)
        text = text.replace(token, value)
    return text.encode("utf-8", "surrogatepass")


def raw_token(raw: dict[str, str], value: str) -> str:
    """A placeholder string for ``value``, registered in ``raw``."""
    token = _RAW.format(len(raw))
    raw[token] = value
    return token


def with_value(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with the dotted ``path`` set to ``value`` (parents created)."""
    doc = copy.deepcopy(base)
    *parents, leaf = path.split(".")
    node = doc
    for key in parents:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[leaf] = value
    return doc


def without(base: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """A deep copy of ``base`` without the dotted ``paths``."""
    doc = copy.deepcopy(base)
    for path in paths:
        *parents, leaf = path.split(".")
        node = doc
        for key in parents:
            node = node[key]
        node.pop(leaf, None)
    return doc


def nested(depth: int, leaf: Any = 1, *, lists: bool = True) -> Any:
    """A value ``depth`` containers deep (lists, or mappings with key ``k``)."""
    value = leaf
    for _ in range(depth):
        value = [value] if lists else {"k": value}
    return value
