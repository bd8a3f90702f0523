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

# mypy, strict on telephony/ and console/server/ (pyproject.toml), also checks the console/crm and
# console/store modules those import; the rest of console/ (the consoles, the CLI) is next.
# ruff: the whole tree.
TYPED := telephony console/server console/config console/crm
lint: $(STAMP)
	$(BIN)/mypy $(TYPED)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var build *.egg-info
