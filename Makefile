# OpenPMO developer commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
ASSETS := node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css

.DEFAULT_GOAL := help
.PHONY: help setup assets tools migrate demo run serve backup fuzz test test-postgres lint format bench clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(STAMP) $(ASSETS) ## Create .venv, install Python and front-end dependencies

assets: $(ASSETS) ## Install the pinned GOV.UK Frontend from npm (served locally)

migrate: setup ## Apply database migrations (SQLite by default; DATABASE_URL to change)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

demo: migrate ## Load the ETP demo data (idempotent) and print the demo sign-in details
	$(BIN)/python manage.py load_demo

run: demo ## Set everything up and serve http://127.0.0.1:$(PORT) with the ETP demo data
	@echo "Background worker for long tasks (simulations, board packs): log in var/worker.log"
	@$(BIN)/python manage.py schedule_notifications
	@$(BIN)/python manage.py db_worker --no-reload > var/worker.log 2>&1 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		OPENPMO_DEBUG=$${OPENPMO_DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: setup ## Production: gunicorn and the background worker (DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS)
	BIN=$(BIN) scripts/serve

backup: setup ## Back up the database to var/backups/ (pg_dump for PostgreSQL; restore with manage.py restore)
	$(BIN)/python manage.py backup var/backups/openpmo-$$(date -u +%Y%m%dT%H%M%SZ).backup

fuzz: setup ## Fuzz every API operation with schemathesis on a scratch demo (FUZZ_SECONDS, default 300)
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	BIN=$(BIN) scripts/fuzz-api $${FUZZ_SECONDS:-300}

# pytest exits 5 when it collected no test: for this project that is a broken suite, not a pass.
PYTEST = $(BIN)/python -m pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing, as the suite cannot be empty"; exit 1; fi; exit $$rc

tools: ## Install what the tests drive from Debian: Chromium (browser tests), LibreOffice Calc (workbooks)
	@missing=""; command -v chromium >/dev/null || missing="chromium"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-calc-nogui"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "Not installed and this user cannot install them ($$missing): those tests will be skipped"; fi; \
	fi

test: setup tools ## Set up and run the whole test suite (SQLite)
	$(BIN)/python manage.py makemigrations --check --dry-run
	@$(PYTEST)

test-postgres: setup tools ## Run the suite against PostgreSQL (DATABASE_URL, default 127.0.0.1:5432/test)
	@export DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}; $(PYTEST)

lint: setup ## ruff (lint and format check), mypy (strict for openpmo.core), import-linter (the layers)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src/openpmo/core
	$(BIN)/lint-imports

format: setup ## Format the code with ruff
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: setup ## Run the benchmarks and print their figures (ratios against a baseline run beside them)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks

clean: ## Remove the virtual environment, node_modules and the local database
	rm -rf $(VENV) node_modules var
