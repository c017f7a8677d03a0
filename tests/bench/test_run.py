"""The bench's plumbing: ports, the server's environment, the gunicorn command."""

import socket

import pytest

from bench import run


def test_it_takes_ports_from_its_own_range_only():
    ports = run.free_ports(2)

    assert len(set(ports)) == 2
    assert all(port in range(18200, 18300) for port in ports)


def test_it_skips_a_port_that_is_taken():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", run.free_ports(1)[0]))
        busy.listen()
        taken = busy.getsockname()[1]

        ports = run.free_ports(1, preferred=taken)

    assert ports != [taken]


def test_it_fails_clearly_when_no_port_is_free():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", run.free_ports(1)[0]))
        taken = busy.getsockname()[1]

        with pytest.raises(run.BenchError, match="no 1 free ports"):
            run.free_ports(1, ports=range(taken, taken + 1))


def test_it_runs_the_api_role_with_production_settings():
    env = run.server_env(
        data_dir="/tmp/x", port=18201, metrics_port=18202, workers=2, threads=0, environ={}
    )

    assert env["TASKAPP_ROLE"] == "api"
    assert env["TASKAPP_DEBUG"] == "false"
    assert env["TASKAPP_ALLOWED_HOSTS"] == "127.0.0.1"
    assert len(env["TASKAPP_SECRET_KEY"]) >= 32
    assert (env["PORT"], env["TASKAPP_METRICS_PORT"]) == ("18201", "18202")
    assert env["TASKAPP_WORKERS"] == "2"
    assert "TASKAPP_THREADS" not in env
    assert "TASKAPP_MONGODB_NAME" not in env


def test_it_uses_a_throwaway_database_on_mongodb():
    env = run.server_env(
        data_dir="/tmp/x", port=18201, metrics_port=18202, workers=2, threads=4,
        environ={"MONGODB_URI": "mongodb://db.example/taskapp"},
    )  # fmt: skip

    assert env["TASKAPP_MONGODB_NAME"].startswith("taskapp_bench_")
    assert env["TASKAPP_THREADS"] == "4"


def test_it_never_drops_a_database_it_did_not_name(monkeypatch):
    import pymongo

    def connect(*args, **kwargs):
        raise AssertionError("no connection expected")

    monkeypatch.setattr(pymongo, "MongoClient", connect)
    run.drop_mongo_database("mongodb://db.example/taskapp", "taskapp")


def test_it_starts_gunicorn_with_the_config_file_on_loopback(tmp_path):
    conf = tmp_path / "gunicorn.conf.py"
    conf.write_text("workers = 3\n")

    cmd = run.gunicorn_command(port=18203, workers=2, threads=0, conf=conf)

    assert cmd[cmd.index("--config") + 1] == str(conf)
    assert cmd[cmd.index("--bind") + 1] == "127.0.0.1:18203"
    assert "--workers" not in cmd
    assert cmd[-1] == "config.wsgi:application"


def test_it_passes_workers_and_threads_without_a_config_file(tmp_path):
    cmd = run.gunicorn_command(port=18203, workers=2, threads=4, conf=tmp_path / "none.py")

    assert cmd[cmd.index("--workers") + 1] == "2"
    assert cmd[cmd.index("--threads") + 1] == "4"
    assert "--config" not in cmd


def test_it_reads_gunicorn_resolved_settings():
    output = "workers                           = 2\nthreads = 4\nworker_class = gthread\n"
    assert run.parse_print_config(output) == {
        "workers": "2", "threads": "4", "worker_class": "gthread",
    }  # fmt: skip


def test_it_measures_only_the_endpoints_asked_for_and_the_ceiling():
    args = run.parse_args([], environ={"BENCH_ONLY": "list, get"})

    assert [e.name for e in args.endpoints] == ["ceiling", "list", "get"]
    assert [e.name for e in run.parse_args([], environ={}).endpoints] == [
        "ceiling", "list", "get", "update", "create",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "argv", [["--only", "lists"], ["--port", "8000"], ["--duration", "0"], ["--warmup", "99"]]
)
def test_it_refuses_bad_settings(argv, capsys):
    with pytest.raises(SystemExit):
        run.parse_args(argv, environ={})
    assert "error:" in capsys.readouterr().err


def test_it_counts_the_items_of_a_page():
    assert run.page_size(b'{"items": [1, 2, 3], "total": 3, "next": null}') == 3
    assert run.page_size(b"[1, 2]") == 2


def test_it_records_the_command_without_credentials():
    environ = {"BENCH_DURATION": "5", "MONGODB_URI": "mongodb://u:secret@db/x", "HOME": "/"}

    assert run.command_line(environ) == "BENCH_DURATION=5 MONGODB_URI=... make bench"


def test_it_interleaves_rounds_and_runs_create_last():
    order = [e.name for e in run.schedule(run.ENDPOINTS, 2)]

    assert order == [
        "ceiling", "list", "get", "update", "ceiling", "list", "get", "update",
        "create", "create",
    ]  # fmt: skip


def test_it_counts_worker_boots_in_the_gunicorn_log():
    log = (
        '{"message": "Booting worker with pid: 11"}\n'
        '{"message": "Booting worker with pid: 12"}\n'
        '{"message": "Autorestarting worker after current request."}\n'
        '{"message": "Booting worker with pid: 13"}\n'
    )
    assert run.worker_boots(log) == 3


def test_it_keeps_workers_from_recycling_unless_asked():
    def env(environ):
        return run.server_env(
            data_dir="/tmp/x", port=18201, metrics_port=18202, workers=2, threads=0,
            environ=environ,
        )  # fmt: skip

    assert env({})["TASKAPP_MAX_REQUESTS"] == "0"
    assert env({"TASKAPP_MAX_REQUESTS": "1000"})["TASKAPP_MAX_REQUESTS"] == "1000"
