# Palveluopas: `make run` (set up and start the bot), `make test` (the whole suite), `make chat`.
# Only Python 3.11, git and make are needed; everything else is installed into .venv.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when pyproject.toml is newer than the last install.
STAMP := $(VENV)/.installed

.PHONY: run test lint chat install db-upgrade kb-validate teams-package clean

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

# The Teams app package (deploy/build/palveluopas-teams.zip); needs MicrosoftAppId.
teams-package: install
	$(BIN)/palveluopas teams-package

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
