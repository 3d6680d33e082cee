"""A topic group of the ``minilm-embed`` sentence generator (see ``make_sentences.py``)."""

from __future__ import annotations

from dataclasses import dataclass

Pair = tuple[str, str]


@dataclass(frozen=True)
class Group:
    """A topic: word lists (slot name -> values) and (sentence, paraphrase) template pairs.

    A value is a plain string (same in both) or a ``(sentence, paraphrase)`` pair; a template
    uses ``{slot[0]}`` for the sentence wording and ``{slot[1]}`` for the paraphrase wording.
    ``{city2[0]}`` draws a second, different value from the ``city`` list.
    """

    name: str
    slots: dict[str, list[str | Pair]]
    templates: list[Pair]
