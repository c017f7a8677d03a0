"""Reading gunicorn's CPU time from /proc."""

import os

from bench import cpu

# /proc/<pid>/stat: pid (comm) state ppid ... utime stime cutime cstime ...
STAT = "{pid} (gunicorn: worker [x]) S {ppid} 1 1 0 -1 4194560 100 0 0 0 {u} {s} {cu} {cs} 20 0 1"


def write_stat(proc, pid, ppid, u, s, cu=0, cs=0):
    (proc / str(pid)).mkdir()
    (proc / str(pid) / "stat").write_text(STAT.format(pid=pid, ppid=ppid, u=u, s=s, cu=cu, cs=cs))


def test_it_reads_the_parent_and_the_ticks_of_a_process():
    line = STAT.format(pid=12, ppid=11, u=300, s=20, cu=7, cs=3)
    assert cpu.parse_stat(line) == (11, 330)


def test_it_adds_up_the_master_and_its_workers_only(tmp_path):
    write_stat(tmp_path, 10, 1, u=50, s=10, cu=200, cs=40)  # master, with reaped workers
    write_stat(tmp_path, 11, 10, u=300, s=20)
    write_stat(tmp_path, 12, 10, u=280, s=20)
    write_stat(tmp_path, 13, 1, u=9999, s=9999)  # someone else's process
    (tmp_path / "self").mkdir()

    ticks = 50 + 10 + 200 + 40 + 300 + 20 + 280 + 20
    assert cpu.tree_cpu_seconds(10, proc=tmp_path) == ticks / os.sysconf("SC_CLK_TCK")
