"""`make bench`: seed a throwaway database, serve the API with gunicorn, drive it with wrk.

Everything lives in a temporary directory that is removed at the end; the only
thing left behind is the JSON report in bench-results/ (gitignored). Settings come
from the environment so that `make bench` needs no arguments:

  BENCH_DURATION (5 s per endpoint and round), BENCH_ROUNDS (3; the median counts),
  BENCH_WARMUP (2 s per endpoint, before its first round),
  BENCH_CONNECTIONS (8), BENCH_WORKERS (2), BENCH_THREADS (the config's default),
  BENCH_TASKS (1000), BENCH_PORT (first free port from 18200),
  BENCH_ONLY (e.g. "list,get": measure only these, beside the ceiling).

With MONGODB_URI set, the run uses that server, in a database of its own
(taskapp_bench_<random>) that is dropped at the end.
"""

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from bench import cpu, report, wrk

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench-results"
GUNICORN_CONF = ROOT / "config" / "gunicorn_conf.py"
# The ports this harness may use (the team splits loopback ports by role).
PORT_RANGE = range(18200, 18300)
MONGO_DB_PREFIX = "taskapp_bench_"
READY_TIMEOUT_S = 30


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    expect: int
    body: str = ""
    adds_rows: bool = False


ENDPOINTS = (
    Endpoint(report.CEILING, "GET", "/healthz", 200),
    Endpoint("list", "GET", "/api/v1/tasks?limit=50", 200),
    Endpoint("get", "GET", "/api/v1/tasks/{id}", 200),
    Endpoint("update", "PATCH", "/api/v1/tasks/{id}", 200, '{"title": "Bench update {n}"}'),
    Endpoint("create", "POST", "/api/v1/tasks", 201, '{"title": "Bench create {n}"}', True),
)


class BenchError(RuntimeError):
    pass


