from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from tournament.errors import UserError
from workloads import minilm_embed
from workloads._minilm_model import pretrained, tokenize
from workloads.minilm_embed import MiniLMEmbed, model_dir


def test_class_attributes_and_registry() -> None:
    from tournament import workloads

    w = workloads.get("minilm-embed")
    assert isinstance(w, MiniLMEmbed)
    assert w.variants == ("seq32", "seq128")
    assert w.metric.name == "cosine_to_fp32" and w.metric.higher_is_better
    assert w.input_names("seq32") == ["input_ids", "attention_mask"]


def test_unknown_variant_is_a_user_error() -> None:
    with pytest.raises(UserError, match="variant must be one of seq32, seq128"):
        MiniLMEmbed().eval_set("seq64")


def test_pooling_configuration_of_the_shipped_model_is_mean_then_normalize() -> None:
    root = Path(model_dir())
    pooling = json.loads((root / "1_Pooling" / "config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    modules = json.loads((root / "modules.json").read_text())
    assert modules[-1]["type"].endswith("Normalize")


def test_embedding_equals_mean_pooling_computed_by_hand() -> None:
    texts = ["A short one.", "Another sentence, a little longer than the first one."]
    feed = tokenize(model_dir(), texts, 32)
    ids, mask = torch.from_numpy(feed["input_ids"]), torch.from_numpy(feed["attention_mask"])
    with torch.inference_mode():
        got = MiniLMEmbed().build("seq32")(ids, mask).numpy()
        hidden = pretrained(model_dir())(input_ids=ids, attention_mask=mask).last_hidden_state
    for row in range(len(texts)):
        n_tokens = int(feed["attention_mask"][row].sum())
        mean = hidden[row, :n_tokens].numpy().astype(np.float64).mean(axis=0)
        expected = mean / np.linalg.norm(mean)
        np.testing.assert_allclose(got[row], expected, atol=1e-5)
    assert got.shape == (2, 384) and got.dtype == np.float32


def test_build_returns_an_independent_copy() -> None:
    w = MiniLMEmbed()
    first, second = w.build("seq32"), w.build("seq32")
    assert not first.training
    with torch.no_grad():
        next(first.parameters()).zero_()
    assert next(second.parameters()).abs().sum() > 0
    assert next(pretrained(model_dir()).parameters()).abs().sum() > 0


def test_calibration_and_evaluation_rows_are_disjoint_and_laid_out_as_documented() -> None:
    cal = MiniLMEmbed().calibration_set("seq32")
    n_cal = minilm_embed.N_CALIBRATION
    n_eval = len(minilm_embed.load_pairs()) - n_cal
    eval_rows = minilm_embed._row_info("eval")
    # seq32 truncation makes 3 calibration rows token-identical to evaluation rows: dropped
    assert len(cal) == 2 * n_cal - 3 and len(eval_rows["sentence_id"]) == 2 * n_eval
    assert set(eval_rows["sentence_id"]).isdisjoint(cal.extra["sentence_id"])
    assert list(cal.extra["sentence_id"][[0, -1]]) == [0, n_cal - 1]
    assert cal.extra["is_paraphrase"][0] == 0 and cal.extra["is_paraphrase"][-1] == 1
    assert list(eval_rows["is_paraphrase"][[0, n_eval - 1, n_eval, -1]]) == [0, 0, 1, 1]
    assert set(cal.inputs) == {"input_ids", "attention_mask"}
    assert all(v.dtype == np.int64 and v.shape == (len(cal), 32) for v in cal.inputs.values())
    eval_feed, eval_sha = minilm_embed._feed("seq32", "eval")
    cal_rows = {r.tobytes() for r in cal.inputs["input_ids"]}
    assert cal_rows.isdisjoint(r.tobytes() for r in eval_feed["input_ids"])
    assert eval_sha != cal.sha256
    texts = [p.sentence for p in minilm_embed.load_pairs()[n_cal : n_cal + 2]]
    assert np.array_equal(eval_feed["input_ids"][:2], tokenize(model_dir(), texts, 32)["input_ids"])


def test_some_sentences_are_truncated_at_32_tokens() -> None:
    mask32 = minilm_embed._feed("seq32", "eval")[0]["attention_mask"]
    mask128 = minilm_embed._feed("seq128", "eval")[0]["attention_mask"]
    longer = mask128.sum(axis=1) > 32
    assert 0.1 <= longer.mean() <= 0.5
    assert np.all(mask32[longer].sum(axis=1) == 32)
    assert mask128.sum(axis=1).max() < 128


def test_sample_inputs_cycle_over_the_eval_rows() -> None:
    w = MiniLMEmbed()
    rows = minilm_embed._feed("seq32", "eval")[0]["input_ids"]
    sample = w.sample_inputs("seq32", len(rows) + 3)
    assert sample["input_ids"].dtype == np.int64
    assert np.array_equal(sample["input_ids"][: len(rows)], rows)
    assert np.array_equal(sample["input_ids"][len(rows) :], rows[:3])
    assert np.array_equal(w.sample_inputs("seq32", 5)["input_ids"], sample["input_ids"][:5])


@pytest.mark.slow
def test_eval_set_labels_are_the_built_model_outputs() -> None:
    w = MiniLMEmbed()
    ev = w.eval_set("seq32")  # computes (or loads) the fp32 reference of all rows
    assert ev.labels.shape == (len(ev), 384) and ev.labels.dtype == np.float32
    assert ev.sha256 == w.fingerprint("seq32")["dataset_sha256"]
    rows = np.r_[0:4, len(ev) - 4 : len(ev)]
    with torch.inference_mode():
        out = w.build("seq32")(
            torch.from_numpy(ev.inputs["input_ids"][rows]),
            torch.from_numpy(ev.inputs["attention_mask"][rows]),
        ).numpy()
    np.testing.assert_allclose(out, ev.labels[rows], atol=1e-5)


@pytest.mark.slow
def test_quality_of_the_reference_is_one_and_perturbed_outputs_score_lower() -> None:
    w = MiniLMEmbed()
    labels = w.eval_set("seq32").labels
    assert w.reference_quality("seq32") == pytest.approx(1.0, abs=1e-12)
    noisy = labels + np.random.default_rng(0).normal(0, 0.02, labels.shape).astype(np.float32)
    noisy_quality = w.quality("seq32", noisy)
    assert 0.9 < noisy_quality < 1.0
    assert w.quality("seq32", np.roll(labels, 1, axis=0)) < 0.7
    with pytest.raises(ValueError, match="shape"):
        w.quality("seq32", labels[:10])


@pytest.mark.slow
def test_paraphrase_retrieval_of_fp32_is_high_and_shuffling_breaks_it() -> None:
    w = MiniLMEmbed()
    labels = w.eval_set("seq32").labels
    top1 = w.task_metrics("seq32", labels)["paraphrase_top1"]
    print(f"minilm-embed seq32: fp32 paraphrase retrieval top-1 = {top1:.4f}")
    assert top1 >= 0.85
    n = len(labels) // 2
    shuffled = np.concatenate([labels[:n], np.roll(labels[n:], 7, axis=0)])
    assert w.task_metrics("seq32", shuffled)["paraphrase_top1"] < 0.1


def test_flops_match_a_hand_count_of_the_matmuls() -> None:
    config = json.loads((Path(model_dir()) / "config.json").read_text())
    d, ff, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]

    def hand_count(length: int) -> int:
        projections = length * (4 * d * d + 2 * d * ff)  # q, k, v, output; feed-forward
        attention = 2 * length * length * d  # scores and weighted values
        return 2 * (layers * (projections + attention) + d * d)  # + pooler; 2 flops per MAC

    w = MiniLMEmbed()
    seq32 = w.flops_per_sample("seq32")
    assert 0.3e9 <= seq32 <= 1.5e9
    assert seq32 == hand_count(32)
    assert w.flops_per_sample("seq128") == hand_count(128)
    print(f"minilm-embed FLOPs per sample: seq32 {seq32 / 1e9:.4f} G")


def test_fingerprint_is_stable_and_hashes_the_model_files() -> None:
    from workloads._hashing import sha256_file, sha256_text

    w = MiniLMEmbed()
    fp = w.fingerprint("seq32")
    assert set(fp) == {"model_sha256", "dataset_sha256", "calibration_sha256"}
    assert fp == w.fingerprint("seq32")
    root = Path(model_dir())
    direct = sha256_text(*(f"{n}:{sha256_file(root / n)}" for n in minilm_embed.MODEL_FILES))
    assert fp["model_sha256"] == direct
    assert fp["dataset_sha256"] != w.fingerprint("seq128")["dataset_sha256"]


@pytest.mark.slow
def test_the_built_module_exports_to_onnx_with_a_dynamic_batch(tmp_path: Path) -> None:
    import onnxruntime as ort

    w = MiniLMEmbed()
    feed = w.sample_inputs("seq32", 5)
    model = w.build("seq32")
    path = tmp_path / "minilm.onnx"
    args = tuple(torch.from_numpy(feed[k][:2]) for k in w.input_names("seq32"))
    axes = {name: {0: "batch"} for name in [*w.input_names("seq32"), "output"]}
    torch.onnx.export(
        model,
        args,
        str(path),
        input_names=w.input_names("seq32"),
        output_names=w.output_names("seq32"),
        dynamic_axes=axes,
        dynamo=False,
    )
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, feed)
    with torch.inference_mode():
        expected = model(*(torch.from_numpy(feed[k]) for k in w.input_names("seq32"))).numpy()
    assert out.shape == (5, 384)
    np.testing.assert_allclose(out, expected, atol=1e-4)
