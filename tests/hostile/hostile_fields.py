"""Field-level mutations of a valid submission or round: one defect per file, at a known path.

Each generator takes the seeded random generator and the kind (``submission`` or ``round``)
and returns :class:`~hostile_corpus.Case` objects whose ``expect`` names the field path.
"""

from __future__ import annotations

import random
import re
import string
from pathlib import Path
from typing import Any

from hostile_corpus import BASES, Case, Generator, Pending
from hostile_field_tables import (
    FIELDS,
    FORMATS,
    HOSTILE_NAMES,
    HUGE,
    MAX_LENGTH,
    NAMES,
    NESTED_UNKNOWN,
    OUT_OF_RANGE,
    RAW_HUGE,
    REGISTRY,
    REGISTRY_TEXT,
    REQUIRED,
    SPECIALS,
    UNKNOWN_KEYS,
    WRONG,
)
from hostile_render import nested, raw_token, render, with_value, without


def _at(path: str) -> str:
    """An expectation: a problem about ``path`` (or a child of it)."""
    return rf"^{re.escape(path)}[.:]"


def _case(
    category: str,
    expect: str,
    doc: Any,
    fmt: str,
    raw: dict[str, str] | None = None,
    pending: str = "",
) -> Case:
    return Case(category, expect, render(doc, fmt, raw), ext=fmt, pending=pending)


def wrong_types(rng: random.Random, kind: str) -> list[Case]:
    """Every field given values of other types."""
    cases = []
    for path, kind_of in FIELDS[kind].items():
        for value in WRONG[kind_of]:
            fmt = rng.choice(FORMATS)
            cases.append(_case("wrong-type", _at(path), with_value(BASES[kind], path, value), fmt))
    return cases


def out_of_range(rng: random.Random, kind: str) -> list[Case]:
    """Numbers out of bounds, unknown enum values, lists too long, inconsistent rules."""
    return [
        _case(
            "out-of-range",
            _at(where[0] if where else path),
            with_value(BASES[kind], path, value),
            fmt,
        )
        for path, value, *where in OUT_OF_RANGE[kind]
        for fmt in FORMATS
    ]


def registry_names(rng: random.Random, kind: str) -> list[Case]:
    """Names that are not registered (import paths, typos) and impossible combinations."""
    cases = []
    for path, update, *pending in REGISTRY[kind]:
        doc = {**BASES[kind], **update}
        fmt = rng.choice(FORMATS)
        cases.append(_case("registry", _at(path), doc, fmt, pending="".join(pending)))
    return cases


def missing_fields(rng: random.Random, kind: str) -> list[Case]:
    """Required fields left out: each alone, random pairs, and all of them."""
    required = REQUIRED[kind]
    groups = [[f] for f in required] + [rng.sample(required, 2) for _ in range(4)] + [required]
    return [
        _case("missing-field", _at(group[0]), without(BASES[kind], group), fmt)
        for group in groups
        for fmt in FORMATS
    ]


def unknown_keys(rng: random.Random, kind: str) -> list[Case]:
    """Keys the schema does not have: typos, look-alikes, junk, random names, nested ones."""
    keys = [*UNKNOWN_KEYS, *(_random_key(rng) for _ in range(20))]
    cases = [
        _case(
            "unknown-key",
            r"unknown field|extra inputs|not permitted",
            {**BASES[kind], key: rng.choice([1, "x", None, [1], {"a": 1}])},
            "json",
        )
        for key in keys
    ]
    for path in NESTED_UNKNOWN[kind]:
        cases += [
            _case("unknown-key", _at(path), with_value(BASES[kind], path, 1), fmt)
            for fmt in FORMATS
        ]
    many = {**BASES[kind], **{f"unknown_{i}": i for i in range(1500)}}
    cases.append(_case("unknown-key", r"unknown field|extra inputs", many, "yaml"))
    return cases


def _random_key(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits + "_-"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))


def huge_numbers(rng: random.Random, kind: str) -> list[Case]:
    """Integers far out of range, floats that overflow to infinity or underflow to zero."""
    numeric = [p for p, t in FIELDS[kind].items() if t in {"int", "float"}]
    integers = [p for p, t in FIELDS[kind].items() if t == "int"]
    cases = [
        _case("huge-number", _at(path), with_value(BASES[kind], path, value), rng.choice(FORMATS))
        for path in numeric
        for value in HUGE
    ]
    for fmt, texts in RAW_HUGE.items():
        for text in texts:
            raw: dict[str, str] = {}
            path = rng.choice(integers)
            doc = with_value(BASES[kind], path, raw_token(raw, text))
            cases.append(_case("huge-number", _at(path), doc, fmt, raw))
    digits = "9" * 4400
    for fmt in FORMATS:
        raw = {}
        doc = with_value(BASES[kind], numeric[0], raw_token(raw, digits))
        pending = Pending.YAML_AS_JSON if fmt == "yaml" else ""
        cases.append(
            _case("huge-number", r"^document: invalid " + fmt.upper(), doc, fmt, raw, pending)
        )
    return cases


