# Herald: `make run` starts everything on an embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SQLITE_SUITE := tests/core tests/e2e tests/ops

.PHONY: run test test-sqlite services bytecode lint bench bench-quick bench-campaigns chaos screenshots translations client clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed bytecode
	$(BIN)/python scripts/run.py

# Herald's own modules compiled ahead (only those changed since): where the environment
# turns bytecode writing off, every process started (workers, the hit server, the
# simulators; the suite and the benchmark start many) compiled them again, ~0.3 s each.
bytecode: | $(BIN)/python
	$(BIN)/python -m compileall -q -j 0 app workers bench migrations scripts tests wsgi.py

services:
	scripts/ensure-services

test: $(VENV)/.dev-installed services bytecode
	$(BIN)/pytest -n 2 --dist loadfile -q
	HERALD_TEST_BACKEND=sqlite $(BIN)/pytest -q -p no:randomly $(SQLITE_SUITE)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

# Web, workers and simulators as processes, driven over HTTP: one table, ratios to ceilings.
bench: $(VENV)/.dev-installed services bytecode
	$(BIN)/python -m bench

bench-quick: $(VENV)/.dev-installed services bytecode
	$(BIN)/python -m bench --size quick

bench-campaigns: $(VENV)/.dev-installed services
	$(BIN)/python -m bench campaigns --contacts 1000000

chaos: $(VENV)/.dev-installed services bytecode
	$(BIN)/python -m bench chaos --notifications 100000

screenshots: $(VENV)/.dev-installed services
	HERALD_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -q -p no:randomly tests/browser

# Recipients' pages: extract their text, merge it into each language's .po, compile the .mo.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -o translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-location
	$(BIN)/pybabel compile -d translations

# The Python client: regenerated from the app's own OpenAPI document, offline.
client: $(VENV)/.dev-installed
	$(BIN)/flask --app wsgi herald openapi > clients/openapi.json
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/openapi-python-client generate --overwrite \
		--path clients/openapi.json --output-path clients/python \
		--config clients/python-client.yaml --meta setup --fail-on-warning

clean:
	rm -rf $(VENV) instance .pytest_cache
