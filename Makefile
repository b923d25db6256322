# Homeward: every task a developer or CI runs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CHILDREN ?= 400
DEMO_SEED ?= 2026
# pytest-xdist workers for `make test`: one per core
TEST_WORKERS ?= auto

.PHONY: help install static demo serve test test-postgres lint format bench worker

help: ## List the tasks
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-bench.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

core/static_build/govuk/govuk-frontend.min.css: node_modules/.installed scripts/import-static.sh
	./scripts/import-static.sh

install: $(VENV)/.installed node_modules/.installed static ## Create the virtual environment and install everything

static: core/static_build/govuk/govuk-frontend.min.css ## Copy GOV.UK Frontend into the static files

demo: install ## Start Homeward with synthetic demo data on SQLite at http://127.0.0.1:8000
	@mkdir -p staticfiles  # WhiteNoise's root; development serves from the app folders
	$(PY) manage.py migrate --no-input
	$(PY) manage.py generate_synthetic --children $(DEMO_CHILDREN) --seed $(DEMO_SEED) --if-empty
	$(PY) manage.py create_demo_users
	$(PY) manage.py run_worker > /tmp/homeward-worker.log 2>&1 & echo "$$!" > .worker.pid; \
	  $(PY) manage.py run_scheduler > /tmp/homeward-scheduler.log 2>&1 & echo "$$!" > .scheduler.pid; \
	  trap 'kill $$(cat .worker.pid) $$(cat .scheduler.pid) 2>/dev/null; rm -f .worker.pid .scheduler.pid' EXIT; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

serve: install ## Serve Homeward without touching the data
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install ## Run the background job worker (rides out database outages; requeues a dead worker's tasks)
	$(PY) manage.py run_worker

PROMETHEUS_MULTIPROC_DIR ?= /tmp/homeward-metrics

.PHONY: serve-prod
serve-prod: install ## Production serving: gunicorn, the job worker and the scheduler under supervision (docs/operations.md)
	$(PY) manage.py check --deploy --fail-level ERROR
	$(PY) manage.py collectstatic --no-input -v0
	rm -rf $(PROMETHEUS_MULTIPROC_DIR) && mkdir -p $(PROMETHEUS_MULTIPROC_DIR)
	PROMETHEUS_MULTIPROC_DIR=$(PROMETHEUS_MULTIPROC_DIR) HOST=$(HOST) PORT=$(PORT) $(PY) scripts/supervise.py

# --- Load and fault scenarios (docs/performance.md): PostgreSQL, loopback, bounded; results in bench-results/ -----
.PHONY: load load-staff fault-db-restart fault-db-readonly fault-worker-kill load-short
load: install ## Load: virtual staff against gunicorn + worker on PostgreSQL (LOAD_CHILDREN, LOAD_USERS, LOAD_SECONDS)
	scripts/load.sh none

load-staff: install ## Load: 50 virtual staff who pause about 3 s between pages (the issue's targets), on PostgreSQL
	LOAD_USERS=50 LOAD_THINK=3 LOAD_SECONDS=$${LOAD_SECONDS:-150} LOAD_NAME=staff scripts/load.sh none

fault-db-restart: install ## Fault: the database goes away mid-run (connections cut, refused for a while)
	scripts/load.sh db-restart

fault-db-readonly: install ## Fault: the database turns read-only mid-run
	scripts/load.sh db-readonly

fault-worker-kill: install ## Fault: the job worker is killed (SIGKILL) mid-run and restarted by the supervisor
	scripts/load.sh worker-kill

load-short: install ## The CI version: 400 children, 5 users, 15 seconds, and the database fault
	LOAD_DB=homeward_load_ci LOAD_CHILDREN=400 LOAD_USERS=5 LOAD_SECONDS=15 scripts/load.sh none
	LOAD_DB=homeward_load_ci LOAD_CHILDREN=400 LOAD_USERS=5 LOAD_SECONDS=15 scripts/load.sh db-restart

test: install ## Run the whole test suite (SQLite unless DATABASE_URL is set)
	$(PY) manage.py check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo  # the layers contract in pyproject.toml
	$(VENV)/bin/mypy .  # types, with django-stubs ([tool.mypy] in pyproject.toml)
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

test-postgres: ## Run the whole test suite against the local PostgreSQL server
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/homeward $(MAKE) test

lint: install ## Check the code style, the layers contract and the types
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy .

format: install ## Fix the code style
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install ## Run the benchmarks (national: load it first with generate_national); results go to bench-results/*.json
	$(PY) -m bench --out bench-results

# --- README screenshots: synthetic data only, in a throwaway database --------------------------
SCREENSHOTS_DB ?= /tmp/homeward-screenshots.sqlite3
SCREENSHOTS_PORT ?= 8011

.PHONY: screenshots
screenshots: install ## Retake docs/images/*.png: synthetic data in a throwaway database, served on port 8011
	rm -f $(SCREENSHOTS_DB) $(SCREENSHOTS_DB)-wal $(SCREENSHOTS_DB)-shm
	export DATABASE_URL=sqlite:///$(SCREENSHOTS_DB); set -e; \
	  $(PY) manage.py migrate --no-input > /dev/null; \
	  $(PY) manage.py generate_synthetic --children $(DEMO_CHILDREN) --seed $(DEMO_SEED) > /dev/null; \
	  $(PY) manage.py create_demo_users > /dev/null; \
	  $(PY) manage.py runserver $(HOST):$(SCREENSHOTS_PORT) --noreload > /tmp/homeward-screenshots-server.log 2>&1 & \
	  server=$$!; trap 'kill $$server 2>/dev/null; rm -f $(SCREENSHOTS_DB) $(SCREENSHOTS_DB)-wal $(SCREENSHOTS_DB)-shm' EXIT; \
	  $(PY) scripts/screenshots.py --base-url http://$(HOST):$(SCREENSHOTS_PORT) --out docs/images
