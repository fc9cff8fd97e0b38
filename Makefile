# Two commands a new machine needs: `make run` and `make test`.
# Everything installs into .venv from the hash-pinned lock files: `make run` only what
# serving needs (requirements/main.lock), the checks the dev toolchain too (dev.lock, a
# superset of main.lock).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app service
TRANSLATE := $(BIN)/flask --app service.cli:create_cli_app translate
# One stamp per lock: dev's needs main's, so `make run` then `make test` adds the dev
# tools to the same .venv, and `make test` then `make run` installs nothing.
RUNTIME := $(VENV)/.installed-main
DEV := $(VENV)/.installed-dev

# What `make run` serves with: gunicorn.conf.py's defaults, unless set in the environment
# or on the command line (tests/test_makefile.py keeps them equal to gunicorn.conf.py's).
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 2
THREADS ?= 4
RUN_SETTINGS := HOST='$(HOST)' PORT='$(PORT)' WEB_CONCURRENCY='$(WEB_CONCURRENCY)' THREADS='$(THREADS)'
# Where `make store` writes the compiled payload store and `make run` serves it from.
STORE_PATH ?= $(CURDIR)/build/payload-store.pickle

# What the tests need besides Python: Debian's Chromium and fonts (the preview's browser
# tests), nginx (the caching-proxy tests), curl (the README's tour), npm (axe-core, the
# TypeScript client's toolchain, and Spectral and Redocly for openapi-lint).
# fonts-noto-core has a face for every script the preview shows (Urdu's Noto Nastaliq
# Urdu too), fonts-noto-cjk Han and Hangul's.
DEBIAN_TEST_PACKAGES := chromium fonts-noto-core fonts-noto-cjk nginx curl

# `make weblate-e2e`: a real Weblate (PyPI, its own venv from its own hash-pinned lock)
# with Debian's PostgreSQL and Redis. The -dev packages build borgbackup (lz4, zstd,
# xxhash, acl) and PyGObject (girepository, cairo) from source; librsvg's introspection
# data is needed at run time.
WEBLATE_VENV := build/weblate/venv
WEBLATE_INSTALLED := $(WEBLATE_VENV)/.installed
DEBIAN_WEBLATE_PACKAGES := git postgresql redis-server pkg-config liblz4-dev libzstd-dev \
	libxxhash-dev libacl1-dev libgirepository1.0-dev libcairo2-dev gir1.2-rsvg-2.0
# The whole round trip's bound (seconds): installing is bounded by CI's own timeout.
WEBLATE_E2E_TIMEOUT ?= 1200

.DEFAULT_GOAL := help
.PHONY: help install install-dev run test test-deps browser-test-deps lint format openapi \
	openapi-check openapi-lint openapi-lint-deps docs translations translations-extract \
	translations-update translations-status translations-check store lock clean bench soak \
	clients client-tools weblate-deps weblate-e2e

# Each description's $(NAME) is written with that setting's value.
help:  ## List the targets.
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | $(RUN_SETTINGS) STORE_PATH='$(STORE_PATH)' CLIENTS_DIR='$(CLIENTS_DIR)' awk -F':.*## ' '{ \
		text = $$2; \
		while (match(text, /\$$\([A-Z_]+\)/)) \
			text = substr(text, 1, RSTART - 1) ENVIRON[substr(text, RSTART + 2, RLENGTH - 3)] \
				substr(text, RSTART + RLENGTH); \
		printf "  %-20s %s\n", $$1, text }'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): requirements/main.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/main.lock
	touch $@

$(DEV): requirements/dev.lock $(RUNTIME)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/dev.lock
	touch $@

install: $(RUNTIME)  ## Create .venv with what serving needs (requirements/main.lock).

install-dev: $(DEV)  ## Add the checks' toolchain to .venv (requirements/dev.lock).

translations: $(RUNTIME)  ## Compile every catalog (.po -> .mo).
	$(TRANSLATE) compile

translations-extract: $(RUNTIME)  ## Refresh translations/messages.pot from content and code.
	$(TRANSLATE) extract

translations-update: translations-extract  ## Refresh the template and merge it into every catalog.
	$(TRANSLATE) update

translations-status: translations  ## Per-language table: translated, fuzzy, missing.
	$(TRANSLATE) status

store: translations  ## Compile every payload into $(STORE_PATH) (skipped when up to date).
	STORE_PATH='$(STORE_PATH)' $(BIN)/flask --app service.cli:create_cli_app store compile

run: store  ## Serve on http://$(HOST):$(PORT), $(WEB_CONCURRENCY) workers x $(THREADS) threads, with /preview/.
	$(RUN_SETTINGS) STORE_PATH='$(STORE_PATH)' PREVIEW_ENABLED=$${PREVIEW_ENABLED:-1} exec $(BIN)/gunicorn --config gunicorn.conf.py

lint: $(DEV)  ## Ruff lint and format check, mypy (pyproject.toml's [tool.mypy]), hadolint.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

format: $(DEV)  ## Apply ruff's fixes and formatting.
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: translations  ## Rewrite openapi.yaml from the code and schemas.
	$(FLASK) openapi write openapi.yaml

openapi-check: translations  ## Fail when the committed openapi.yaml is stale.
	$(FLASK) openapi check openapi.yaml

# The npm toolchains, each pinned by its folder's package-lock.json; npm writes
# node_modules/.package-lock.json on every install, the stamp make compares with the lock.
%/node_modules/.package-lock.json: %/package-lock.json
	npm ci --prefix $* --ignore-scripts --no-audit --no-fund
	touch $@

