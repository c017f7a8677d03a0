"""Reading wrk's report and turning it into the figures and the table."""

import pytest

from bench import report, wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:18200
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.52ms    1.20ms  40.11ms   90.00%
  12000 requests in 10.00s, 3.10MB read
Requests/sec:   1200.00
BENCH_JSON {"requests": 12000, "duration_us": 10000000, "bytes": 3250585, \
"errors": {"connect": 0, "read": 0, "write": 0, "status": 3, "timeout": 1}, \
"latency_us": {"p50": 4210, "p90": 5900, "p99": 12345, "max": 40110, "mean": 4520.3}}
"""


def wrk_run(requests: int, p50_ms=1.0, p99_ms=2.0, cpu_s=None) -> wrk.WrkRun:
    return wrk.WrkRun(
        requests=requests, duration_s=10.0, errors={"status": 0}, p50_ms=p50_ms,
        p90_ms=p50_ms, p99_ms=p99_ms, max_ms=p99_ms, server_cpu_s=cpu_s,
    )  # fmt: skip


def test_it_reads_requests_per_second_and_percentiles_from_wrk():
    run = wrk.parse_report(WRK_OUTPUT)

    assert run.requests == 12000
    assert run.rps == pytest.approx(1200.0)
    assert (run.p50_ms, run.p90_ms, run.p99_ms, run.max_ms) == (4.21, 5.9, 12.345, 40.11)
    assert run.error_count == 4


def test_it_refuses_a_wrk_output_without_our_report():
    with pytest.raises(wrk.WrkError, match="no BENCH_JSON"):
        wrk.parse_report("Running 10s test @ http://127.0.0.1:18200\n")


def test_it_passes_the_request_shape_to_the_lua_script():
    cmd = wrk.command(
        base_url="http://127.0.0.1:18200", method="PATCH", path="/api/v1/tasks/{id}",
        body='{"title": "t {n}"}', token="tsk_x", ids_file="/tmp/ids.txt", duration_s=10,
        connections=8,
    )  # fmt: skip

    assert cmd[0] == "wrk"
    assert f"--script={wrk.SCRIPT}" in cmd
    assert "--duration=10s" in cmd and "--connections=8" in cmd
    separator = cmd.index("--")
    assert cmd[separator - 1] == "http://127.0.0.1:18200"
    assert cmd[separator + 1 :] == [
        "PATCH", "/api/v1/tasks/{id}", '{"title": "t {n}"}', "tsk_x", "/tmp/ids.txt",
    ]  # fmt: skip
    assert wrk.SCRIPT.exists()


def test_it_compares_every_endpoint_with_the_ceiling():
    summary = report.summarize(
        {"ceiling": wrk_run(20000), "list": wrk_run(12000), "get": wrk_run(15000)}
    )

    assert summary["endpoints"]["ceiling"]["rps"] == 2000.0
    assert summary["endpoints"]["list"]["vs_ceiling"] == 0.6
    assert summary["endpoints"]["get"]["vs_ceiling"] == 0.75
    assert summary["target"] == {
        "endpoint": "list", "ratio": 0.6, "cpu_ratio": None, "required": 0.5, "met": True,
    }  # fmt: skip


def test_it_reports_a_missed_target():
    summary = report.summarize({"ceiling": wrk_run(20000), "list": wrk_run(9999)})

    assert summary["target"]["met"] is False
    assert "(target >= 50%: NOT met)" in report.table(summary)


def test_it_judges_the_target_on_the_unrounded_ratio():
    summary = report.summarize({"ceiling": wrk_run(20000), "list": wrk_run(10000)})

    assert summary["target"]["met"] is True


def test_it_prints_one_row_per_endpoint():
    summary = report.summarize(
        {"ceiling": wrk_run(20000, 4.2, 12.3, cpu_s=10.0), "list": wrk_run(12000)}
    )

    lines = report.table(summary).splitlines()
    assert lines[0].split() == ["endpoint", "req/s", "p50", "ms", "p99", "ms", "errors", "vs",
                                "ceiling", "CPU", "ms/req"]  # fmt: skip
    assert lines[1].split() == ["ceiling", "2000.0", "4.20", "12.30", "0", "100%", "0.50"]
    assert lines[2].split() == ["list", "1200.0", "1.00", "2.00", "0", "60%", "-"]


def test_it_compares_server_cpu_per_request_with_the_ceiling():
    summary = report.summarize(
        {"ceiling": wrk_run(20000, cpu_s=10.0), "list": wrk_run(5000, cpu_s=10.0)}
    )

    assert summary["endpoints"]["ceiling"]["server_cpu_ms"] == 0.5
    assert summary["endpoints"]["list"]["server_cpu_ms"] == 2.0
    assert summary["target"]["cpu_ratio"] == 0.25
    assert "list costs 4.0x the ceiling (25%)" in report.table(summary)


def test_it_reads_the_cpu_model():
    cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n"
    assert report.cpu_model(cpuinfo) == "AMD EPYC 7B13"


def test_it_reports_the_round_with_the_median_throughput():
    slow, middle, fast = wrk_run(900, p50_ms=9), wrk_run(1000, p50_ms=5), wrk_run(1100, p50_ms=4)

    assert report.median_run([fast, slow, middle]) is middle
    assert report.median_run([fast, slow]) is slow
    assert report.median_run([fast]) is fast
    with pytest.raises(ValueError):
        report.median_run([])
