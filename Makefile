# eudesk: `make run` serves the app on its embedded default (SQLite + bundled real data); `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_WORKERS ?= 2

.PHONY: install run test test-fast lint bench bench-quick clean doctor

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: install
	$(BIN)/eudesk serve

doctor: install
	$(BIN)/eudesk doctor

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not slow" tests
	$(BIN)/python -m pytest -m slow tests

test-fast: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not slow and not browser" tests

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: install
	mkdir -p bench-results
	$(BIN)/python -m benchmarks task-to-call ../shared/bench/task_to_call_examples.jsonl --json bench-results/task_to_call.json
	$(BIN)/python -m benchmarks objective-to-topic ../shared/bench/objective_to_topic.jsonl --json bench-results/objective_to_topic.json
	$(BIN)/python -m benchmarks partner-suggestion ../shared/data/cordis/h2020/organizations_sample.csv ../shared/data/cordis/json_sample/organization.json --json bench-results/partner_suggestion.json
	$(BIN)/python -m benchmarks embedder ../shared/bench/embedder_texts.jsonl --json bench-results/embedder.json
	$(BIN)/python -m benchmarks sync --json bench-results/sync.json
	$(BIN)/python -m benchmarks web --json bench-results/web.json

bench-quick: install
	mkdir -p bench-results
	$(BIN)/python -m benchmarks task-to-call ../shared/bench/task_to_call_examples.jsonl --quick --json bench-results/task_to_call.json

clean:
	rm -rf $(VENV) var bench-results .pytest_cache .mypy_cache .ruff_cache
