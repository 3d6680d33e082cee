"""Write the best feasible configuration of each objective as a ready-to-submit YAML file."""

from __future__ import annotations

from pathlib import Path

import yaml

from tournament.errors import UserError
from tournament.schema.submission import Submission
from tournament.schema.validate import parse_submission
from tournament.search.report import SearchReport, TrialInfo

_ALWAYS = ("workload", "variant", "runtime", "quantization", "batch_size", "machine")


def submission_document(
    report: SearchReport, objective: str, trial: TrialInfo, team: str
) -> dict[str, object]:
    """The submission document of ``trial``, validated, defaults left out except the basics."""
    if trial.config is None:
        raise ValueError(f"trial {trial.number} has no configuration")
    value = dict(zip(report.settings.objectives, trial.values or (), strict=False))[objective]
    data = {
        "team": team,
        "name": f"{report.study_name}-t{trial.number}",
        "description": (
            f"Best {objective} ({value:.6g}, screening rules) of Optuna study "
            f"{report.study_name}, trial {trial.number}, at quality_ratio >= "
            f"{report.settings.min_quality_ratio:g} (quality over the fp32 reference's)."
        ),
        **trial.config,
    }
    sub: Submission = parse_submission(data)
    document = sub.model_dump(mode="json", exclude_defaults=True)
    document.update({key: getattr(sub, key) for key in _ALWAYS})
    document["quantization"] = sub.quantization.value
    return document


def write_exports(report: SearchReport, directory: Path, team: str = "optuna") -> list[Path]:
    """Write ``best-<objective>.yaml`` for each objective with a feasible best; the paths.

    Raises:
        UserError: ``directory`` cannot be created or written.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"export-dir: cannot create {directory} ({exc.strerror}).") from None
    written = []
    for objective, trial in report.best.items():
        path = directory / f"best-{objective}.yaml"
        text = yaml.safe_dump(submission_document(report, objective, trial, team), sort_keys=False)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"export-dir: cannot write {path} ({exc.strerror}).") from None
        written.append(path)
    return written
