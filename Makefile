# cop: two commands on a fresh machine (Python 3.11, Node.js/npm, make):
#   make run    set everything up and serve the demo on http://127.0.0.1:5000
#   make test   set everything up and run the whole test suite
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
COP_TEST_POSTGRES_URL ?= postgresql+pg8000://postgres@127.0.0.1:5432/test
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST := $(PY) -m pytest

.PHONY: setup run test test-sqlite test-postgres test-gevent lint bench clean

setup: $(VENV)/.installed node_modules/.installed /usr/bin/chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Browser tests drive Debian's Chromium; never a downloaded browser build.
/usr/bin/chromium:
	$(SUDO) apt-get update -q
	$(SUDO) apt-get install -y -q chromium

run: setup
	$(VENV)/bin/cop serve --demo

# The whole suite: lint, everything on SQLite (eventlet server), the database-facing
# tests again on PostgreSQL, and the real-server tests under gevent.
test: setup lint test-sqlite test-postgres test-gevent

lint:
	$(VENV)/bin/ruff check cop tests bench

test-sqlite:
	$(PYTEST)

test-postgres:
	COP_TEST_DATABASE_URL=$(COP_TEST_POSTGRES_URL) $(PYTEST) -m "not e2e"

test-gevent:
	COP_ASYNC_MODE=gevent $(PYTEST) -m "realserver or e2e"

bench: setup
	$(PY) -m bench.live_fanout

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
