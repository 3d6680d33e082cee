"""Safe loading of user documents (YAML or JSON): data only, bounded, no surprises.

Rejected with one sentence each: symbolic links (not followed: a link could point anywhere),
paths that are not regular files (pipes, devices; opened once, without blocking), files
over :data:`MAX_BYTES`, bytes that are not UTF-8, YAML anchors/aliases and explicit tags (no
alias bombs, no object construction), duplicate keys, NaN/infinity, nesting deeper than
:data:`MAX_DEPTH`, and a top level that is not a mapping. Every sentence is one line: user keys
in field paths are quoted when they are not plain names (see :func:`path_segment`).
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from tournament.errors import UserError

MAX_BYTES = 64 * 1024
MAX_DEPTH = 8
_PLAIN = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


def path_segment(part: Any) -> str:
    """A field-path segment: plain names as they are, anything else JSON-quoted (30 chars)."""
    text = str(part)
    return text if _PLAIN.match(text) else json.dumps(text[:30])


def one_line(text: object) -> str:
    """``text`` with every run of whitespace (line breaks included) made one space."""
    return " ".join(str(text).split())


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and duplicate keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not allowed in Tourney documents",
                problem_mark=event.start_mark,
            )
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.MarkedYAMLError(
                problem="YAML anchors (&name) are not allowed in Tourney documents",
                problem_mark=event.start_mark,
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise yaml.MarkedYAMLError(
                problem=f"YAML tags ({one_line(tag)[:60]}) are not allowed in Tourney documents",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise yaml.MarkedYAMLError(
                    problem=f"keys must be strings, got {key!r}", problem_mark=key_node.start_mark
                )
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _no_float_specials(value: Any, where: str = "") -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise UserError(f"{where or 'value'}: expected a finite number, got {value}.")


def _check_tree(value: Any, depth: int = 0, where: str = "") -> None:
    if depth > MAX_DEPTH:
        raise UserError(f"{where or 'document'}: nested deeper than {MAX_DEPTH} levels.")
    if isinstance(value, dict):
        for key, item in value.items():
            segment = path_segment(key)
            _check_tree(item, depth + 1, f"{where}.{segment}" if where else segment)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_tree(item, depth + 1, f"{where}.{i}" if where else str(i))
    else:
        _no_float_specials(value, where)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _bad_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed; expected a finite number")


def parse_document(text: str, *, fmt: str) -> dict[str, Any]:
    """Parse ``text`` as ``fmt`` ("yaml" or "json"); a mapping or :class:`UserError`."""
    try:
        if fmt == "json":
            data = json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_bad_constant)
        else:
            data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}" if mark is not None else "document"
        raise UserError(f"{where}: invalid YAML: {one_line(exc.problem)}.") from None
    except yaml.YAMLError as exc:
        raise UserError(f"document: invalid YAML: {one_line(exc)}.") from None
    except RecursionError:
        raise UserError(f"document: nested deeper than {MAX_DEPTH} levels.") from None
    except ValueError as exc:
        raise UserError(f"document: invalid {fmt.upper()}: {one_line(exc)}.") from None
    if not isinstance(data, dict):
        raise UserError(f"document: expected a mapping of fields, got {type(data).__name__}.")
    _check_tree(data)
    return data


def _read_bounded(path: Path) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_BYTES`, opened once.

    The file is opened before anything is checked (no check-then-open race), without
    following a symbolic link (``O_NOFOLLOW``) and without blocking (``O_NONBLOCK``: a pipe
    with no writer opens at once), then checked on the open descriptor (``fstat``).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UserError(
                "file: is a symbolic link; give the file it points to (links are not followed)."
            ) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(str(path))
        if not stat.S_ISREG(mode):
            raise UserError("file: expected a regular file, got a pipe, socket or device.")
        raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            size = max(len(raw), os.fstat(fd).st_size)
            raise UserError(f"file: {size} bytes is over the {MAX_BYTES}-byte limit.")
    return raw


def load_document(path: str | Path) -> dict[str, Any]:
    """Read and parse a YAML (``.yaml``/``.yml``) or JSON (``.json``) file safely."""
    path = Path(path)
    if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
        raise UserError("file: expected a .yaml, .yml or .json file.")
    try:
        raw = _read_bounded(path)
    except FileNotFoundError:
        raise UserError("file: no such file.") from None
    except IsADirectoryError:
        raise UserError("file: expected a file, got a directory.") from None
    except OSError as exc:
        raise UserError(f"file: cannot be read ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"file: not valid UTF-8 (byte {exc.start}).") from None
    if "\x00" in text:
        raise UserError("file: contains NUL bytes; expected text.")
    return parse_document(text, fmt="json" if path.suffix.lower() == ".json" else "yaml")
