"""Document-level hostile inputs: encodings, sizes, YAML features, JSON syntax, junk, paths.

These apply to any document kind; the defect is in the bytes or the path, not in one field.
Payloads that would run code write marker files under ``mark_dir``; the tests check that none
appears.
"""

from __future__ import annotations

import os
import pickle
import random
from pathlib import Path
from typing import Any

from hostile_corpus import BASES, Case, Generator, Pending
from hostile_render import render

MAX_BYTES = 64 * 1024
UTF8 = r"^file: (not valid UTF-8 \(byte \d+\)|contains NUL bytes; expected text)\.$"
TOO_BIG = r"^file: \d+ bytes is over the 65536-byte limit\.$"
ALIAS = r"invalid YAML: YAML (anchors|aliases) \([&*]name\) are not allowed"
TAG = r"invalid YAML: (could not determine a constructor for the tag|YAML tags \()"
YAML_SYNTAX = r"^(line \d+|document): invalid YAML: "
JSON_SYNTAX = r"^document: invalid JSON: |^file: contains NUL bytes"
NOT_MAPPING = (
    r"^document: expected a mapping of fields, got \w+\.$|required field is missing"
    r"|^line \d+: invalid YAML: "
)
INVALID_BYTES = [
    b"\x80", b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xf4\x90\x80\x80",
    b"\xe2\x82", b"\xfe\xff", b"\xc3", b"\xa0\xa1", b"\xe0\x80\x80",
]  # fmt: skip
MAGIC = [
    b"\x7fELF\x02\x01\x01", b"\x89PNG\r\n\x1a\n", b"\x1f\x8b\x08\x00", b"PK\x03\x04",
    b"%PDF-1.7\n", b"SQLite format 3\x00", b"\xca\xfe\xba\xbe", b"\x00asm\x01\x00\x00\x00",
    b"\x80\x05\x95", b"MZ\x90\x00",
]  # fmt: skip
YAML_BROKEN = [
    "team: 'unclosed\n", 'name: "unclosed\n', "workload: [a, b\n", "runtime: {a: 1\n",
    "  bad: indent\n  worse\n", "\tteam: tab-indented\n", "key: : value\n", "- a\nb: c\n",
    'team: "\\q"\n', "@reserved: 1\n", "`tick: 1\n", "team: &\n", "team: *\n", "]\n", "}\n",
    "team: x\n  y: z\n", "? |\n  block key\n: [\n", "{a: 1}}\n", "[1, 2]]\n",
    "'a': 'b': 'c'\n", "team: >\n x\n  - y\n:\n",
]  # fmt: skip
YAML_WHOLE = [
    "%YAML 2.0\n---\n", "%YAML 1.1\n%YAML 1.1\n---\n", "%FOO bar\n%YAML 1.1\n--- [\n",
    "--- |\n  text\n--- x\n",
]  # fmt: skip
JSON_TRAILERS = [" x", "}", ",", "{}", '\n{"a": 1}', " // c", " /* c */", "]", "\x00", " null"]
JSON_BROKEN = [
    '{"team": "t",}', "{'team': 't'}", '{team: 1}', '{"batch_size": True}', '{"a": None}',
    '{"batch_size": 0x10}', '{"batch_size": 01}', '{"batch_size": +1}', '{"batch_size": .5}',
    '// c\n{"team": "t"}', '{"team": "t"', '{"team" "t"}', '{"a": [1, 2}', '{"a": "\\x41"}',
'{"a": undefined}', '["a",]', '{"a": 1} {"b": 2}',
]  # fmt: skip
EMPTY = [
    "", " ", "\n" * 1000, "---\n", "---\n...\n", "...\n", "# only a comment\n", "null\n", "~\n",
    "{}\n", "[]\n", '""\n', "0\n", "true\n", "- - -\n", "'team: t'\n",
]  # fmt: skip
KEY_TYPES = ["1: x\n", "~: x\n", "true: x\n", "1.5: x\n", "? [a, b]\n: x\n", "? {a: 1}\n: x\n",
             "2026-01-01: x\n", "null: x\n", "0x1F: x\n"]  # fmt: skip
SUFFIXES = ["txt", "py", "pkl", "pickle", "exe", "sh", "yaml.bak", "json~", "", "yaml.txt",
            "yaml ", "yml.", "jsonl", "YAML.gz", "yaml\u200b", "toml"]  # fmt: skip
