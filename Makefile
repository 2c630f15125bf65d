# Two commands on a fresh machine with Python 3.11+:
#   make demo   set up, create the database, seed the demo, serve http://127.0.0.1:5000
#               (another port: make demo PORT=8080; the printed links follow it)
#   make test   set up and run the whole test suite (lint, types, tests)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Unless SITE_URL is set, the app's links use this port too (briefing/config.py).
export PORT

.PHONY: install demo serve test lint bench clean messages translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The compiled catalogs, remade whenever a translation changes (the install compiles them
# too, setup.py; they are not in the repository).
CATALOGS := $(wildcard briefing/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
$(COMPILED): %.mo: %.po | $(STAMP)
	$(BIN)/python -m briefing.catalogs compile

install: $(STAMP) $(COMPILED)

demo: install
	$(BIN)/flask --app briefing init-db
	$(BIN)/flask --app briefing seed-demo
	$(BIN)/flask --app briefing run --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/flask --app briefing run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check briefing tests bench setup.py
	$(BIN)/ruff format --check briefing tests bench setup.py
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# The interface's catalogs (briefing/translations): `messages` extracts the strings of the
# code and templates and merges them into each language's .po (then translate the empty
# ones); `translations` compiles the .mo files (built, never committed).
messages: install
	$(BIN)/python -m briefing.catalogs update

translations: install
	$(BIN)/python -m briefing.catalogs compile

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
