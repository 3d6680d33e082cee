"""Migration 0004: torch entries stored with ONNX Runtime's option get today's config hash."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from tournament.hashing import canonical_json, sha256_of
from tournament.schema import Submission
from tournament.store import Store, make_engine
from tournament.store.migrate import upgrade

NOW = datetime(2026, 11, 30, tzinfo=UTC).replace(tzinfo=None)
DOCUMENT = {
    "team": "t",
    "name": "e",
    "workload": "digits-cnn",
    "variant": "small",
    "runtime": "torch",
    "quantization": "fp32",
    "runtime_options": {"intra_op_threads": 1, "graph_optimization": "all"},
}
OLD_CONFIG = {
    "workload": "digits-cnn",
    "variant": "small",
    "quantization": "fp32",
    "runtime": "torch",
    "runtime_options": {
        "intra_op_threads": 1,
        "inter_op_threads": 1,
        "graph_optimization": "all",
        "execution_provider": "cpu",
    },
    "quantization_options": {
        "per_channel": False,
        "reduce_range": False,
        "op_types": None,
        "calibration_method": "minmax",
        "calibration_samples": 128,
    },
    "batch_size": 1,
    "machine": "local",
}


def test_torch_entries_lose_the_onnx_runtime_option_and_get_their_new_hash(db_url: str) -> None:
    old_hash = sha256_of(OLD_CONFIG)
    engine = make_engine(db_url)
    upgrade(engine, "0003")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO submissions (id, config_hash, round_name, team, name, workload, "
                "variant, runtime, quantization, batch_size, machine, config, document, origin, "
                "created_at) VALUES (1, :hash, '', 't', 'e', 'digits-cnn', 'small', 'torch', "
                "'fp32', 1, 'local', :config, :document, 'human', :now)"
            ),
            {
                "hash": old_hash,
                "config": canonical_json(OLD_CONFIG),
                "document": canonical_json(DOCUMENT),
                "now": NOW,
            },
        )
        c.execute(
            text(
                "INSERT INTO runs (id, submission_id, round_name, config_hash, scenario, rules, "
                "rules_sha256, repeat, status, attempts, queued_at) VALUES (1, 1, '', :hash, "
                "'offline', '{}', 'x', 0, 'queued', 0, :now)"
            ),
            {"hash": old_hash, "now": NOW},
        )
    engine.dispose()
    with Store(db_url) as store:
        entry = store.submission(1)
        run = store.run(1)
    assert entry is not None
    document = entry["document"] if isinstance(entry, dict) else entry.document
    today = Submission.model_validate(document)  # the stored file validates again
    new_hash = entry["config_hash"] if isinstance(entry, dict) else entry.config_hash
    assert new_hash == today.config_hash != old_hash
    assert "graph_optimization" not in today.config()["runtime_options"]
    run_hash = run["config_hash"] if isinstance(run, dict) else run.config_hash
    assert run_hash == new_hash
