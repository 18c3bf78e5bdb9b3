# Two commands set everything up on a fresh machine (Python 3.11+ and make are all it needs):
#   make demo   builds a sample district into the embedded store (demo.db) and summarises it
#   make test   runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/orggraph demo --scale street --store demo.db --replace

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run core --scale district --repeat 3
	$(BIN)/python -m benchmarks.run importers --scale district --repeat 1
	$(BIN)/python -m benchmarks.run queries --scale district --repeat 3
	$(BIN)/python -m benchmarks.run api --scale district --repeat 3
	$(BIN)/python -m benchmarks.run web --scale district --repeat 5
	$(BIN)/python -m benchmarks.run bolt --scale district --repeat 3
	$(BIN)/python -m benchmarks.run peers --scale district --repeat 3
	$(BIN)/python -m benchmarks.run cases --scale district --repeat 3
	$(BIN)/python -m benchmarks.run search --scale district --repeat 3

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm
