# The README's two commands: `make run` and `make test`. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

# `make run` is for your own machine: development settings unless you say otherwise, and
# links in mails and calendar files that point at the port it serves, unless you set them.
RUN_ENV := IP4DIALOGUE_ENV=$${IP4DIALOGUE_ENV:-development} \
	IP4DIALOGUE_BASE_URL=$${IP4DIALOGUE_BASE_URL:-http://$(HOST):$(PORT)}

.PHONY: run test lint format install clean bench organiser translations

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "ip4dialogue needs Python 3.11 or newer; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes; the stamp records that it is done.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# The catalogues compiled again whenever one changes (a build compiles them too).
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
$(VENV)/.compiled: $(CATALOGUES) hatch_build.py | $(VENV)/.installed
	$(BIN)/python hatch_build.py
	@touch $@

install: $(VENV)/.installed $(VENV)/.compiled

# After wrapping new text in _() or {% trans %}: extract it, then merge it into each catalogue,
# where it waits, untranslated, for a translator (`make test` fails until it has one).
translations: install
	$(BIN)/pybabel -q extract --mapping-file babel.cfg --no-location --sort-output \
		--keywords _l --keywords lazy_gettext --keywords lazy_ngettext:1,2 \
		--keywords lazy_pgettext:1c,2 \
		--project ip4dialogue --copyright-holder "the ip4dialogue authors" \
		--output-file translations/messages.pot .
	$(BIN)/pybabel -q update --input-file translations/messages.pot --output-dir translations \
		--no-fuzzy-matching --ignore-obsolete

run: install
	$(RUN_ENV) $(BIN)/flask --app ip4dialogue db upgrade
	$(RUN_ENV) $(BIN)/flask --app ip4dialogue seed
	$(RUN_ENV) $(BIN)/flask --app ip4dialogue run --host $(HOST) --port $(PORT)

# An organiser account on the database `make run` serves; the password is asked for.
organiser: install
	@test -n "$(EMAIL)" && test -n "$(NAME)" || \
		{ echo 'Usage: make organiser EMAIL=you@example.org NAME="Your Name"'; exit 2; }
	$(RUN_ENV) $(BIN)/flask --app ip4dialogue organiser create "$(EMAIL)" --name "$(NAME)" \
		$(if $(PASSWORD),--password "$(PASSWORD)")

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache dist build
