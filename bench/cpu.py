"""CPU seconds used by gunicorn (master and workers), read from /proc.

On a shared machine, requests per second move with whatever else runs; the
server's CPU time per request hardly does. Workers that gunicorn recycled during a
run are counted too: once reaped, their time is in the master's cutime/cstime.
"""

import os
from pathlib import Path

PROC = Path("/proc")


def parse_stat(text: str) -> tuple[int, int]:
    """(parent pid, CPU clock ticks of the process and its reaped children)
    from a /proc/<pid>/stat line."""
    # The command name (field 2) is in parentheses and may hold spaces.
    fields = text.rsplit(")", 1)[1].split()
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return ppid, utime + stime + cutime + cstime


def _stats(proc: Path):
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                yield int(entry.name), parse_stat((entry / "stat").read_text())
            except (OSError, IndexError, ValueError):
                continue  # the process ended while we looked


def tree_cpu_seconds(pid: int, proc: Path = PROC) -> float:
    """CPU seconds of ``pid`` and its direct children, living or reaped."""
    ticks = sum(t for child, (ppid, t) in _stats(proc) if child == pid or ppid == pid)
    return ticks / os.sysconf("SC_CLK_TCK")
