# Tourney: every target installs what it needs into .venv first.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-slow test-all check browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet torch==2.13.0 -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps -e tests/plugins/tourney-example-plugin
	touch $(STAMP)

install: $(STAMP)

## The main job: a demo round on embedded SQLite + local Ray, then the leaderboard's URL.
demo: $(STAMP)
	$(BIN)/tourney demo

## Chromium for the leaderboard's browser test (Debian package; skipped when absent).
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	    || echo "chromium not installed: the browser test will be skipped"; }

## The test suite (real SQLite, Ray, torch, ONNX Runtime, Streamlit), all but the suites
## marked slow (under 20 minutes on 2 cores).
test: $(STAMP)
	$(BIN)/python -m pytest -q -ra -m "not slow"

## The slow suites: MiniLM export and quantization, OpenVINO int8, torch.compile, the real
## search, the browser test (CI runs them after `make test`).
test-slow: $(STAMP) browser
	$(BIN)/python -m pytest -q -ra -m slow

test-all: $(STAMP) browser
	$(BIN)/python -m pytest -q -ra

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $$(ls -d tournament workloads hardware leaderboard benchmarks 2>/dev/null)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
