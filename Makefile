# Taskapp: the two commands a newcomer needs are `make run` and `make test`.
# Each installs what it needs. Heavy tools (Chromium, Docker engine, helm,
# checkers) go into $(CACHE_DIR), reused between runs.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CACHE_DIR ?= $(HOME)/.cache/taskapp
ARTIFACTS ?= $(CURDIR)/test-artifacts
export CACHE_DIR ARTIFACTS

HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run superuser token test test-py test-mongo lint format migrations-check bench

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Taskapp needs Python 3.11, found " + sys.version.split()[0]' \
		|| { echo "error: Python 3.11 is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml or the lock changes. The exact versions and
# hashes come from requirements/test.txt (`make lock` writes it from the ranges in
# pyproject.toml); Taskapp itself goes in editable, without resolving anything.
$(VENV)/.installed: pyproject.toml requirements/test.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

install: $(VENV)/.installed ## Create the virtualenv and install Taskapp with its test tools

run: export TASKAPP_DEBUG ?= true
run: export TASKAPP_SECURE_COOKIES ?= false
run: $(VENV)/.installed ## Run Taskapp on http://127.0.0.1:8000 (SQLite in ./data)
	$(BIN)/python manage.py migrate --noinput
	@echo ""
	@echo "  Taskapp is starting on http://$(HOST):$(PORT)/"
	@echo "  Sign up at http://$(HOST):$(PORT)/accounts/signup/ to create your account."
	@echo "  The JSON API is at http://$(HOST):$(PORT)/api/ (Swagger UI: /api/docs)."
	@echo "  Admin: make superuser (in another terminal), then http://$(HOST):$(PORT)/admin/"
	@echo "  An API token from the command line: make token USER=<username>"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The commands `make run` prints, with the same local settings (debug: no secret key
# needed; the same ./data database).
LOCAL_ENV := TASKAPP_DEBUG=$${TASKAPP_DEBUG:-true} TASKAPP_SECURE_COOKIES=$${TASKAPP_SECURE_COOKIES:-false}

superuser: $(VENV)/.installed ## Create an admin account for `make run` (asks; or set DJANGO_SUPERUSER_USERNAME/_EMAIL/_PASSWORD)
	$(LOCAL_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(LOCAL_ENV) $(BIN)/python manage.py createsuperuser $(if $(DJANGO_SUPERUSER_PASSWORD),--noinput)

token: $(VENV)/.installed ## Print a new API token for `make run`: make token USER=<username> [NAME=<token name>]
	@[ "$(origin USER)" = "command line" ] || { echo "usage: make token USER=<username> [NAME=<token name>]" >&2; exit 2; }
	@$(LOCAL_ENV) $(BIN)/python manage.py create_api_token "$(USER)" "$(or $(NAME),make token)"

PYTEST := $(BIN)/python -m pytest
FAST_TESTS := -m "not browser and not container and not deploy"

test: ## Run every test: both databases, API fuzzing, browser, images, chart, infra, release (installs what it needs)
	$(MAKE) lint
	$(MAKE) test-py
	$(MAKE) test-mongo
	$(MAKE) test-fuzz
	$(MAKE) test-browser
	$(MAKE) smoke
	$(MAKE) test-deploy
	$(MAKE) test-infra
	$(MAKE) test-release
	@echo ""
	@echo "All checks passed. Screenshots and reports: $(ARTIFACTS)"

test-py: $(VENV)/.installed ## Unit, API and view tests on SQLite
	$(PYTEST) $(FAST_TESTS)

test-mongo: $(VENV)/.installed ## The same tests on django-mongodb-backend (in-process stand-in)
	TASKAPP_TEST_DB=mongo $(PYTEST) $(FAST_TESTS)

lint: $(VENV)/.installed ## ruff, the import contracts, bandit (pyproject.toml, [tool.importlinter], [tool.bandit])
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/bandit -q -c pyproject.toml -r config api ui taskapp manage.py

format: $(VENV)/.installed ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

include $(wildcard mk/*.mk)
