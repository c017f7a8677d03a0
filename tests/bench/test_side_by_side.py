"""The side-by-side's plumbing: the shared runner found or skipped, the image's
configuration, and server CPU per request matched to the runner's lines."""

import subprocess

import pytest

from bench import side_by_side


def test_it_skips_with_a_message_when_the_shared_bench_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BENCH_SHARED_DIR", str(tmp_path / "nowhere"))
    assert side_by_side.main() == 0
    out = capsys.readouterr().out
    assert "side-by-side skipped" in out
    assert "side_by_side.sh not found" in out


def test_it_looks_beside_the_clone_by_default():
    assert side_by_side.shared_dir({}) == side_by_side.ROOT.parent / "shared" / "bench"


def test_it_serves_ours_as_the_image_does(tmp_path):
    env = side_by_side.image_env(tmp_path, 18201, 18202, environ={"PATH": "/usr/bin"})
    # Workers and recycling are the config's defaults, as in the image.
    assert "TASKAPP_WORKERS" not in env
    assert "TASKAPP_MAX_REQUESTS" not in env
    assert env["TASKAPP_ROLE"] == "api"
    assert "--bind 127.0.0.1:18201" in side_by_side.serve_command(18201)


def test_each_round_starts_from_the_seeded_database(tmp_path):
    """As the runner re-seeds the peer's database each round, ours is put back."""
    data = tmp_path / "data"
    data.mkdir()
    database = data / "taskapp.sqlite3"
    database.write_bytes(b"seeded")
    restore = side_by_side.seeded_copy({"TASKAPP_DATA_DIR": str(data)}, tmp_path)
    database.write_bytes(b"after a round of creates")
    (data / "taskapp.sqlite3-wal").write_bytes(b"wal")
    command = side_by_side.serve_command(18201, restore).replace("exec ", "echo ", 1)
    subprocess.run(["/bin/bash", "-c", command], check=True, capture_output=True)
    assert database.read_bytes() == b"seeded"
    assert not (data / "taskapp.sqlite3-wal").exists()
    assert (
        side_by_side.seeded_copy({"MONGODB_URI": "mongodb://x", "TASKAPP_DATA_DIR": "."}, tmp_path)
        is None
    )


def test_it_keeps_a_recycling_setting_given_on_the_command_line(tmp_path):
    env = side_by_side.image_env(tmp_path, 18201, 18202, environ={"TASKAPP_MAX_REQUESTS": "0"})
    assert env["TASKAPP_MAX_REQUESTS"] == "0"


def test_it_divides_each_runs_cpu_by_its_requests():
    lines = [
        "ceiling rps=1000.0 p50=1ms p99=2ms non2xx=0",
        "peer-list rps=200.0 p50=1ms p99=2ms non2xx=0",
        "not a run line",
        "ours-list rps=100.0 p50=1ms p99=2ms non2xx=0",
    ]
    hits = [("ceiling", 2.0, 0.4), ("peer", 2.0, 1.2), ("ours", 4.0, 2.0)]
    per_request = side_by_side.cpu_per_request(lines, hits)
    assert per_request["ceiling"] == [pytest.approx(0.2)]
    assert per_request["peer-list"] == [pytest.approx(3.0)]
    assert per_request["ours-list"] == [pytest.approx(5.0)]
    table = side_by_side.cpu_table(per_request)
    assert "ours-list CPU advantage (peer/ours) 0.60" in table


def test_it_reports_no_cpu_when_runs_and_samples_do_not_match():
    assert side_by_side.cpu_per_request(["ceiling rps=1.0 p50=1ms"], []) == {}
