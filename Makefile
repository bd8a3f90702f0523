# Everything runs from .venv, which this Makefile builds itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/calldesk demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# mypy, strict on telephony/, console/server/, console/config/, console/crm/ and console/store/
# (pyproject.toml); it also checks, by the base rules only, the modules those import (console/i18n,
# console/errors.py, console/heap.py). Not checked yet: the consoles (console/tui), the CLI
# (console/cli) and console/doctor; they are next.
# ruff: the whole tree.
TYPED := telephony console/server console/config console/crm console/store
lint: $(STAMP)
	$(BIN)/mypy $(TYPED)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var build *.egg-info
