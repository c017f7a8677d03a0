"""The figures of one bench run: per endpoint, against the ceiling, and the machine."""

import os
import platform
import sqlite3
from importlib.metadata import version

from bench.wrk import WrkRun

CEILING = "ceiling"
# docs/performance.md: listing 50 tasks should reach half of what the server
# does for a request that touches no database.
TARGET_ENDPOINT = "list"
TARGET_RATIO = 0.5


def median_run(runs: list[WrkRun]) -> WrkRun:
    """The round with the median throughput (the lower one of the middle two), whose
    latencies are reported with it: one busy moment neither helps nor hurts."""
    if not runs:
        raise ValueError("no runs")
    return sorted(runs, key=lambda run: run.rps)[(len(runs) - 1) // 2]


def _round(value, digits):
    return round(value, digits) if value is not None else None


def endpoint_figures(run: WrkRun, ceiling_rps: float) -> dict:
    return {
        "requests": run.requests,
        "rps": round(run.rps, 1),
        "server_cpu_ms": _round(run.server_cpu_ms, 3),
        "p50_ms": round(run.p50_ms, 2),
        "p90_ms": round(run.p90_ms, 2),
        "p99_ms": round(run.p99_ms, 2),
        "max_ms": round(run.max_ms, 2),
        "errors": run.errors,
        "vs_ceiling": round(run.rps / ceiling_rps, 3) if ceiling_rps else None,
    }


def summarize(runs: dict[str, WrkRun]) -> dict:
    """Figures per endpoint (in the order run) and whether the list target is met."""
    ceiling_rps = runs[CEILING].rps
    endpoints = {name: endpoint_figures(run, ceiling_rps) for name, run in runs.items()}
    target = runs.get(TARGET_ENDPOINT)
    ratio = target.rps / ceiling_rps if target and ceiling_rps else None
    ceiling_cpu = runs[CEILING].server_cpu_ms
    target_cpu = target.server_cpu_ms if target else None
    return {
        "endpoints": endpoints,
        "target": {
            "endpoint": TARGET_ENDPOINT,
            "ratio": _round(ratio, 3),
            # The same comparison by server CPU per request: steadier than req/s
            # when other programs share the machine.
            "cpu_ratio": _round(
                ceiling_cpu / target_cpu if ceiling_cpu and target_cpu else None, 3
            ),
            "required": TARGET_RATIO,
            "met": ratio is not None and ratio >= TARGET_RATIO,
        },
    }


def table(summary: dict) -> str:
    """A fixed-width table of the figures, for the terminal."""
    lines = [f"{'endpoint':<10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}"
             f"{'vs ceiling':>12}{'CPU ms/req':>12}"]  # fmt: skip
    for name, row in summary["endpoints"].items():
        errors = sum(row["errors"].values())
        share = f"{row['vs_ceiling']:.0%}" if row["vs_ceiling"] is not None else "-"
        cpu_ms = f"{row['server_cpu_ms']:.2f}" if row["server_cpu_ms"] is not None else "-"
        lines.append(
            f"{name:<10}{row['rps']:>10.1f}{row['p50_ms']:>10.2f}{row['p99_ms']:>10.2f}"
            f"{errors:>8}{share:>12}{cpu_ms:>12}"
        )
    target = summary["target"]
    if target["ratio"] is not None:
        verdict = "met" if target["met"] else "NOT met"
        lines.append(
            f"\n{target['endpoint']} at {target['ratio']:.0%} of the ceiling "
            f"(target >= {target['required']:.0%}: {verdict})"
        )
    if target.get("cpu_ratio") is not None:
        lines.append(
            f"by server CPU per request: {target['endpoint']} costs "
            f"{1 / target['cpu_ratio']:.1f}x the ceiling ({target['cpu_ratio']:.0%})"
        )
    return "\n".join(lines)


def cpu_model(cpuinfo: str) -> str:
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> dict:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            cpu = cpu_model(cpuinfo.read())
    except OSError:
        cpu = platform.processor() or "unknown"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
    }
