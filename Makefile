# Palveluopas: `make run` (set up and start the bot), `make test` (the whole suite), `make chat`.
# Only Python 3.11, git and make are needed; everything else is installed into .venv.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when pyproject.toml is newer than the last install.
STAMP := $(VENV)/.installed

.PHONY: run test lint chat install db-upgrade kb-validate teams-package lock clean

run: db-upgrade
	$(BIN)/palveluopas run

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The quality gate CI runs: lint, format, types, layer contracts.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

chat: db-upgrade
	$(BIN)/palveluopas chat $(CHAT_ARGS)

install: $(STAMP)

db-upgrade: install
	$(BIN)/palveluopas db upgrade

kb-validate: install
	$(BIN)/palveluopas kb validate --strict

# The Teams app package of one environment (deploy/build/palveluopas-teams-<version>.zip).
# Values come from TEAMS_ARGS or the environment, e.g. an environment's deploy/.env:
#   set -a; . deploy/.env; set +a; make teams-package TEAMS_ARGS='--name-suffix "(testi)"'
teams-package: install
	$(BIN)/palveluopas teams-package $(TEAMS_ARGS)

# The image's exact dependency versions, with hashes, from pyproject.toml's ranges. Run after
# changing a dependency; versions already locked are kept while they still fit (a test checks
# the lock is current). `make lock LOCK_ARGS=--upgrade` moves everything to the newest.
LOCK_COMMAND = $(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes --custom-compile-command "make lock"
lock: install
	$(LOCK_COMMAND) $(LOCK_ARGS) -o deploy/requirements.lock

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed: no python3.11 or python3 on PATH" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is needed; $(PYTHON) is " + sys.version.split()[0] + " (set PYTHON=/path/to/python3.11)")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info deploy/build
