# Gonghui's commands. README.md promises two of them: `make run` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := 3.11
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PY := .venv/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
CHROMIUM ?= /usr/bin/chromium
SIZE ?= 20000
PYTEST_ARGS ?=

.PHONY: system-deps help env run demo test test-sqlite test-postgres test-browser lint format bench messages clean

help:
	@echo "make run    set up and serve the demo city on http://127.0.0.1:8000"
	@echo "make test   the whole suite on SQLite, then on PostgreSQL when one is reachable"
	@echo "make lint   ruff format --check, ruff check, mypy --strict, template checks"
	@echo "make bench  benchmarks (bench/)"

# uv comes from pip when the machine lacks it (Debian's own Python refuses a plain pip install,
# PEP 668, so a user install is tried next); then the locked environment.
env:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv 2>/dev/null \
		|| python3 -m pip install --quiet --user --break-system-packages uv \
		|| { echo "Could not install uv: install pip (apt-get install python3-pip) or uv, then run make again."; exit 1; }
	@$(UV) sync --frozen --quiet

# Debian packages the tests need: Chromium and CJK fonts for the browser tests, gettext for the
# catalogue check, the TrueType CJK font certificates embed and pdftotext to read them back;
# wrk and pgbench for the vote benchmark (make bench); zbarimg reads share posters' QR codes back.
# Installed when missing and we may (root with apt-get); else said loudly.
SYSTEM_DEPS_MISSING = $(strip \
	$(if $(wildcard $(CHROMIUM)),,chromium) \
	$(if $(shell fc-list 2>/dev/null | grep -i "Noto Sans CJK"),,fonts-noto-cjk) \
	$(if $(shell command -v xgettext 2>/dev/null),,gettext) \
	$(if $(wildcard /usr/share/fonts/truetype/wqy/wqy-microhei.ttc),,fonts-wqy-microhei) \
	$(if $(shell command -v pdftotext 2>/dev/null),,poppler-utils) \
	$(if $(shell command -v zbarimg 2>/dev/null),,zbar-tools) \
	$(if $(shell command -v wrk 2>/dev/null),,wrk) \
	$(if $(shell command -v pgbench 2>/dev/null),,postgresql-contrib))
system-deps:
	@if [ -n "$(SYSTEM_DEPS_MISSING)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages: $(SYSTEM_DEPS_MISSING)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_DEPS_MISSING) >/dev/null; \
		else \
			echo "!!!!!! Missing Debian packages: $(SYSTEM_DEPS_MISSING) (sudo apt-get install $(SYSTEM_DEPS_MISSING)) !!!!!!"; \
		fi; \
	fi

run: env
	@mkdir -p var
	DEBUG=1 DEMO=1 $(PY) manage.py migrate --no-input
	DEBUG=1 DEMO=1 $(PY) manage.py demo_load --size $(SIZE)
	@echo "Serving http://127.0.0.1:8000 with a task worker for imports and exports (Ctrl-C stops both)"
	@DEBUG=1 DEMO=1 $(PY) manage.py db_worker --no-reload -v 0 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		DEBUG=1 DEMO=1 $(PY) manage.py runserver 127.0.0.1:8000

demo: env
	DEBUG=1 DEMO=1 $(PY) manage.py migrate --no-input
	DEBUG=1 DEMO=1 $(PY) manage.py demo_load --size $(SIZE)

test: env system-deps
	@$(MAKE) --no-print-directory test-sqlite
	@if $(PY) -c "import psycopg; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$CI" ]; then \
		echo "FAIL: CI needs PostgreSQL at $(PG_TEST_URL)"; exit 1; \
	else \
		echo; echo "!!!!!! PostgreSQL not reachable at $(PG_TEST_URL): suite ran on SQLite only !!!!!!"; echo; \
	fi

# The whole suite on SQLite; the browser tests too when Debian's Chromium is here.
test-sqlite:
	@if [ -x "$(CHROMIUM)" ]; then \
		echo "== SQLite, with browser tests"; \
		GONGHUI_TESTING=1 $(PY) -m pytest -m "not postgres" $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then \
		echo "FAIL: CI needs Chromium at $(CHROMIUM) for the browser tests"; exit 1; \
	else \
		echo; echo "!!!!!! BROWSER TESTS NOT RUN: no Chromium at $(CHROMIUM) (apt-get install chromium fonts-noto-cjk) !!!!!!"; echo; \
		GONGHUI_TESTING=1 $(PY) -m pytest -m "not browser and not postgres" $(PYTEST_ARGS); \
		echo; echo "!!!!!! BROWSER TESTS NOT RUN: no Chromium at $(CHROMIUM) !!!!!!"; \
	fi

test-postgres:
	@echo "== PostgreSQL"
	GONGHUI_TESTING=1 DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test-browser:
	GONGHUI_TESTING=1 $(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: env
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	GONGHUI_TESTING=1 $(PY) -m mypy gonghui bench tests
	$(PY) -m djlint --lint gonghui
	GONGHUI_TESTING=1 $(PY) manage.py makemigrations --check --dry-run
	GONGHUI_TESTING=1 $(PY) manage.py check --fail-level WARNING

format: env
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Regenerate the catalogue after changing user-facing strings, then translate the new entries.
messages: env
	GONGHUI_TESTING=1 $(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore=.venv --ignore=var
	GONGHUI_TESTING=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

bench: env
	BENCH=$(BENCH) $(PY) bench/run.py

clean:
	rm -rf var .venv .mypy_cache .ruff_cache
