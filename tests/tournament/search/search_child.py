"""A search driver for the resume test, run as a separate process the test kills.

Usage: ``python search_child.py URL SETTINGS_JSON TRIALS [KILL_AT_MEASURED]``: runs study
``resume`` with the local backend and the grid sampler; with ``KILL_AT_MEASURED`` = n it kills
itself with SIGKILL right after its n-th trial is measured (result stored) and before it is told.
"""

from __future__ import annotations

import json
import os
import signal
import sys


def main() -> None:
    from tournament.search import RunOptions, SearchSettings, run_search

    url, settings_json, trials = sys.argv[1], sys.argv[2], int(sys.argv[3])
    kill_at = int(sys.argv[4]) if len(sys.argv) > 4 else None
    measured = 0

    def progress(event: str, number: int, text: str) -> None:
        nonlocal measured
        print(event, number, text, flush=True)
        if event == "measured":
            measured += 1
            if measured == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    settings = SearchSettings.model_validate(json.loads(settings_json))
    options = RunOptions(trials=trials, sampler="grid", seed=0, backend="local", promote=False)
    run_search(settings, options, study_name="resume", url=url, progress=progress)


if __name__ == "__main__":
    main()
