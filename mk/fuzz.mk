# make test-fuzz: schemathesis against the API as production serves it (gunicorn on
# loopback, DEBUG off, a token): every check, every phase including the stateful
# one, a fixed seed, bounded examples and time (scripts/fuzz/run.py, docs/testing.md).
# schemathesis lives in its own cached venv, $(CACHE_DIR)/fuzz-tools, pinned in
# scripts/fuzz/requirements-tools.txt (its dependency tree stays out of the app's lock).

FUZZ_TOOLS := $(CACHE_DIR)/fuzz-tools
FUZZ_BIN := $(FUZZ_TOOLS)/bin
FUZZ_MAX_EXAMPLES ?= 25
FUZZ_MAX_TIME ?= 150

.PHONY: fuzz-tools test-fuzz

$(FUZZ_TOOLS)/.installed: scripts/fuzz/requirements-tools.txt
	@echo "Installing schemathesis into $(FUZZ_TOOLS)"
	@rm -rf $(FUZZ_TOOLS)/bin $(FUZZ_TOOLS)/lib
	$(PYTHON) -m venv $(FUZZ_TOOLS)
	$(FUZZ_BIN)/python -m pip install --quiet --upgrade pip
	$(FUZZ_BIN)/python -m pip install --quiet -r scripts/fuzz/requirements-tools.txt
	@touch $@

fuzz-tools: $(FUZZ_TOOLS)/.installed ## Install schemathesis (cached)

test-fuzz: $(VENV)/.installed $(FUZZ_TOOLS)/.installed ## schemathesis on the API under gunicorn: all checks, stateful, fixed seed
	$(BIN)/python scripts/fuzz/run.py $(FUZZ_BIN)/st \
		--max-examples $(FUZZ_MAX_EXAMPLES) --max-time $(FUZZ_MAX_TIME)
