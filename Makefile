# Two commands do all the set-up: `make brief` and `make test`.
# Both create .venv when it is missing and install the project into it;
# nothing is registered outside this folder.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.simlib-installed
SCENARIO ?= params/qingzhen_2025.yaml

.PHONY: brief test lab bench setup clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

brief: $(STAMP)
	$(BIN)/simlib brief $(SCENARIO)

# Most tests wait on kernels and subprocesses: one worker per core (two here) halves the wall time.
# Whole files go to one worker, so a module's shared briefs are rendered once.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=15

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) outputs/*/
