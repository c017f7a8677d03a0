"""`make bench`, second part: Taskapp beside the trivial ceiling and the FastAPI peer.

The runner and the peer are the shared ones (``../shared/bench/side_by_side.sh``,
``peer_fastapi.py``, ``ceiling.py``), run as they are, so the ratios are the ones
anyone re-measures with them. This module only gives the runner what it asks for:
a seeded throwaway database, a token, and the command that serves Taskapp exactly
as the api image does (config/gunicorn_conf.py with the image's defaults: workers
from the CPUs, threads, worker recycling, logs at info); only the bind address,
the data directory and the drain at stop are set for the bench.

Beside the runner's req/s, it reads the CPU time of each server (every process of
the session the runner starts it in, from /proc) while wrk drives it, and prints
server CPU milliseconds per request for ours and the peer's list and create.

  BENCH_SHARED_DIR  where the shared bench lives (default: ../shared/bench from
                    the repository root); when absent, the side-by-side is skipped
                    with a message.
  ROUNDS, DURATION, CONNECTIONS  passed through to the runner (3, 8s, 32).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from bench.cpu import PROC
from bench.run import (
    GUNICORN_CONF,
    RESULTS_DIR,
    ROOT,
    BenchError,
    free_ports,
    seed_database,
    server_env,
)

RUNNER = "side_by_side.sh"
SAMPLE_S = 0.1
HIT_LINE = re.compile(r"^(?P<name>[\w-]+) rps=(?P<rps>[\d.]+)")
# Which server a wrk command line drives, by its port (the runner's fixed ports).
PEER_PORT, CEILING_PORT = "8102", "8101"


def shared_dir(environ=os.environ) -> Path:
    return Path(environ.get("BENCH_SHARED_DIR") or ROOT.parent / "shared" / "bench")


def image_env(workdir: Path, port: int, metrics_port: int, environ=os.environ) -> dict:
    """The api image's configuration, with only what a bench on loopback needs set."""
    env = server_env(
        data_dir=str(workdir / "data"), port=port, metrics_port=metrics_port,
        workers=0, threads=0, environ=environ,
    )  # fmt: skip
    # The image sets neither: workers come from the CPUs, recycling from the config.
    for name in ("TASKAPP_WORKERS", "TASKAPP_MAX_REQUESTS"):
        if name in environ:
            env[name] = environ[name]
        else:
            env.pop(name, None)
    return env


def serve_command(port: int, restore: tuple[Path, Path] | None = None) -> str:
    """The runner starts ours once per round. ``restore`` (seeded copy, database):
    put the seeded database back first, as the runner re-seeds the peer's each
    round; otherwise the creates of one round would make the next round's list
    count and page over thousands more tasks than the peer's 1,000."""
    serve = (
        f"exec {sys.executable} -m gunicorn --config {GUNICORN_CONF} "
        f"--bind 127.0.0.1:{port} config.wsgi:application"
    )
    if restore is None:
        return serve
    seeded, database = (shlex.quote(str(path)) for path in restore)
    return f"cp {seeded} {database} && rm -f {database}-wal {database}-shm && {serve}"


def seeded_copy(env: dict, workdir: Path) -> tuple[Path, Path] | None:
    """A copy of the freshly seeded SQLite database, to restore each round (None
    on MongoDB: its bench database is one of the server's)."""
    if env.get("MONGODB_URI"):
        return None
    database = Path(env["TASKAPP_DATA_DIR"]) / "taskapp.sqlite3"
    seeded = workdir / "seeded.sqlite3"
    shutil.copyfile(database, seeded)
    return seeded, database


def _stat(pid_dir: Path):
    text = (pid_dir / "stat").read_text()
    fields = text.rsplit(")", 1)[1].split()
    session = int(fields[3])
    return session, sum(int(v) for v in fields[11:15])


