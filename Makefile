# Every target creates .venv itself, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: setup run test test-repeat lint golden phone-docs ics-check bench clean

$(STAMP): pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

setup: $(STAMP)

# The service on its embedded default: SQLite in ./instance, http://127.0.0.1:8000/
run: setup
	$(BIN)/permitcal db upgrade
	$(BIN)/permitcal serve --host 127.0.0.1 --port 8000

lint: setup
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks
	$(BIN)/mypy

# One pytest worker per core, taking tests as they free up (a worker whose tests
# share a module's server or browser starts its own).
test: lint
	$(BIN)/pytest -n auto --dist worksteal

# The tests that talk to real servers and browsers, N times in a row (not in CI:
# run it before submitting a change that touches them); stops at the first failure.
# Here the flake hunts run long: FIRST_STARTS first starts of four gunicorn workers
# (CI: 1), LOAD_ROUNDS rounds of the serve load test per client (CI: 8) and
# RACE_ROUNDS races per race test (CI: 25).
N ?= 20
FIRST_STARTS ?= 10
LOAD_ROUNDS ?= 32
RACE_ROUNDS ?= 100
LIVE_TESTS := tests/web/test_browser.py tests/web/test_phone_page.py tests/web/test_caldav.py tests/web/test_caldav_answers.py tests/web/test_caldav_vdirsyncer.py tests/web/test_feeds.py \
	tests/web/test_races.py tests/web/test_gunicorn.py tests/web/test_serve_load.py \
	tests/web/test_calendar_over_time.py tests/web/test_store.py tests/web/test_body_limit.py \
	tests/web/test_compress.py tests/web/test_https_proxy.py tests/web/test_database_faults.py \
	tests/web/test_serve.py tests/web/test_page_flow.py
test-repeat: setup
	for i in $$(seq 1 $(N)); do \
	  echo "== run $$i of $(N)"; \
	  PERMITCAL_TEST_FIRST_STARTS=$(FIRST_STARTS) PERMITCAL_TEST_LOAD_ROUNDS=$(LOAD_ROUNDS) \
	  PERMITCAL_TEST_RACE_ROUNDS=$(RACE_ROUNDS) \
	    $(BIN)/pytest -q -x -p no:cacheprovider $(LIVE_TESTS) || exit 1; \
	done

# Rewrite the golden .ics files after an intended change of output; review the diff.
golden: setup
	PERMITCAL_REGENERATE_GOLDEN=1 $(BIN)/pytest tests/test_golden.py

# Rewrite the steps in docs/phones/*.md from permitcal.web.page.phones after changing a step.
phone-docs: setup
	PERMITCAL_REGENERATE_PHONE_DOCS=1 $(BIN)/pytest -q tests/test_phone_docs.py

# The shared independent checker (../shared/tools/ics-check) on the example output.
# A plain clone has no ../shared: say so and succeed. The temporary copy is removed.
ICS_CHECK ?= ../shared/tools/ics-check
ics-check: setup
	@if [ ! -d "$(ICS_CHECK)" ]; then echo "ics-check skipped: $(ICS_CHECK) not found (set ICS_CHECK=path)"; exit 0; fi; \
	d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && cp -r "$(ICS_CHECK)" "$$d/ics-check" \
	  && "$$d/ics-check/setup.sh" >/dev/null \
	  && $(BIN)/python examples/write_ics.py "$$d/example.ics" \
	  && "$$d/ics-check/.venv/bin/python" "$$d/ics-check/validate_ics.py" --feed --quiet "$$d/example.ics"

# Every figure of #19 in one run: feed throughput under gunicorn (stored feed 200, 304,
# gzip; the stateless feed) as ratios to yardsticks served alongside, then the
# computation's figures: compute against b337383 when BASELINE names that code's
# Python (see benchmarks/compute_speed.py), cold render against icalendar, FEEDS feeds;
# last the re-render of STORED_FEEDS stored subscriptions through the service.
BASELINE ?= $(PERMITCAL_BASELINE_PYTHON)
FEEDS ?= 100000
STORED_FEEDS ?= 100000
bench: setup
	$(BIN)/python benchmarks/feed_throughput.py
	$(BIN)/python benchmarks/compute_speed.py --feeds $(FEEDS) $(if $(BASELINE),--baseline $(BASELINE))
	$(BIN)/python benchmarks/stored_rerender.py --feeds $(STORED_FEEDS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
