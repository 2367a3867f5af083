# The two commands: `make run` and `make test`. Everything else here is what they need.
PYTHON ?= python3
PORT ?= 5000
# Test workers (pytest-xdist): each has a database of its own. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app grants

.PHONY: run test install assets db demo lint clean

run: install assets db demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install assets
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

assets: grants/static/.built

grants/static/.built: grants/assets/package.json grants/assets/package-lock.json grants/assets/build.mjs grants/assets/application.scss grants/assets/application.js
	cd grants/assets && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	touch $@

db: install
	$(FLASK) db upgrade
	$(FLASK) import-geography

demo: db
	$(FLASK) seed-demo

lint: install
	$(BIN)/ruff check grants tests config.py benchmarks
	$(BIN)/ruff format --check grants tests config.py benchmarks

clean:
	rm -rf $(VENV) grants/static grants/assets/node_modules