class CpuSampler(threading.Thread):
    """Every SAMPLE_S: the CPU ticks of every session on the machine, and which
    server (by port) a running wrk drives. Gives the CPU a server's session spent
    while wrk drove it, per hit, in the order the hits ran."""

    def __init__(self, ours_port: str):
        super().__init__(daemon=True)
        self.ports = {ours_port: "ours", PEER_PORT: "peer", CEILING_PORT: "ceiling"}
        self.stop_event = threading.Event()
        # (server, seconds observed, CPU seconds in them) per wrk run
        self.hits: list[tuple[str, float, float]] = []
        self._session_of = {}  # server -> the session id of its processes

    def _sessions(self):
        ticks = defaultdict(int)
        wrk_run, sessions_by_port = None, {}
        for entry in PROC.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                session, cpu = _stat(entry)
                ticks[session] += cpu
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError, IndexError):
                continue
            if cmdline.startswith("wrk "):
                target = next((s for p, s in self.ports.items() if f":{p}/" in cmdline), None)
                wrk_run = (entry.name, target) if target else None
                continue
            if cmdline.startswith("curl "):
                continue
            for port, server in self.ports.items():
                if f"127.0.0.1:{port}" in cmdline or f"--port {port}" in cmdline:
                    sessions_by_port[server] = session
        return ticks, wrk_run, sessions_by_port

    def run(self):
        hz = os.sysconf("SC_CLK_TCK")
        current = None  # (wrk pid, server) being driven
        start = last = (0.0, 0)  # (time, CPU ticks of the server's session)
        while not self.stop_event.wait(SAMPLE_S):
            ticks, run, sessions = self._sessions()
            self._session_of.update(sessions)
            if run != current and current is not None and last[0] > start[0]:
                self.hits.append((current[1], last[0] - start[0], (last[1] - start[1]) / hz))
            if run is not None:
                sample = (time.monotonic(), ticks.get(self._session_of.get(run[1]), 0))
                if run != current:
                    start = sample
                last = sample
            current = run

    def stop(self):
        self.stop_event.set()
        self.join(timeout=5)


def cpu_per_request(lines: list[str], hits: list[tuple[str, float, float]]):
    """name -> [CPU ms per request] from the runner's lines (in order) and the
    sampler's CPU per wrk run (in the same order): the CPU seen over a stretch of
    the run, divided by the requests wrk's mean rate gives for that stretch."""
    result = defaultdict(list)
    named = [HIT_LINE.match(line) for line in lines]
    named = [m for m in named if m]
    if len(named) != len(hits):
        return {}
    for match, (_, seconds, cpu_s) in zip(named, hits, strict=True):
        requests = float(match["rps"]) * seconds
        if requests:
            result[match["name"]].append(1000 * cpu_s / requests)
    return result


def median(values):
    values = sorted(values)
    return values[(len(values) - 1) // 2] if values else None


def cpu_table(per_request: dict) -> list[str]:
    med = {name: median(values) for name, values in per_request.items()}
    out = ["--- server CPU ms per request (medians)"]
    out += [f"{name} {value:.2f}" for name, value in med.items() if value is not None]
    for ours, peer in (("ours-list", "peer-list"), ("ours-create", "peer-create")):
        if med.get(ours) and med.get(peer):
            out.append(f"{ours} CPU advantage (peer/ours) {med[peer] / med[ours]:.2f}")
    return out


def main() -> int:
    here = shared_dir()
    runner = here / RUNNER
    if not runner.is_file():
        print(
            f"side-by-side skipped: {runner} not found. It holds the FastAPI peer and the "
            "runner the ratios are measured with (set BENCH_SHARED_DIR to its folder).",
            flush=True,
        )
        return 0
    with tempfile.TemporaryDirectory(prefix="taskapp-sbs-") as tmp:
        workdir = Path(tmp)
        port, metrics_port = free_ports(2)
        env = image_env(workdir, port, metrics_port)
        Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir()
        print("Side by side (shared runner): seeding 1000 tasks ...", flush=True)
        seeded = seed_database(env, 1000, workdir / "seed.json")
        restore = seeded_copy(env, workdir)
        env.update(
            OURS_CMD=serve_command(port, restore), OURS_TOKEN=seeded["token"], OURS_PORT=str(port)
        )
        load_before = Path("/proc/loadavg").read_text().strip()
        sampler = CpuSampler(str(port))
        sampler.start()
        lines = []
        with subprocess.Popen(  # noqa: S603 - the shared runner, a fixed argv
            ["/bin/bash", str(runner)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        ) as proc:  # fmt: skip
            for line in proc.stdout:
                print(line, end="", flush=True)
                lines.append(line.rstrip("\n"))
        sampler.stop()
        load_after = Path("/proc/loadavg").read_text().strip()
    extra = cpu_table(cpu_per_request(lines, sampler.hits))
    extra += [f"load average before: {load_before}", f"load average after:  {load_after}"]
    print("\n".join(extra))
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"side-by-side-{stamp}.txt"
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    print(f"Results: {path.relative_to(ROOT)}")
    return proc.returncode


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"side-by-side failed: {exc}", file=sys.stderr)
        sys.exit(1)
