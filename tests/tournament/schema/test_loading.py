"""Safe loading: size, encoding, aliases, duplicates, NaN, depth, top-level type."""

from __future__ import annotations

from pathlib import Path

import pytest

from tournament.errors import UserError
from tournament.schema.loading import MAX_BYTES, load_document


def err(path: Path) -> str:
    with pytest.raises(UserError) as info:
        load_document(path)
    (line,) = info.value.problems
    return line


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_yaml_and_json_load_the_same(tmp_path: Path) -> None:
    y = load_document(write(tmp_path, "a.yaml", "team: t\nbatch_size: 4\n"))
    j = load_document(write(tmp_path, "a.json", '{"team": "t", "batch_size": 4}'))
    assert y == j == {"team": "t", "batch_size": 4}


def test_alias_bomb_refused(tmp_path: Path) -> None:
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    assert "anchors" in err(write(tmp_path, "b.yaml", bomb))


def test_python_tags_refused(tmp_path: Path) -> None:
    line = err(write(tmp_path, "t.yaml", "team: !!python/object/apply:os.system ['true']\n"))
    assert line.startswith("line 1: invalid YAML") or line.startswith("document: invalid YAML")


def test_duplicate_keys_refused(tmp_path: Path) -> None:
    assert "duplicate key 'team'" in err(write(tmp_path, "d.yaml", "team: a\nteam: b\n"))
    assert "duplicate key 'team'" in err(write(tmp_path, "d.json", '{"team":1,"team":2}'))


def test_nan_and_infinity_refused(tmp_path: Path) -> None:
    assert "finite" in err(write(tmp_path, "n.yaml", "batch_size: .nan\n"))
    assert "finite" in err(write(tmp_path, "n.json", '{"batch_size": NaN}'))
    assert "finite" in err(write(tmp_path, "i.yaml", "batch_size: .inf\n"))


def test_non_utf8_refused(tmp_path: Path) -> None:
    assert "UTF-8" in err(write(tmp_path, "u.yaml", b"team: \xff\xfe\n"))


def test_oversized_file_refused(tmp_path: Path) -> None:
    assert "limit" in err(write(tmp_path, "big.yaml", "a: " + "x" * MAX_BYTES))


def test_deep_nesting_refused(tmp_path: Path) -> None:
    deep = "[" * 50 + "]" * 50
    assert "nested deeper" in err(write(tmp_path, "deep.json", '{"a": ' + deep + "}"))


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    assert "expected a mapping" in err(write(tmp_path, "l.yaml", "- 1\n- 2\n"))


def test_wrong_extension_and_missing_file(tmp_path: Path) -> None:
    assert "expected a .yaml" in err(write(tmp_path, "x.txt", "a: 1"))
    assert "no such file" in err(tmp_path / "absent.yaml")
