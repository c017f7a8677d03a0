"""Taskapp served by gunicorn on loopback, as production serves it (DEBUG off, the
api role unless told otherwise, config/gunicorn_conf.py), on a throwaway SQLite
database seeded with one user, an API token and some tasks.

Used by `make bench-memory` (bench/memory.py), `make test-fuzz`
(scripts/fuzz/run.py) and the tests that need real concurrency or real HTTP
framing (tests/runtime/). Only loopback; the server is stopped by its pid.
"""

import json
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import run


@dataclass(frozen=True)
class Served:
    url: str
    token: str
    task_ids: list[str]
    pid: int  # the gunicorn master
    workdir: Path
    env: dict


@contextmanager
def serve(
    *,
    ports: range,
    tasks: int = 1,
    workers: int = 1,
    threads: int = 4,
    collectstatic: bool = False,
    **env_extra,
):
    """Seed a database in a temporary directory and serve it until the block ends.
    ``collectstatic``: the UI's pages need their static files collected (DEBUG off)."""
    with tempfile.TemporaryDirectory(prefix="taskapp-loopback-") as tmp:
        workdir = Path(tmp)
        port, metrics_port = run.free_ports(2, ports=ports)
        env = run.server_env(
            data_dir=str(workdir / "data"), port=port, metrics_port=metrics_port,
            workers=workers, threads=threads,
        )  # fmt: skip
        env.pop("MONGODB_URI", None)  # always the throwaway SQLite file
        env.update(env_extra)
        Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir()
        seeded = run.seed_database(env, tasks, workdir / "seed.json")
        if collectstatic:
            env["TASKAPP_STATIC_ROOT"] = str(workdir / "static")
            command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
            run.run_quiet(command, env, 120)
        cmd = run.gunicorn_command(port=port, workers=workers, threads=threads)
        log = workdir / "gunicorn.log"
        base_url = f"http://127.0.0.1:{port}"
        with run.gunicorn(cmd, env, log) as proc:
            run.wait_ready(proc, base_url, log)
            yield Served(base_url, seeded["token"], seeded["task_ids"], proc.pid, workdir, env)


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn workers: the master's children (from /proc)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in kB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def reset_peak(pid: int) -> None:
    """Start VmHWM again from the current RSS (Linux: 5 > /proc/<pid>/clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def dumps(data) -> bytes:
    return json.dumps(data).encode()
