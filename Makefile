# Solidale — two commands: `make run` (demo city on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SOLIDALE := $(BIN)/solidale
export SOLIDALE_VAR_DIR ?= $(CURDIR)/var

.PHONY: install run test lint typecheck migrations-check unit e2e chromium messages bench clean

$(VENV)/.installed: pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p $(SOLIDALE_VAR_DIR)
	$(SOLIDALE) migrate --noinput
	$(SOLIDALE) collectstatic --noinput --verbosity 0
	$(SOLIDALE) seed --if-empty
	$(SOLIDALE) serve

chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

migrations-check: install
	SOLIDALE_TESTING=1 $(SOLIDALE) makemigrations --check --dry-run

test: install chromium lint typecheck migrations-check
	SOLIDALE_TESTING=1 $(BIN)/pytest -q

bench: install
	$(SOLIDALE) bench

clean:
	rm -rf $(VENV) var
