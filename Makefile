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

.PHONY: install demo test lint typecheck pytest pytest-external chromium messages db-stop clean help

help:
	@echo "make demo   - cài đặt, tạo dữ liệu mẫu và chạy ứng dụng tại http://$(HOST):$(PORT)"
	@echo "make test   - cài đặt và chạy mọi kiểm tra (ruff, mypy, pytest, trình duyệt)"

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

pytest: install chromium
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

# The same suite against an external PostgreSQL (CI: the machine's PostgreSQL 15).
pytest-external: install chromium
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== pytest against TEST_DATABASE_URL"; \
	  DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest $(PYTEST_ARGS); \
	else echo "TEST_DATABASE_URL not set: external-server run skipped"; fi

test: install lint typecheck pytest pytest-external

db-stop:
	-$(GIAMNGHEO) db stop

clean: db-stop
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
