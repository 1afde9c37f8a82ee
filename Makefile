# Every target creates .venv itself, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: setup run test lint golden ics-check clean

$(STAMP): pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

setup: $(STAMP)

# Until the web service lands (issue #3), "run" shows the seed example's deadlines.
run: setup
	$(BIN)/permitcal show --issued 2023-06-01

lint: setup
	$(BIN)/ruff check src tests examples
	$(BIN)/ruff format --check src tests examples
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# Rewrite the golden .ics files after an intended change of output; review the diff.
golden: setup
	PERMITCAL_REGENERATE_GOLDEN=1 $(BIN)/pytest tests/test_golden.py

# The shared independent checker (../shared/tools/ics-check) on the example output.
ics-check: setup
	d=$$(mktemp -d) && cp -r ../shared/tools/ics-check "$$d" && "$$d/ics-check/setup.sh" >/dev/null \
	  && $(BIN)/python examples/write_ics.py "$$d/example.ics" \
	  && "$$d/ics-check/.venv/bin/python" "$$d/ics-check/validate_ics.py" --feed --quiet "$$d/example.ics"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