def parse_args(argv=None, environ=os.environ) -> argparse.Namespace:
    def setting(name, default):
        return int(environ.get(name) or default)

    parser = argparse.ArgumentParser(
        description="Measure API throughput (see docs/performance.md)."
    )
    parser.add_argument("--duration", type=int, default=setting("BENCH_DURATION", 5))
    parser.add_argument("--rounds", type=int, default=setting("BENCH_ROUNDS", 3))
    parser.add_argument("--warmup", type=int, default=setting("BENCH_WARMUP", 2))
    parser.add_argument("--connections", type=int, default=setting("BENCH_CONNECTIONS", 8))
    parser.add_argument("--workers", type=int, default=setting("BENCH_WORKERS", 2))
    parser.add_argument(
        "--threads",
        type=int,
        default=setting("BENCH_THREADS", 0),
        help="gunicorn threads per worker (0: the config's default)",
    )
    parser.add_argument("--tasks", type=int, default=setting("BENCH_TASKS", 1000))
    parser.add_argument("--port", type=int, default=setting("BENCH_PORT", 0))
    parser.add_argument(
        "--only",
        default=environ.get("BENCH_ONLY", ""),
        help="comma-separated endpoints to measure (the ceiling always runs)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 30 or not 1 <= args.rounds <= 9:
        parser.error("--duration must be 1..120 s, --warmup 0..30 s, --rounds 1..9")
    if args.port and args.port not in PORT_RANGE:
        parser.error(f"--port must be in {PORT_RANGE.start}-{PORT_RANGE.stop - 1}")
    try:
        args.endpoints = select_endpoints(args.only)
    except ValueError as exc:
        parser.error(str(exc))
    return args


def select_endpoints(only: str) -> tuple[Endpoint, ...]:
    """The endpoints named in ``only`` (all when empty), always with the ceiling."""
    names = {name.strip() for name in only.split(",") if name.strip()}
    unknown = names - {e.name for e in ENDPOINTS}
    if unknown:
        raise ValueError(f"unknown endpoint(s): {', '.join(sorted(unknown))}")
    return tuple(e for e in ENDPOINTS if not names or e.name in names or e.name == report.CEILING)


def schedule(endpoints, rounds: int) -> list[Endpoint]:
    """The run order. Endpoints that leave the data as it was take turns, round after
    round, so that a busy moment on this shared machine hits them alike (the ceiling
    included); endpoints that add rows run last, so list still sees the seeded tasks."""
    steady = [e for e in endpoints if not e.adds_rows]
    growing = [e for e in endpoints if e.adds_rows]
    return [e for _ in range(rounds) for e in steady] + [e for e in growing for _ in range(rounds)]


def free_ports(count: int, preferred: int = 0, ports=PORT_RANGE) -> list[int]:
    """``count`` loopback ports from ``ports`` that nothing listens on."""
    candidates = ([preferred] if preferred else []) + [p for p in ports if p != preferred]
    found = []
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise BenchError(f"no {count} free ports in {ports.start}-{ports.stop - 1}")


def server_env(*, data_dir: str, port: int, metrics_port: int, workers: int, threads: int,
               environ=os.environ) -> dict[str, str]:  # fmt: skip
    """The environment of the seeding process and of gunicorn: the api role, production
    settings, a throwaway secret and data directory (or MongoDB database)."""
    env = dict(environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        TASKAPP_ROLE="api",
        TASKAPP_DEBUG="false",
        TASKAPP_SECRET_KEY=secrets.token_urlsafe(32),
        TASKAPP_ALLOWED_HOSTS="127.0.0.1",
        TASKAPP_DATA_DIR=data_dir,
        PORT=str(port),
        TASKAPP_METRICS_PORT=str(metrics_port),
        TASKAPP_WORKERS=str(workers),
        # config/gunicorn.py's metrics files go inside the throwaway directory, and
        # the drain before a stop (for load balancers) is not needed here.
        PROMETHEUS_MULTIPROC_DIR=str(Path(data_dir).parent / "metrics"),
        TASKAPP_DRAIN_SECONDS="0",
    )
    # Production recycles a worker every ~5,000 requests (a fork of the preloaded
    # master); off here so this part measures the endpoints alone. Ask for it with
    # TASKAPP_MAX_REQUESTS=N make bench; the side-by-side keeps the image's default.
    env.setdefault("TASKAPP_MAX_REQUESTS", "0")
    if threads:
        env["TASKAPP_THREADS"] = str(threads)
    if env.get("MONGODB_URI"):
        env["TASKAPP_MONGODB_NAME"] = MONGO_DB_PREFIX + secrets.token_hex(4)
    return env


def gunicorn_command(*, port: int, workers: int, threads: int, conf: Path = GUNICORN_CONF):
    """gunicorn with the production config file when there is one (it reads workers
    and threads from the environment); the bind is always loopback."""
    cmd = [sys.executable, "-m", "gunicorn"]
    if conf.exists():
        cmd += ["--config", str(conf)]
    else:
        cmd += ["--workers", str(workers)] + (["--threads", str(threads)] if threads else [])
    return [*cmd, "--bind", f"127.0.0.1:{port}", "config.wsgi:application"]


def parse_print_config(output: str) -> dict[str, str]:
    """`gunicorn --print-config` lines ('workers   = 2') as a dict."""
    pairs = (re.match(r"^(\w+)\s+=\s+(.*)$", line) for line in output.splitlines())
    return {m[1]: m[2].strip() for m in pairs if m}


def run_quiet(cmd: list[str], env: dict, timeout: int) -> str:
    done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
        cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"{' '.join(cmd[:4])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def seed_database(env: dict, tasks: int, out: Path) -> dict:
    cmd = [sys.executable, "-m", "bench.seed", "--count", str(tasks), "--out", str(out)]
    run_quiet(cmd, env, timeout=600)
    return json.loads(out.read_text(encoding="utf-8"))


@contextmanager
def gunicorn(cmd: list[str], env: dict, log: Path):
    """Start gunicorn in a session of its own; stop it by its pid on the way out."""
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
            cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the group of the session started above
        proc.wait(timeout=10)


def request(url: str, *, method="GET", body: str = "", token: str = "", timeout=5):
    """(status, body bytes) of one request; HTTP errors are answers, not exceptions."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        url, data=body.encode() or None, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(proc: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError("gunicorn exited at start:\n" + log.read_text()[-3000:])
        try:
            if request(base_url + "/healthz", timeout=1)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /healthz within {READY_TIMEOUT_S} s")


def worker_boots(log_text: str) -> int:
    """How many workers gunicorn started (its log says so once per worker)."""
    return log_text.count("Booting worker")


def page_size(payload: bytes) -> int:
    """How many items a list answer holds (a list, or the longest list in an object)."""
    data = json.loads(payload)
    if isinstance(data, list):
        return len(data)
    return max((len(v) for v in data.values() if isinstance(v, list)), default=0)


def probe(endpoint: Endpoint, base_url: str, token: str, task_id: str) -> None:
    """One request before the load, so that a wrong status is not measured as speed."""
    path = endpoint.path.replace("{id}", task_id)
    body = endpoint.body.replace("{n}", "0")
    status, payload = request(base_url + path, method=endpoint.method, body=body, token=token)
    if status != endpoint.expect:
        raise BenchError(
            f"{endpoint.method} {path} answered {status}, expected {endpoint.expect}: "
            f"{payload[:300]!r}"
        )
    if endpoint.name == "list" and page_size(payload) != 50:
        raise BenchError(f"{path} returned {page_size(payload)} tasks, expected 50")


def measure(endpoint: Endpoint, *, server_pid, base_url, token, ids_file, args, warm_up):
    """One measured wrk run (after a warm-up if asked), with the server's CPU time."""

    def wrk_run(duration_s: int) -> wrk.WrkRun:
        cmd = wrk.command(
            base_url=base_url,
            method=endpoint.method,
            path=endpoint.path,
            body=endpoint.body,
            token=token,
            ids_file=str(ids_file),
            duration_s=duration_s,
            connections=args.connections,
        )
        return wrk.run(cmd, duration_s=duration_s)

    if warm_up and args.warmup:
        wrk_run(args.warmup)
    cpu_before = cpu.tree_cpu_seconds(server_pid)
    run = wrk_run(args.duration)
    return replace(run, server_cpu_s=cpu.tree_cpu_seconds(server_pid) - cpu_before)


def drop_mongo_database(uri: str, name: str) -> None:
    if not name.startswith(MONGO_DB_PREFIX):  # never drop anything but our own
        return
    from pymongo import MongoClient

    with MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        client.drop_database(name)


def command_line(environ=os.environ) -> str:
    """How this run was started, for the record (a MongoDB URI's credentials left out)."""
    knobs = [
        f"{k}={v}"
        for k, v in sorted(environ.items())
        if k.startswith("BENCH_") or k == "TASKAPP_MAX_REQUESTS"
    ]
    if environ.get("MONGODB_URI"):
        knobs.append("MONGODB_URI=...")
    return " ".join([*knobs, "make bench"])


def write_results(results: dict) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"bench-{stamp}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return path


def drive(args, *, cmd, env, workdir: Path, seeded: dict, ids_file: Path) -> dict:
    """Start gunicorn, check each endpoint once, then measure them round by round.
    Returns the wrk runs per endpoint and the number of worker boots."""
    base_url = f"http://127.0.0.1:{env['PORT']}"
    log = workdir / "gunicorn.log"
    rounds: dict[str, list[wrk.WrkRun]] = {e.name: [] for e in args.endpoints}
    with gunicorn(cmd, env, log) as proc:
        wait_ready(proc, base_url, log)
        for endpoint in args.endpoints:
            probe(endpoint, base_url, seeded["token"], seeded["task_ids"][0])
        for endpoint in schedule(args.endpoints, args.rounds):
            done = rounds[endpoint.name]
            print(f"  {endpoint.name} ({len(done) + 1}/{args.rounds}): "
                  f"{endpoint.method} {endpoint.path}", flush=True)  # fmt: skip
            run = measure(
                endpoint, server_pid=proc.pid, base_url=base_url, token=seeded["token"],
                ids_file=ids_file, args=args, warm_up=not done,
            )  # fmt: skip
            done.append(run)
            if run.error_count:  # no point measuring errors for minutes
                break
    return {"rounds": rounds, "boots": worker_boots(log.read_text(errors="replace"))}


def record(args, *, backend: str, server: dict, measured: dict, load_before) -> dict:
    """The JSON document of one run: where, how, and the figures."""
    rounds = measured["rounds"]
    workers = int(server.get("workers", args.workers))
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command_line(),
        "backend": backend,
        "tasks": args.tasks,
        "machine": report.machine(),
        "server": {
            "config": str(GUNICORN_CONF.relative_to(ROOT)) if GUNICORN_CONF.exists() else None,
            "worker_class": server.get("worker_class"),
            "workers": workers,
            "threads": int(server.get("threads", args.threads or 1)),
            "max_requests": int(server.get("max_requests", 0)),
            # Workers recycled during the run (gunicorn's max_requests): each restart
            # costs a Django start-up, which shows in throughput and p99.
            "worker_restarts": max(0, measured["boots"] - workers),
        },
        "load": {
            "generator": wrk.version(),
            "connections": args.connections,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "warmup_s": args.warmup,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "rounds_rps": {name: [round(r.rps, 1) for r in runs] for name, runs in rounds.items()},
        **report.summarize(
            {name: report.median_run(runs) for name, runs in rounds.items() if runs}
        ),
    }


def bench(args, workdir: Path) -> dict:
    port, metrics_port = free_ports(2, preferred=args.port)
    env = server_env(
        data_dir=str(workdir / "data"), port=port, metrics_port=metrics_port,
        workers=args.workers, threads=args.threads,
    )  # fmt: skip
    backend = "mongodb" if env.get("MONGODB_URI") else "sqlite"
    Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir()
    try:
        print(f"Seeding {args.tasks} tasks ({backend}) ...", flush=True)
        seeded = seed_database(env, args.tasks, workdir / "seed.json")
        ids_file = workdir / "ids.txt"
        ids_file.write_text("\n".join(seeded["task_ids"]) + "\n", encoding="utf-8")
        cmd = gunicorn_command(port=port, workers=args.workers, threads=args.threads)
        server = parse_print_config(run_quiet([*cmd[:-1], "--print-config", cmd[-1]], env, 60))
        load_before = os.getloadavg()
        measured = drive(args, cmd=cmd, env=env, workdir=workdir, seeded=seeded, ids_file=ids_file)
    finally:
        if backend == "mongodb":
            drop_mongo_database(env["MONGODB_URI"], env["TASKAPP_MONGODB_NAME"])
    return record(args, backend=backend, server=server, measured=measured, load_before=load_before)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="taskapp-bench-") as workdir:
            results = bench(args, Path(workdir))
    except (BenchError, wrk.WrkError) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print()
    print(report.table(results))
    print(f"\nResults: {write_results(results).relative_to(ROOT)}")
    failed = [n for n, row in results["endpoints"].items() if sum(row["errors"].values())]
    if failed:
        print(f"bench failed: errors on {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