CONTROL_NAMES = ["new\nline", "carriage\rreturn", "esc\x1b[31mred", "tab\tname", "del\x7f",
                 "rtl\u202eevil", "sep\u2028arator", "bell\x07"]  # fmt: skip


def _base(kind: str, fmt: str = "yaml") -> bytes:
    return render(BASES[kind], fmt)


def non_utf8(rng: random.Random, kind: str) -> list[Case]:
    """Other encodings and invalid UTF-8 byte sequences anywhere in the file."""
    doc = {**BASES[kind], "description": "café naïve © “quoted”"}
    cases = []
    for encoding in (
        "latin-1",
        "cp1252",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "utf-32-be",
        "cp500",
    ):
        for fmt in ("yaml", "json"):
            text = render(doc, fmt).decode()
            body = text.encode(encoding, "replace")
            cases.append(Case("non-utf8", UTF8, body, ext=fmt))
    for _ in range(30):
        body = _base(kind)
        at = rng.randrange(len(body) + 1)
        body = body[:at] + rng.choice(INVALID_BYTES) + body[at:]
        cases.append(Case("non-utf8", UTF8, body))
    return cases


def oversize(rng: random.Random, kind: str) -> list[Case]:
    """Files over the 64 KiB limit: padded, long values, junk; sparse files of 1 GiB, 1 TiB."""
    cases = []
    for size in (MAX_BYTES + 1, MAX_BYTES + 100, 2 * MAX_BYTES, 1 << 20, 4 << 20):
        base = _base(kind)
        for filler in (b"# padding\n", b"x", b"\x00"):
            body = base + filler * ((size - len(base)) // len(filler) + 1)
            cases.append(Case("oversize", TOO_BIG, body[:size]))
    doc = {**BASES[kind], "description": "y" * MAX_BYTES}
    cases.append(Case("oversize", TOO_BIG, render(doc, "json"), ext="json"))
    cases += [Case("oversize", TOO_BIG, special=f"sparse:{n}") for n in (1 << 30, 1 << 40)]
    return cases


def alias_bombs(rng: random.Random, kind: str) -> list[Case]:
    """Billion-laughs documents of several depths and fan-outs, and any anchor or alias."""
    cases = []
    for depth in range(2, 11):
        fanout = rng.randint(2, 10)
        lines = ['a0: &a0 "lol"']
        for level in range(1, depth + 1):
            refs = ", ".join([f"*a{level - 1}"] * fanout)
            lines.append(f"a{level}: &a{level} [{refs}]")
        cases.append(Case("alias-bomb", ALIAS, ("\n".join(lines) + "\n").encode()))
    base = _base(kind).decode()
    first_key = next(iter(BASES[kind]))
    for snippet in (
        f"{first_key}_copy: *x\n",
        "anchored: &x 1\n",
        "merged:\n  <<: *x\n",
        "*x : 1\n",
        "list: [&x 1, *x]\n",
        "deep: {a: {b: &x [1]}}\n",
    ):
        cases.append(Case("alias-bomb", ALIAS, (base + snippet).encode()))
    cases.append(Case("alias-bomb", ALIAS, b"&top\nteam: t\n"))
    cases.append(Case("alias-bomb", ALIAS, b"*top\n"))
    return cases


class Payload:
    """Pickles to a call of ``os.system`` (never unpickled by the code under test)."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.system, (self.command,))


def code_payloads(mark_dir: Path) -> Generator:
    """Python tags, tag directives and pickles that would create a marker file if run."""

    def generate(rng: random.Random, kind: str) -> list[Case]:
        cases = []
        for i, template in enumerate(TAG_TEMPLATES):
            marker = mark_dir / f"{kind}-tag-{i}"
            payload = template.format(m=marker)
            for where in ("top", "field", "nested", "key"):
                cases.append(Case("python-tag", TAG, _place(kind, payload, where).encode()))
        for i, protocol in enumerate((0, 2, 5)):
            body = pickle.dumps(Payload(f"touch {mark_dir / f'{kind}-pickle-{i}'}"), protocol)
            for ext in ("yaml", "json", "pkl"):
                cases.append(Case("pickle", "", body, ext=ext))
        return cases

    return generate


TAG_TEMPLATES = [
    '!!python/object/apply:os.system ["touch {m}"]',
    "!!python/object/apply:builtins.exec [\"open('{m}', 'w')\"]",
    '!!python/object/new:subprocess.Popen [["touch", "{m}"]]',
    '!!python/object/apply:subprocess.check_call [["touch", "{m}"]]',
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:argparse.Namespace {{path: {m}}}",
    '!<tag:yaml.org,2002:python/object/apply:os.system> ["touch {m}"]',
    "!!python/tuple [1, 2]",
    "!ruby/object:Set {{i: x}}",
    "!include {m}",
    "!env HOME",
    "!!merge {{a: 1}}",
]


def _place(kind: str, payload: str, where: str) -> str:
    base = _base(kind).decode()
    if where == "top":
        return payload + "\n"
    if where == "field":
        return base + f"extra: {payload}\n"
    if where == "nested":
        return base + f"extra:\n  inner:\n    - {payload}\n"
    return base + f"? {payload}\n: 1\n"


def tag_directives(mark_dir: Path) -> Generator:
    """``%TAG`` directives that abbreviate Python tags; standard YAML tags in typed fields."""

    def generate(rng: random.Random, kind: str) -> list[Case]:
        marker = mark_dir / f"{kind}-directive"
        text = (
            f"%TAG !p! tag:yaml.org,2002:python/\n---\n{_base(kind).decode()}"
            f'extra: !p!object/apply:os.system ["touch {marker}"]\n'
        )
        cases = [Case("python-tag", TAG, text.encode())]
        name_field = next(iter(BASES[kind]))
        for tag_value in (
            "!!set {a}",
            "!!timestamp 2001-12-14",
            "!!omap [a: 1]",
            "!!pairs [a: 1]",
            "!!int 5",
            "!!float 1.5",
            "!!seq [a]",
            "!!map {a: 1}",
        ):
            doc = render({**BASES[kind], name_field: "TAGGED"}, "yaml").decode()
            body = doc.replace("TAGGED", tag_value)
            expect = rf"^{name_field}: |invalid YAML: YAML tags \("
            cases.append(Case("yaml-std-tag", expect, body.encode()))
        doc = render({**BASES[kind], name_field: "TAGGED"}, "yaml").decode()
        body = doc.replace("TAGGED", "!!binary aGVsbG8tdGVhbQ==")
        cases.append(Case("yaml-std-tag", TAG, body.encode(), pending=Pending.TAGS_ACCEPTED))
        return cases

    return generate


def yaml_syntax(rng: random.Random, kind: str) -> list[Case]:
    """Broken YAML: quotes, brackets, indentation, tabs, directives, several documents."""
    base = _base(kind).decode()
    cases = [Case("yaml-syntax", YAML_SYNTAX, (base + line).encode()) for line in YAML_BROKEN]
    cases += [Case("yaml-syntax", YAML_SYNTAX, (line + base).encode()) for line in YAML_WHOLE]
    cases.append(Case("yaml-syntax", YAML_SYNTAX, f"---\n{base}---\n{base}".encode()))
    cases += [
        Case("key-type", r"keys must be strings|invalid YAML", (base + k).encode())
        for k in KEY_TYPES
    ]
    return cases


def json_syntax(rng: random.Random, kind: str) -> list[Case]:
    """Broken JSON: trailing garbage, comments, trailing commas, Python literals, quotes."""
    base = _base(kind, "json").decode()
    cases = [
        Case("json-syntax", JSON_SYNTAX, (base + t).encode(), ext="json") for t in JSON_TRAILERS
    ]
    cases += [Case("json-syntax", JSON_SYNTAX, t.encode(), ext="json") for t in JSON_BROKEN]
    return cases


def empty_documents(rng: random.Random, kind: str) -> list[Case]:
    """Empty, blank, comment-only, null, scalar, list and empty-mapping documents."""
    cases = [Case("empty-or-scalar", NOT_MAPPING, text.encode()) for text in EMPTY]
    for text in ("", "null", "{}", "[]", '"x"', "1", "true"):
        expect = NOT_MAPPING + r"|^document: invalid JSON: Expecting value"
        cases.append(Case("empty-or-scalar", expect, text.encode(), ext="json"))
    return cases


def byte_order_marks(rng: random.Random, kind: str) -> list[Case]:
    """Byte-order marks: before JSON, doubled in YAML, in the middle, and UTF-16/32 marks."""
    bom = "\ufeff"
    json_base, yaml_base = _base(kind, "json").decode(), _base(kind).decode()
    return [
        Case(
            "bom",
            r"^document: invalid JSON: Unexpected UTF-8 BOM",
            (bom + json_base).encode(),
            ext="json",
        ),
        Case("bom", r"unknown field|required field is missing", (bom * 2 + yaml_base).encode()),
        Case("bom", r"unknown field", (yaml_base + bom + "extra: 1\n").encode()),
        Case("bom", r"unknown field", (bom + yaml_base + "bom_extra: 1\n").encode()),
        Case("bom", UTF8, b"\xff\xfe" + yaml_base.encode("utf-16-le")),
        Case("bom", UTF8, b"\x00\x00\xfe\xff" + yaml_base.encode("utf-32-be")),
        Case("bom", UTF8, b"\xef\xbb" + yaml_base.encode()),
    ]


def binary_junk(rng: random.Random, kind: str) -> list[Case]:
    """Random bytes, file-format magic numbers, NUL runs and random valid-UTF-8 text."""
    cases = [
        Case(
            "binary-junk", "", rng.randbytes(rng.randint(1, 8192)), ext=rng.choice(("yaml", "json"))
        )
        for _ in range(40)
    ]
    cases += [Case("binary-junk", "", magic + rng.randbytes(200)) for magic in MAGIC]
    cases += [Case("binary-junk", UTF8, b"\x00" * n) for n in (1, 100, 4096)]
    alphabet = "ab:-[]{}&*!|>'\"#%@`, \n\t?~é€😀\u202e\\"
    for _ in range(30):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 400)))
        cases.append(Case("text-junk", "", text.encode(), ext=rng.choice(("yaml", "json"))))
    return cases


def wrong_paths(rng: random.Random, kind: str) -> list[Case]:
    """Wrong suffixes, directories, missing files, dangling and looping symlinks."""
    suffix = r"^file: expected a \.yaml, \.yml or \.json file\.$"
    cases = [Case("wrong-suffix", suffix, _base(kind), ext=ext) for ext in SUFFIXES]
    cases += [
        Case("not-a-file", r"^file: expected a file, got a directory\.$", special="dir"),
        Case("not-a-file", r"^file: no such file\.$", special="missing"),
        # Symbolic links are never followed (a link could point anywhere): refused as links.
        Case("not-a-file", r"^file: is a symbolic link; .+\.$", special="dangling"),
        Case("not-a-file", r"^file: is a symbolic link; .+\.$", special="loop"),
    ]
    cases += [
        # A pipe with no writer: opened without blocking, refused on its descriptor.
        Case("not-a-file", r"^file: expected a regular file", special="fifo"),
        # A link to /dev/zero (endless bytes): refused as a link, never read.
        Case("not-a-file", r"^file: is a symbolic link; .+\.$", special="zero"),
    ]
    return cases


def control_file_names(rng: random.Random, kind: str) -> list[Case]:
    """File names with line breaks, escape sequences and other controls (printed raw today)."""
    body = _base(kind) + b"extra_field: 1\n"
    return [
        Case(
            "control-file-name",
            "unknown field",
            body,
            pending=Pending.RAW_FILE_NAMES,
            name=f"{kind}-{i}-{name}.yaml",
        )
        for i, name in enumerate(CONTROL_NAMES)
    ]


def wrong_kind(rng: random.Random, kind: str) -> list[Case]:
    """The other kind's valid document (a round given as a submission and vice versa)."""
    other = "round" if kind == "submission" else "submission"
    return [
        Case(
            "wrong-kind",
            r"unknown field|required field is missing",
            render(BASES[other], fmt),
            ext=fmt,
        )
        for fmt in ("yaml", "json")
    ]


def document_generators(mark_dir: Path) -> list[Generator]:
    """The document-level generators, in corpus order."""
    return [
        non_utf8,
        oversize,
        alias_bombs,
        code_payloads(mark_dir),
        tag_directives(mark_dir),
        yaml_syntax,
        json_syntax,
        empty_documents,
        byte_order_marks,
        binary_junk,
        wrong_paths,
        control_file_names,
        wrong_kind,
    ]
