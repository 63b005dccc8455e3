# DeepPrep. `make run` serves the site; `make test` runs the whole suite.
# python3 resolves to 3.12 through .python-version (pyenv); override with PYTHON=...
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: var help install run test lint format migrations-check compose-check bank-report bank-format figures test-prereqs bench bench-srs bench-readiness audit faults mutation

help:
	@echo "make run     - install, migrate, load the bank, serve http://127.0.0.1:8000 with worker and beat"
	@echo "make test    - the whole suite against Postgres, Redis and Chromium"
	@echo "make lint    - ruff check and format check"
	@echo "make format  - ruff format and fix"
	@echo "make mutation - mutation score of the core modules (slow; not part of make test)"
	@echo "make bank-format - rewrite the bank YAML in the exporter's layout after hand edits"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ is needed (Django 6)"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e . --group dev --group figures
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

var:
	mkdir -p var/celery-broker var/celery-processed var/celery-control var/cache

run: install | var
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_questionbank
	DEBUG=$${DEBUG:-true} scripts/run-dev.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r accounts config quizbank srs readiness editorial ops --severity-level high

# pip-audit needs its vulnerability database online; without it, --strict fails
# rather than print a false "no known vulnerabilities".
audit: install
	$(BIN)/python -m pip install --quiet --group audit
	$(BIN)/bandit -q -r accounts config quizbank srs readiness editorial ops
	$(BIN)/pip-audit --strict

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install | var
	$(BIN)/python manage.py makemigrations --check --dry-run

# Chromium, Caddy, docker-compose, Postgres and Redis: installed or started when
# it can (root with apt), else one line per missing thing with its fix.
test-prereqs:
	@scripts/test-prereqs.sh

compose-check:
	@if command -v docker-compose >/dev/null; then \
		SECRET_KEY=check docker-compose -f docker-compose.yml config --quiet && echo "docker-compose.yml: valid"; \
	else echo "docker-compose not installed: compose file not checked"; fi

# The whole suite on Postgres and, at the same time on the second core, the journeys
# and views on SQLite (what `make run` uses), each with its own Redis database.
SQLITE_TESTS := tests/journeys tests/quizbank tests/accounts tests/editorial tests/config/test_prepared.py
# Tests run in a new shuffled order each time (pytest-randomly), both passes with
# one seed, printed in each header, so a test that leans on another's leftovers
# shows at once; `make test SEED=1234` repeats an order.
SEED ?= random
ifeq ($(SEED),random)
override SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif
test: test-prereqs lint migrations-check compose-check | var
	@rm -f var/test-sqlite.log var/test-sqlite.rc
	@echo "== random order, seed $(SEED) (make test SEED=$(SEED) repeats it)"
	@( DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 REDIS_URL=redis://127.0.0.1:6379/10 \
		$(BIN)/python -m pytest -m "not browser" $(SQLITE_TESTS) \
		--ignore tests/quizbank/test_query_counts.py -p no:cacheprovider \
		-p randomly --randomly-seed=$(SEED) $(PYTEST_ARGS) \
		> var/test-sqlite.log 2>&1; echo $$? > var/test-sqlite.rc ) &
	$(BIN)/python -m pytest --durations=15 -p randomly --randomly-seed=$(SEED) $(PYTEST_ARGS); status=$$?; \
	while [ ! -s var/test-sqlite.rc ] || ! grep -q . var/test-sqlite.rc; do sleep 2; done; \
	echo "== the journeys and views on SQLite"; tail -n 25 var/test-sqlite.log; \
	sqlite=$$(cat var/test-sqlite.rc); rm -f var/test-sqlite.rc; \
	[ $$status -eq 0 ] && [ $$sqlite -eq 0 ]

bank-report:
	../shared/tools/bank-report .

bank-format: install
	$(BIN)/python scripts/bank_format.py

# Regenerate every figure SVG under fixtures/questionbank/figures/ (figures/*.py).
figures: install
	$(BIN)/python -m figures

# Benchmarks (figures, never timed assertions): every bench/bench_*.py in turn.
bench: install | var
	$(BIN)/python -m pip install --quiet --group bench
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python -W ignore $$script || exit 1; done

# Restarts the local Postgres while learners answer (needs root): nothing lost or doubled.
faults: install | var
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/python -W ignore bench/bench_faults.py

bench-srs: install | var
	$(BIN)/python bench/srs_simulation.py

# Simulated learners follow the plan to their date: is the readiness forecast calibrated?
bench-readiness: install | var
	$(BIN)/python bench/readiness_simulation.py

# Mutation testing of the core modules (issue 23; config in pyproject's [tool.mutmut]).
# One mutant at a time, each against the tests that reach the mutated function; results
# are cached in mutants/, so a second run re-tests only changed functions. Needs Postgres
# and Redis like `make test`. MUTANTS='srs.days*' limits the run; not part of `make test`.
MUTANTS ?=
mutation: install | var
	$(BIN)/python -m pip install --quiet --group mutation
	$(BIN)/mutmut run --max-children 1 $(MUTANTS)
	$(BIN)/python scripts/mutation_report.py
