"""Generate ``sentences.tsv``: the evaluation data of the ``minilm-embed`` workload.

The data is SYNTHETIC and WRITTEN BY THIS PROJECT (Tourney): every sentence comes from the
templates and word lists below, filled by a seeded random generator. No text is copied from
any corpus, so the file may be shipped and changed freely under the project's licence.

Each row is a sentence and its paraphrase (same meaning, different wording), produced by the
same template with three devices:

* synonym substitution: every slot value is a pair ``(sentence wording, paraphrase wording)``;
* clause reordering: the paraphrase template puts the clauses in another order;
* active/passive: many paraphrase templates turn an active sentence into a passive one.

Twelve topic groups (the ``group`` column), four templates each: a short one, a conditional or
causal one, a question and a long one (most long sentences exceed 32 word-piece tokens, so the
``seq32`` variant truncates them). Columns: ``id``, ``group``, ``sentence``, ``paraphrase``;
UTF-8, tab-separated, ``\\n`` line ends, rows shuffled by the same seed.

Regenerate (byte-for-byte reproducible)::

    python workloads/data/make_sentences.py            # writes workloads/data/sentences.tsv
    python workloads/data/make_sentences.py --out FILE
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # the topic modules beside this script

from sentence_group import Group, Pair
from topics_culture import EDUCATION, GARDENING, HISTORY, MUSIC
from topics_everyday import COOKING, SPORTS, TRAVEL, WEATHER
from topics_knowledge import FINANCE, HEALTH, SCIENCE, TECHNOLOGY

SEED = 20240607
ROWS = 640
HEADER = ("id", "group", "sentence", "paraphrase")
DEFAULT_OUT = Path(__file__).with_name("sentences.tsv")

_SLOT = re.compile(r"{([a-z_]+?)(\d*)\[[01]\]}")


GROUPS = (
    WEATHER,
    COOKING,
    TRAVEL,
    SCIENCE,
    SPORTS,
    FINANCE,
    HEALTH,
    TECHNOLOGY,
    HISTORY,
    MUSIC,
    GARDENING,
    EDUCATION,
)


def _as_pair(value: str | Pair) -> Pair:
    return (value, value) if isinstance(value, str) else value


def _draw(group: Group, template: Pair, rng: random.Random) -> Pair:
    """Fill one template pair; ``name2`` slots take a value different from ``name``."""
    wanted = sorted({m.groups() for t in template for m in _SLOT.finditer(t)})
    counts: dict[str, int] = {}
    for name, _ in wanted:
        counts[name] = counts.get(name, 0) + 1
    drawn = {name: rng.sample(group.slots[name], k) for name, k in counts.items()}
    values = {f"{name}{suffix}": _as_pair(drawn[name].pop()) for name, suffix in wanted}
    sentence, paraphrase = (t.format(**values) for t in template)
    return _capitalise(sentence), _capitalise(paraphrase)


def _capitalise(text: str) -> str:
    return text[0].upper() + text[1:]


def _group_rows(group: Group, count: int, rng: random.Random, seen: set[str]) -> list[Pair]:
    """``count`` distinct (sentence, paraphrase) pairs, templates taken in turn."""
    rows: list[Pair] = []
    turn = 0
    while len(rows) < count:
        template = group.templates[turn % len(group.templates)]
        turn += 1
        for _ in range(100):
            sentence, paraphrase = _draw(group, template, rng)
            if sentence not in seen and paraphrase not in seen:
                seen.update((sentence, paraphrase))
                rows.append((sentence, paraphrase))
                break
        if turn > 100 * count:
            raise RuntimeError(f"group {group.name} has too few distinct sentences")
    return rows


def generate(rows: int = ROWS, seed: int = SEED) -> list[tuple[str, str, str]]:
    """(group, sentence, paraphrase) rows: groups filled evenly, then shuffled."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[tuple[str, str, str]] = []
    for i, group in enumerate(GROUPS):
        count = rows // len(GROUPS) + (1 if i < rows % len(GROUPS) else 0)
        out += [(group.name, s, p) for s, p in _group_rows(group, count, rng, seen)]
    rng.shuffle(out)
    return out


def render(rows: int = ROWS, seed: int = SEED) -> str:
    """The TSV text: header, then ``id, group, sentence, paraphrase`` per row."""
    lines = ["\t".join(HEADER)]
    for i, (group, sentence, paraphrase) in enumerate(generate(rows, seed)):
        fields = (str(i), group, sentence, paraphrase)
        if any(c in f for f in fields for c in "\t\n\r"):
            raise ValueError(f"row {i} contains a tab or a line break")
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the TSV file (default: next to this script)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output TSV path")
    args = parser.parse_args(argv)
    args.out.write_bytes(render().encode("utf-8"))
    print(f"wrote {ROWS} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
