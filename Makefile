# Two commands a new machine needs: `make run` and `make test`.
# Everything installs into .venv from the hash-pinned lock files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app service
TRANSLATE := $(BIN)/flask --app service.cli:create_cli_app translate
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run test browser-test-deps lint format openapi openapi-check translations \
	translations-extract translations-update translations-status translations-check lock clean bench soak

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/dev.lock
	touch $@

install: $(STAMP)  ## Create .venv and install the locked dependencies.

translations: $(STAMP)  ## Compile every catalog (.po -> .mo).
	$(TRANSLATE) compile

translations-extract: $(STAMP)  ## Refresh translations/messages.pot from content and code.
	$(TRANSLATE) extract

translations-update: translations-extract  ## Refresh the template and merge it into every catalog.
	$(TRANSLATE) update

translations-status: translations  ## Per-language table: translated, fuzzy, missing.
	$(TRANSLATE) status

run: translations  ## Start gunicorn on http://$${HOST:-127.0.0.1}:$${PORT:-8000} (with /preview/).
	PREVIEW_ENABLED=$${PREVIEW_ENABLED:-1} exec $(BIN)/gunicorn --config gunicorn.conf.py

lint: $(STAMP)  ## Ruff lint and format check, hadolint on the Dockerfile.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

format: $(STAMP)  ## Apply ruff's fixes and formatting.
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: translations  ## Rewrite openapi.yaml from the code and schemas.
	$(FLASK) openapi write openapi.yaml

openapi-check: translations  ## Fail when the committed openapi.yaml is stale.
	$(FLASK) openapi check openapi.yaml

translations-check: translations  ## Fail when messages.pot or a catalog is stale or broken.
	$(TRANSLATE) check

# axe-core for the preview's browser tests, pinned by tests/browser/package-lock.json.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package-lock.json
	npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund
	touch $@

browser-test-deps: $(AXE)  ## Install axe-core (npm) for tests/test_preview_browser.py.

test: lint translations openapi-check translations-check $(AXE)  ## Every check CI runs.
	$(BIN)/pytest

bench: translations  ## Benchmark the service against the Flask floor (needs wrk and ab; ~5 min).
	$(BIN)/python -m benchmarks.run

soak: translations  ## 200,000 requests against one worker: zero errors, RSS growth <= 5 MB (~2 min).
	$(BIN)/python -m benchmarks.soak

lock:  ## Re-resolve the lock files from pyproject.toml (needs network to PyPI).
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes \
		--upgrade -o requirements/main.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes --upgrade -o requirements/dev.lock

clean:  ## Remove the virtualenv and compiled catalogs.
	rm -rf $(VENV)
	find translations -name '*.mo' -delete
	rm -rf tests/browser/node_modules tests/browser/screenshots
