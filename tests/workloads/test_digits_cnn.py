from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from tournament.errors import UserError
from workloads import digits_cnn
from workloads.digits_cnn import DigitsCNN


def _state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_class_attributes_and_registry() -> None:
    from tournament import workloads

    w = workloads.get("digits-cnn")
    assert isinstance(w, DigitsCNN)
    assert w.variants == ("small", "wide")
    assert w.metric.name == "top1_accuracy" and w.metric.higher_is_better
    assert w.input_names("small") == ["image"]


def test_import_and_instantiation_do_not_load_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from tournament import workloads\n"
        "for name in workloads.names(): workloads.get(name).variants\n"
        "print(sorted(m for m in ('torch', 'sklearn', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_split_is_stratified_disjoint_and_complete() -> None:
    split = digits_cnn._splits()
    idx = split.indices
    sizes = {k: len(v) for k, v in idx.items()}
    assert sizes == {"train": 1079, "calibration": 179, "test": 539}
    union = np.concatenate(list(idx.values()))
    assert len(np.unique(union)) == len(union) == 1797
    per_class = sum(np.bincount(split.labels[k], minlength=10) for k in idx)
    test = np.bincount(split.labels["test"], minlength=10)
    calibration = np.bincount(split.labels["calibration"], minlength=10)
    assert np.array_equal(test, np.round(per_class * 0.3))
    assert np.array_equal(calibration, np.round(per_class * 0.1))


def test_eval_and_calibration_sets() -> None:
    w = DigitsCNN()
    ev, cal = w.eval_set("small"), w.calibration_set("small")
    assert len(ev) == 539 and len(cal) == 179
    image = ev.inputs["image"]
    assert image.dtype == np.float32 and image.shape == (539, 1, 8, 8)
    assert image.min() >= 0.0 and image.max() <= 1.0
    assert ev.labels.dtype == np.int64 and set(ev.labels.tolist()) == set(range(10))
    assert ev.sha256 != cal.sha256
    assert ev.sha256 == w.eval_set("wide").sha256
    assert sum(len(b["image"]) for b in ev.batches(64)) == 539


def test_sample_inputs_are_test_images_cycling() -> None:
    feed = DigitsCNN().sample_inputs("small", 600)
    test_images = digits_cnn._splits().images["test"]
    assert feed["image"].shape == (600, 1, 8, 8)
    assert np.array_equal(feed["image"][:539], test_images)
    assert np.array_equal(feed["image"][539], test_images[0])


def test_training_is_deterministic_and_cache_hit_equals_fresh(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = DigitsCNN()
    threads = torch.get_num_threads()
    trained = _state(w.build("small"))
    assert torch.get_num_threads() == threads
    files = sorted(p.name for p in (fresh_cache / "workloads" / "digits-cnn").iterdir())
    assert len(files) == 1 and files[0].startswith("small-") and files[0].endswith(".pt")
    loaded = _state(w.build("small"))
    assert _same(trained, loaded)
    monkeypatch.setenv("TOURNEY_CACHE", str(fresh_cache.parent / "other-cache"))
    retrained = _state(w.build("small"))
    assert _same(trained, retrained)


def test_build_returns_independent_eval_mode_modules() -> None:
    w = DigitsCNN()
    first, second = w.build("small"), w.build("small")
    assert not first.training
    with torch.no_grad():
        next(first.parameters()).add_(1.0)
    assert not _same(_state(first), _state(second))
    assert _same(_state(second), _state(w.build("small")))


def test_cache_key_depends_on_variant_and_hyper_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = digits_cnn._cache_key.__wrapped__
    small = key("small")
    assert small == key("small") and small != key("wide")
    monkeypatch.setitem(digits_cnn._SPECS, "small", {**digits_cnn._SPECS["small"], "epochs": 3})
    assert key("small") != small


@pytest.mark.parametrize("variant", ["small", "wide"])
def test_reference_accuracy_matches_built_model(variant: str) -> None:
    w = DigitsCNN()
    reference = w.reference_quality(variant)
    assert reference >= 0.95
    model = w.build(variant)
    with torch.inference_mode():
        logits = model(torch.from_numpy(w.eval_set(variant).inputs["image"])).numpy()
    assert logits.shape == (539, 10)
    assert w.quality(variant, logits) == reference
    print(f"digits-cnn {variant}: reference top-1 accuracy {reference:.4f}")


def test_quality_scores_class_ids_and_rejects_wrong_shapes() -> None:
    w = DigitsCNN()
    labels = w.eval_set("small").labels
    perfect = np.eye(10, dtype=np.float32)[labels]
    assert w.quality("small", perfect) == 1.0
    assert w.quality("small", np.roll(perfect, 1, axis=1)) == 0.0
    with pytest.raises(ValueError, match="shape"):
        w.quality("small", perfect[:10])


def test_flops_small_match_a_hand_count() -> None:
    # conv1 1->8 and conv2 8->16 (3x3, padding 1, 8x8 maps), then 256->32 and 32->10.
    macs = 8 * 64 * 1 * 9 + 16 * 64 * 8 * 9 + 256 * 32 + 32 * 10
    w = DigitsCNN()
    assert w.flops_per_sample("small") == 2 * macs
    assert w.flops_per_sample("wide") > w.flops_per_sample("small")


def test_fingerprint_is_stable_and_hashes_the_weights() -> None:
    w = DigitsCNN()
    fp = w.fingerprint("small")
    assert set(fp) == {"model_sha256", "dataset_sha256", "calibration_sha256"}
    assert fp == w.fingerprint("small")
    assert fp["model_sha256"] == digits_cnn._state_sha256(w.build("small"))
    assert fp["dataset_sha256"] == w.eval_set("small").sha256
    assert fp["model_sha256"] != w.fingerprint("wide")["model_sha256"]


def test_unknown_variant_is_a_user_error() -> None:
    with pytest.raises(UserError, match="variant must be one of small, wide"):
        DigitsCNN().build("huge")
