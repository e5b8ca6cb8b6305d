# giamngheo: two commands matter. `make demo` installs and serves the app with demo data;
# `make test` installs and runs every check. Both need only python3 (with venv) and make;
# `make test` also installs Debian's chromium (browser tests) when it is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
GIAMNGHEO := $(BIN)/giamngheo
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_HOUSEHOLDS ?= 20000
PYTEST_ARGS ?=
# pytest-xdist: one worker per core, each with its own test database (pytest-django suffixes
# its name with _gw0, _gw1…). The work units and their order are set in tests/conftest.py (a
# file whose tests share a module-scoped world stays on one worker; the long crawls go first).
# The migrations run once: the workers' databases are copies of one migrated template database
# (tests/db_template.py), kept on the server for the next run while the migrations are unchanged.
# PYTEST_ARGS="-n 0" runs in one process (so does a bare `.venv/bin/pytest FILE`).
PYTEST_XDIST ?= -n auto --dist loadgroup --no-loadscope-reorder
# Production-like settings for the deployment checks (README, "Database"; the secret key is
# drawn at each run). DATABASE_URL points nowhere on purpose: neither check needs a database,
# and it keeps the embedded server from being started for them.
CHECKS_ENV := env -u GIAMNGHEO_DEBUG -u GIAMNGHEO_DEMO -u GIAMNGHEO_TEST_SETTINGS GIAMNGHEO_PRODUCTION=1 \
  DJANGO_SETTINGS_MODULE=giamngheo.settings \
  DATABASE_URL=postgres://giamngheo@127.0.0.1:1/giamngheo \
  GIAMNGHEO_ALLOWED_HOSTS=giamngheo.example.org GIAMNGHEO_TRUSTED_PROXY_COUNT=1 \
  GIAMNGHEO_SECURE_COOKIES=1 GIAMNGHEO_SSL_REDIRECT=1 GIAMNGHEO_HSTS_SECONDS=31536000 \
  GIAMNGHEO_HSTS_INCLUDE_SUBDOMAINS=1 GIAMNGHEO_HSTS_PRELOAD=1 \
  PYTHONWARNINGS='ignore:Got an error checking a consistent migration history:RuntimeWarning'

.PHONY: install demo test lint typecheck checks pytest pytest-external chromium messages db-stop clean help

help:
	@echo "make demo   - cài đặt, tạo dữ liệu mẫu và chạy ứng dụng tại http://$(HOST):$(PORT)"
	@echo "make test   - cài đặt và chạy mọi kiểm tra (ruff, mypy, migrations, check --deploy, pytest, trình duyệt)"

$(STAMP): pyproject.toml requirements/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) messages

# Compile translations with Babel (pure Python: no system gettext needed).
messages: $(STAMP)
	@$(BIN)/pybabel compile --use-fuzzy -d src/giamngheo/locale -D django --statistics 2>&1 | grep -v '^$$' || true

demo: install
	$(GIAMNGHEO) db start
	$(GIAMNGHEO) migrate --no-input
	$(GIAMNGHEO) areas load
	$(GIAMNGHEO) demo load --households $(DEMO_HOUSEHOLDS)
	$(GIAMNGHEO) serve --host $(HOST) --port $(PORT)

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	PYTHONPATH=src $(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

# No model change without its migration; `check --deploy` clean with production settings.
checks: $(STAMP)
	@key="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')"; \
	  echo "== giamngheo makemigrations --check --dry-run"; \
	  $(CHECKS_ENV) GIAMNGHEO_SECRET_KEY="$$key" $(GIAMNGHEO) makemigrations --check --dry-run && \
	  echo "== giamngheo check --deploy --fail-level WARNING (production settings)" && \
	  $(CHECKS_ENV) GIAMNGHEO_SECRET_KEY="$$key" $(GIAMNGHEO) check --deploy --fail-level WARNING

pytest: install chromium
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The same suite against an external PostgreSQL (CI: the machine's PostgreSQL 15), except the
# long tests that are not about which server serves them (marker once: the real-process
# operations tests, the crawls): they ran above, and running them twice would take CI past 30 min.
pytest-external: install chromium
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== pytest against TEST_DATABASE_URL"; \
	  DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest $(PYTEST_XDIST) -m "not once" $(PYTEST_ARGS); \
	else echo "TEST_DATABASE_URL not set: external-server run skipped"; fi

test: install lint typecheck checks pytest pytest-external

db-stop:
	-$(GIAMNGHEO) db stop

clean: db-stop
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
