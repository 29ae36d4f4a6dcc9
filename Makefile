# fordela — the README names these targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FORDELA := $(BIN)/fordela

.PHONY: install run test test-sqlite test-postgres lint format bench demo-package docs clean

$(VENV)/.installed: requirements/dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

## The main job: set up, load the demo cycle, print the deck's figures, serve the web app.
## Local mode (plain HTTP, SQLite under var/, demo accounts allowed); the job worker runs beside
## the development server and stops with it. Production: `fordela serve` + `fordela worker`
## (docs/deploy.md).
run: export FORDELA_LOCAL = 1
run: install
	$(FORDELA) migrate
	$(FORDELA) demo
	$(FORDELA) summary goteborg-2026
	@echo "fordela is running on http://127.0.0.1:8000 (log in with a demo account above; Ctrl-C stops)"
	$(FORDELA) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload

test: install
	$(BIN)/python -m pytest

test-sqlite: install
	DATABASE_URL= $(BIN)/python -m pytest

test-postgres: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests tools bench
	$(BIN)/mypy src/fordela/engine
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix src tests tools bench
	$(BIN)/ruff format src tests tools bench

$(VENV)/.bench-installed: $(VENV)/.installed requirements/bench.lock
	$(BIN)/python -m pip install --quiet -r requirements/bench.lock
	touch $@

## Long measurements (not part of `make test`): the split against pandas and DuckDB, a scenario,
## the demo at 1x/10x/100x (commands and pages), and 16 clients against `fordela serve` before/after
## caching. The last two need PostgreSQL on 127.0.0.1 (FORDELA_BENCH_DATABASE_URL; docs/performance.md);
## the load benchmark also needs wrk (apt-get install wrk; brew install wrk) and says so if it is missing.
bench: $(VENV)/.bench-installed
	$(BIN)/python bench/split_bench.py
	$(BIN)/python bench/cycle_bench.py
	$(BIN)/python bench/scale_bench.py
	$(BIN)/python bench/load_bench.py

## Rebuild the shipped demo package from tools/build_demo.py.
demo-package: install
	$(BIN)/python tools/build_demo.py src/fordela/demo/goteborg-2026

docs: install
	$(FORDELA) schema --format markdown > docs/package.md
	$(FORDELA) schema --format json > docs/package.schema.json

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
