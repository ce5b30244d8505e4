# The two commands of the README:
#   make run    installs everything, builds the graph from the sources and serves it
#   make test   installs everything and runs the tests (what CI runs)
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Where the source files come from: a mirror folder laid out like the publishers' extracts
# (default: ../shared/data when it exists), or, when empty, the publishers themselves.
MIRROR ?= $(firstword $(wildcard ../shared/data))

.PHONY: setup run build serve test lint bench wheel clean

setup: $(VENV)/.installed node_modules/.installed

# npm first: pyproject.toml maps node_modules/ into the package (ecograph/vendor in a wheel), and
# setuptools refuses a mapped folder that does not exist, even for the editable install.
$(VENV)/.installed: pyproject.toml scripts/setup-system.sh node_modules/.installed
	bash scripts/setup-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build: setup
ifneq ($(MIRROR),)
	$(BIN)/ecograph build --mirror $(MIRROR)
else
	$(BIN)/ecograph fetch
	$(BIN)/ecograph build
endif

serve: setup
	$(BIN)/ecograph serve --host $(HOST) --port $(PORT)

run: build serve

lint: setup
	$(BIN)/ruff check src tests bench

test: lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/queries.py

# A wheel that carries the ontology, the saved questions, the templates and the browser libraries
# (see [tool.setuptools] in pyproject.toml); built offline with the venv's pinned setuptools.
wheel: setup
	$(BIN)/pip wheel --no-deps --no-build-isolation --no-index -w var/dist .

clean:
	rm -rf var .pytest_cache