# Spectral and Redocly, pinned by tools/openapi-lint/package-lock.json.
OPENAPI_LINT := tools/openapi-lint/node_modules/.bin
OPENAPI_LINT_STAMP := tools/openapi-lint/node_modules/.package-lock.json

openapi-lint-deps: $(OPENAPI_LINT_STAMP)  ## Install Spectral and Redocly (npm) for openapi-lint.

# Any warning fails too, bar the exceptions .spectral.yaml and redocly.yaml give reasons for.
openapi-lint: $(OPENAPI_LINT_STAMP)  ## Lint openapi.yaml: Spectral (spectral:oas), Redocly (recommended).
	$(OPENAPI_LINT)/spectral lint --quiet --ruleset .spectral.yaml --fail-severity=warn openapi.yaml
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
		$(OPENAPI_LINT)/redocly lint --config redocly.yaml --format=stylish openapi.yaml

docs: $(RUNTIME)  ## Rewrite README.md's generated passages (the problem types) from the code.
	$(BIN)/python -m service.readme write README.md

translations-check: translations  ## Fail when messages.pot or a catalog is stale or broken.
	$(TRANSLATE) check

# axe-core for the preview's browser tests, pinned by tests/browser/package-lock.json.
AXE := tests/browser/node_modules/.package-lock.json

browser-test-deps: $(AXE)  ## Install axe-core (npm) for tests/test_preview_browser.py.

# The clients an integrator generates from openapi.yaml, never edited by hand: a Python
# package (openapi-python-client, pinned in dev.lock) and TypeScript types for openapi-fetch
# (openapi-typescript; npm's versions pinned by clients/typescript/package-lock.json).
CLIENTS_DIR := build/clients
CLIENT_TOOLS := clients/typescript/node_modules/.package-lock.json

client-tools: $(CLIENT_TOOLS)  ## Install the TypeScript client's toolchain (npm ci in clients/typescript).

clients: $(DEV) $(CLIENT_TOOLS)  ## Generate the Python and TypeScript clients from openapi.yaml into $(CLIENTS_DIR).
	rm -rf '$(CLIENTS_DIR)/python' '$(CLIENTS_DIR)/typescript'
	PATH='$(abspath $(BIN))':"$$PATH" $(BIN)/openapi-python-client generate --path openapi.yaml \
		--config clients/python/config.yaml --meta uv --output-path '$(CLIENTS_DIR)/python'
	clients/typescript/node_modules/.bin/openapi-typescript openapi.yaml \
		--output '$(CLIENTS_DIR)/typescript/api.d.ts'

# $(call debian_packages,PACKAGES,WHAT NEEDS THEM,SHELL NAMING OTHER MISSING TOOLS):
# installs the missing Debian packages as root (CI); otherwise names the command to run.
define debian_packages
	@missing=$$(for package in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$package 2>/dev/null | grep -q ' installed$$' \
			|| echo $$package; done; $(3)); \
	missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "$(2) needs these Debian packages: $$missing. Install them with:" >&2; \
		echo "  sudo apt-get install -y $$missing" >&2; exit 1; \
	fi
endef

test-deps:  ## Check (as root: install) the Debian packages and npm the tests need.
	$(call debian_packages,$(DEBIAN_TEST_PACKAGES),make test,command -v npm >/dev/null || echo npm)

test: test-deps $(DEV) lint translations openapi-check openapi-lint translations-check $(AXE) $(CLIENT_TOOLS)  ## Every check CI runs.
	$(BIN)/pytest

weblate-deps:  ## Check (as root: install) the Debian packages make weblate-e2e needs.
	$(call debian_packages,$(DEBIAN_WEBLATE_PACKAGES),make weblate-e2e,)

$(WEBLATE_INSTALLED): deploy/weblate/requirements.lock | weblate-deps
	rm -rf $(WEBLATE_VENV)
	$(PYTHON) -m venv $(WEBLATE_VENV)
	@start=$$(date +%s); \
	$(WEBLATE_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps \
		-r deploy/weblate/requirements.lock && \
	echo "weblate-e2e: Weblate installed in $$(( $$(date +%s) - start )) s"
	touch $@

weblate-e2e: $(DEV) $(WEBLATE_INSTALLED)  ## Weblate round trip: translate in Weblate, push, check, serve (~5 min).
	WEBLATE_VENV='$(CURDIR)/$(WEBLATE_VENV)' $(BIN)/pytest -p no:cacheprovider -s \
		--timeout $(WEBLATE_E2E_TIMEOUT) tests/weblate_round_trip.py

bench: translations  ## Benchmark the service against the Flask floor (needs wrk and ab; ~9 min).
	$(BIN)/python -m benchmarks.run

soak: translations  ## 200,000 requests against one worker: zero errors, RSS growth <= 5 MB (~2 min).
	$(BIN)/python -m benchmarks.soak

lock:  ## Re-resolve the lock files from pyproject.toml (needs network to PyPI).
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes \
		--upgrade -o requirements/main.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes --upgrade -o requirements/dev.lock

clean:  ## Remove the virtualenv, the compiled catalogs and the compiled store.
	rm -rf $(VENV) build
	find translations -name '*.mo' -delete
	rm -rf tests/browser/node_modules tests/browser/screenshots tools/openapi-lint/node_modules
	rm -rf clients/typescript/node_modules
