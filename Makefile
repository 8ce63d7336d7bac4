# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHW := $(BIN)/chw
export DBT_PROFILES_DIR := $(CURDIR)
export DO_NOT_TRACK := 1

.PHONY: help venv demo test lint pytest browser bench bench-spark test-real test-spark slim-ci docs clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

venv: $(VENV)/.installed ## Create .venv from the pinned requirements

demo: venv ## Generate sample data, build, validate, publish, write dashboard and reports
	$(CHW) demo

lint: venv ## ruff + sqlfluff (SQL as compiled for a first build and an incremental run)
	$(BIN)/ruff check scripts
	$(BIN)/ruff format --check scripts
	@# the dbt templater compiles against a tiny warehouse dbt built in warehouse/lint
	$(BIN)/python -m chw.lintsql models tests
	@# the connector adapters are disabled unless selected: lint them with every connector on
	CHW_DUCKDB_PATH=warehouse/lint/first_build.duckdb CHW_RAW_PATH=warehouse/lint/raw \
		$(BIN)/sqlfluff lint models/staging/connectors --config .sqlfluff-connectors --processes 2

browser: ## Install Debian's chromium for the dashboard test (needs root/apt)
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

pytest: venv
	$(BIN)/pytest

test: venv lint browser ## Every check: lint, generator, dbt build + tests, GX, WAP, faults, browser, PostgreSQL, real data
	$(BIN)/pytest
	@echo; cat output/test-run/report/data_quality.md 2>/dev/null || true

bench: venv ## Benchmark at 10,000 accounts x 365 and 730 days (needs ~30 GB in .cache/)
	$(CHW) bench

test-real: venv ## Only the real-data test: IBM Telco churn imported, built and fitted
	$(BIN)/pytest -m real -s

test-spark: venv ## Build on local Spark (dbt-spark session) and compare with DuckDB (~8 min)
	$(BIN)/pip install --quiet -r requirements-spark.txt
	$(BIN)/pytest -m spark scripts/tests/test_spark.py

bench-spark: venv ## DuckDB vs local Spark at 1,000 accounts x 180 days: times, marts equal?
	$(BIN)/pip install --quiet -r requirements-spark.txt
	$(CHW) bench-spark

STATE ?= prod-manifest
PROD_DB ?=
slim-ci: venv ## Build changed models + children only, deferring to production (STATE=, PROD_DB=)
	$(CHW) slim-ci --state $(STATE) $(if $(PROD_DB),--prod-db $(PROD_DB))

docs: venv ## dbt docs generate
	$(BIN)/dbt docs generate

clean: ## Remove generated data, warehouse and build artefacts (keeps .venv)
	rm -rf data warehouse target logs output
