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
	@command -v msgmerge >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

migrations-check: install
	mkdir -p $(SOLIDALE_VAR_DIR)
	SOLIDALE_TESTING=1 $(SOLIDALE) makemigrations --check --dry-run

# The whole suite: unit and view tests with the access matrix on two processes, then the
# end-to-end journeys (Chromium against the real server, built once per run).
test: install chromium lint typecheck migrations-check
	SOLIDALE_TESTING=1 $(BIN)/pytest -q -n 2 -m "not e2e"
	SOLIDALE_TESTING=1 $(BIN)/pytest -q -m e2e

unit: install
	SOLIDALE_TESTING=1 $(BIN)/pytest -q -m "not e2e"

e2e: install chromium
	SOLIDALE_TESTING=1 $(BIN)/pytest -q -m e2e

# English catalogs (the gettext sources are Italian): one run from the package root fills
# every app's locale/ and src/solidale/locale; translate the new entries, then compile.
messages: install chromium
	cd src/solidale && for app in */apps.py; do mkdir -p "$$(dirname $$app)/locale"; done
	cd src/solidale && env -u DJANGO_SETTINGS_MODULE ../../$(BIN)/django-admin makemessages -l en --no-obsolete
	cd src/solidale && env -u DJANGO_SETTINGS_MODULE ../../$(BIN)/django-admin compilemessages

bench: install
	$(SOLIDALE) bench

clean:
	rm -rf $(VENV) var
