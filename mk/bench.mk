# make bench: API throughput under gunicorn, measured with wrk (docs/performance.md).
# Knobs (environment): BENCH_DURATION, BENCH_ROUNDS, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_WORKERS,
# BENCH_THREADS, BENCH_TASKS, BENCH_PORT, BENCH_ONLY (docs/configuration.md);
# MONGODB_URI=... runs it on a real MongoDB. `python -m bench.profile` shows where CPU goes.
# Then the shared side-by-side (../shared/bench: the ceiling, the FastAPI peer, ours as the
# api image runs it) prints the ratios; BENCH_SIDE_BY_SIDE=0 skips it.

WRK_APT := apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends wrk

bench: $(VENV)/.installed ## Requests/s and p50/p99 of the API under gunicorn (see docs/performance.md)
	@command -v wrk >/dev/null || $(WRK_APT) || { apt-get -o DPkg::Lock::Timeout=600 update && $(WRK_APT); }
	$(BIN)/python -m bench.run
	@if [ "$${BENCH_SIDE_BY_SIDE:-1}" != 0 ]; then $(BIN)/python -m bench.side_by_side; fi

# make bench-memory: peak RSS growth of a gunicorn worker per request, for the bodies
# of issue 10 and exports of 100,000 tasks (bench/memory.py; docs/performance.md, "Memory").
.PHONY: bench-memory
bench-memory: $(VENV)/.installed ## Worker memory per request (import, upload, export) under gunicorn
	$(BIN)/python -m bench.memory