def nan_and_infinity(rng: random.Random, kind: str) -> list[Case]:
    """NaN and infinities in numeric fields, text fields, lists and unknown keys."""
    fields = [*FIELDS[kind], "extra_key"]
    cases = []
    for fmt, texts in SPECIALS.items():
        for text in texts:
            for path in rng.sample(fields, 4):
                raw: dict[str, str] = {}
                value: Any = raw_token(raw, text)
                if rng.random() < 0.3:
                    value = [value]
                doc = with_value(BASES[kind], path, value)
                expect = r"expected a finite number|invalid JSON: -?(NaN|Infinity) is not allowed"
                cases.append(_case("nan-inf", expect, doc, fmt, raw))
    for key in ("a\nb", "\x1b[2Jclear", "two words", "\u202eevil"):
        for fmt, text in (("json", "1e999"), ("yaml", ".nan")):
            raw = {}
            doc = {**BASES[kind], key: raw_token(raw, text)}
            expect = r'^"[^"]*": expected a finite number'
            cases.append(_case("nan-inf", expect, doc, fmt, raw, Pending.RAW_CHECK_KEYS))
    return cases


def deep_nesting(rng: random.Random, kind: str) -> list[Case]:
    """Values nested deeper than the loader's limit, up to what would blow the stack."""
    cases = []
    for depth in (9, 10, 12, 16, 32, 64, 100):
        for fmt in FORMATS:
            path = rng.choice(list(FIELDS[kind]))
            doc = with_value(BASES[kind], path, nested(depth, lists=rng.random() < 0.5))
            cases.append(_case("deep-nesting", r"nested deeper than 8 levels", doc, fmt))
    for depth, fmt in ((500, "yaml"), (1_000, "yaml"), (1_000, "json"), (30_000, "json")):
        raw: dict[str, str] = {}
        doc = {**BASES[kind], "description": raw_token(raw, "[" * depth + "]" * depth)}
        pending = Pending.YAML_AS_JSON if fmt == "yaml" else ""
        expect = rf"^document: (invalid {fmt.upper()}: maximum recursion|nested deeper than 8)"
        cases.append(_case("deep-nesting", expect, doc, fmt, raw, pending))
    return cases


def hostile_names(rng: random.Random, kind: str) -> list[Case]:
    """Names with path separators, control characters, look-alikes, shell and markup."""
    cases = []
    for path in NAMES[kind] + REGISTRY_TEXT[kind]:
        for value in HOSTILE_NAMES:
            is_list = FIELDS[kind][path] == "strings"
            doc = with_value(BASES[kind], path, [value] if is_list else value)
            cases.append(_case("hostile-name", _at(path), doc, rng.choice(FORMATS)))
    raw_surrogate = {"SURROGATETOKEN": '"\\ud800"'}
    doc = with_value(BASES[kind], NAMES[kind][0], "SURROGATETOKEN")
    cases.append(_case("hostile-name", _at(NAMES[kind][0]), doc, "json", raw_surrogate))
    for value in ("a\x01b", "\x1b[31mred", "tab\there", "del\x7f"):
        path = NAMES[kind][0]
        raw: dict[str, str] = {}
        token = raw_token(raw, '"' + value + '"')
        doc = with_value(BASES[kind], path, token)
        expect = rf"^document: invalid JSON: Invalid control character|{_at(path)}"
        cases.append(_case("hostile-name", expect, doc, "json", raw))
        yaml_raw = {token: value}
        pending = "" if value.startswith("tab") else Pending.READER_LINES
        expect = r"^document: invalid YAML: unacceptable character|^line \d+: invalid YAML"
        cases.append(_case("hostile-name", expect, doc, "yaml", yaml_raw, pending))
    return cases


def long_strings(rng: random.Random, kind: str) -> list[Case]:
    """Strings past their length limits, up to just under the file size limit."""
    texts = [p for p, t in FIELDS[kind].items() if t in {"name", "text"}]
    cases = []
    for path in texts:
        limit = MAX_LENGTH.get((kind, path), 64)
        for length in (limit + 1, 4 * limit, 30_000, 60_000):
            doc = with_value(BASES[kind], path, rng.choice("xyz") * length)
            cases.append(_case("long-string", _at(path), doc, rng.choice(FORMATS)))
    return cases


def duplicate_keys(rng: random.Random, kind: str) -> list[Case]:
    """The same key twice: top level, nested, differently quoted; YAML and JSON."""
    cases = []
    top = [k for k in BASES[kind] if not isinstance(BASES[kind][k], dict)]
    for key in rng.sample(top, min(6, len(top))):
        for quote in ("", "'", '"'):
            text = render(BASES[kind], "yaml").decode() + f"{quote}{key}{quote}: other\n"
            cases.append(Case("duplicate-key", f"duplicate key '{key}'", text.encode()))
        body = render(BASES[kind], "json").decode()
        text = '{"' + key + '": "other", ' + body[1:]
        cases.append(Case("duplicate-key", f"duplicate key '{key}'", text.encode(), ext="json"))
    parent = next(k for k, v in BASES[kind].items() if isinstance(v, dict))
    child = next(iter(BASES[kind][parent]))
    text = render({parent: BASES[kind][parent]}, "yaml").decode()
    nested_dup = text + f"  {child}: 3\n"
    cases.append(Case("duplicate-key", f"duplicate key '{child}'", nested_dup.encode()))
    return cases


def field_generators(mark_dir: Path) -> list[Generator]:
    """The field-level generators, in corpus order."""
    return [
        wrong_types,
        out_of_range,
        registry_names,
        missing_fields,
        unknown_keys,
        huge_numbers,
        nan_and_infinity,
        deep_nesting,
        hostile_names,
        long_strings,
        duplicate_keys,
    ]
