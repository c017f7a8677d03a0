"""Drive one endpoint with wrk and read its report.

wrk (C, one event-loop thread) was chosen over a Python load generator because
this machine has two cores shared by the server and the generator: wrk needs a
small fraction of one core for the rates seen here, a Python generator a whole one.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk" / "request.lua"
MARKER = "BENCH_JSON "


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed no report."""


@dataclass(frozen=True)
class WrkRun:
    requests: int
    duration_s: float
    errors: dict[str, int]
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    # CPU seconds the server spent during the run (bench.cpu), when measured.
    server_cpu_s: float | None = None

    @property
    def server_cpu_ms(self) -> float | None:
        """Server CPU milliseconds per request."""
        if self.server_cpu_s is None or not self.requests:
            return None
        return self.server_cpu_s * 1000 / self.requests

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def parse_report(output: str) -> WrkRun:
    """The WrkRun from wrk's stdout (the BENCH_JSON line our Lua done() prints)."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            latency = data["latency_us"]
            return WrkRun(
                requests=data["requests"],
                duration_s=data["duration_us"] / 1_000_000,
                errors=dict(data["errors"]),
                p50_ms=latency["p50"] / 1000,
                p90_ms=latency["p90"] / 1000,
                p99_ms=latency["p99"] / 1000,
                max_ms=latency["max"] / 1000,
            )
    raise WrkError("wrk printed no BENCH_JSON report:\n" + output[-2000:])


def command(
    *,
    base_url: str,
    method: str,
    path: str,
    body: str,
    token: str,
    ids_file: str,
    duration_s: int,
    connections: int,
    threads: int = 1,
) -> list[str]:
    """The wrk command line for one endpoint (the Lua script makes the requests)."""
    return [
        "wrk", f"--threads={threads}", f"--connections={connections}",
        f"--duration={duration_s}s", "--timeout=10s", f"--script={SCRIPT}",
        base_url, "--", method, path, body, token, ids_file,
    ]  # fmt: skip


def run(cmd: list[str], *, duration_s: int) -> WrkRun:
    if shutil.which(cmd[0]) is None:
        raise WrkError("wrk is not installed (make bench installs it: apt-get install wrk)")
    # wrk stops itself after --duration; the timeout only guards against a hang.
    done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
        cmd, capture_output=True, text=True, timeout=duration_s + 30, check=False
    )
    if done.returncode != 0:
        raise WrkError(f"wrk exited with {done.returncode}: {done.stderr.strip()}")
    return parse_report(done.stdout)


def version() -> str:
    if shutil.which("wrk") is None:
        return "not installed"
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S607
    return (done.stdout or done.stderr).splitlines()[0].split(" Copyright")[0].strip()
