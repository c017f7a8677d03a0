"""scripts/minikube-start, run against stand-ins for minikube, kubectl, helm, make and docker.

The stand-ins record each call; `minikube ip` answers $FAKE_IP and `kubectl get
ingress` the chart's two hosts. The hosts file is a temporary one (--hosts-file).
"""

import json
import os
import subprocess

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.deploy

SCRIPT = ROOT / "scripts/minikube-start"
HOSTS = ("taskapp.acme.com", "api.taskapp.acme.com")
STAND_IN = """#!/usr/bin/env python3
import json, os, sys
with open(os.environ["RECORD"], "a") as f:
    f.write(json.dumps({"tool": "%(tool)s", "args": sys.argv[1:],
                        "docker_host": os.environ.get("DOCKER_HOST")}) + "\\n")
args = sys.argv[1:]
if "%(tool)s" == "minikube" and args == ["ip"]:
    print(os.environ["FAKE_IP"])
if "%(tool)s" == "kubectl" and "ingress" in args:
    print("%(hosts)s")
if "%(tool)s" == "docker" and args[0] == "save":
    open(args[args.index("-o") + 1], "w").write("image")
"""
ORIGINAL = (
    "127.0.0.1 localhost\n# a comment naming taskapp.acme.com stays\n10.9.9.9 other.example\n"
)


@pytest.fixture
def stand_ins(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("minikube", "kubectl", "helm", "make", "docker"):
        path = bin_dir / tool
        path.write_text(STAND_IN % {"tool": tool, "hosts": "\\n".join(sorted(HOSTS))})
        path.chmod(0o755)
    hosts = tmp_path / "hosts"
    hosts.write_text(ORIGINAL)
    return tmp_path


def start(stand_ins, *args, ip="192.168.49.2"):
    env = {
        **os.environ,
        "PATH": f"{stand_ins / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "RECORD": str(stand_ins / "calls.jsonl"),
        "FAKE_IP": ip,
        "IMAGES_DOCKER": str(stand_ins / "bin/docker"),
        "CACHE_DIR": str(stand_ins / "cache"),
    }
    command = [str(SCRIPT), "--hosts-file", str(stand_ins / "hosts"), *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def calls(stand_ins):
    path = stand_ins / "calls.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]


def host_lines(stand_ins, host):
    return [
        line
        for line in (stand_ins / "hosts").read_text().splitlines()
        if not line.startswith("#") and host in line.split()
    ]


def test_it_starts_builds_loads_and_installs_in_that_order(stand_ins):
    result = start(stand_ins)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [(c["tool"], c["args"][0]) for c in calls(stand_ins)]
    assert steps[:7] == [
        ("minikube", "start"),
        ("make", "-C"),
        ("docker", "save"),
        ("minikube", "image"),
        ("docker", "save"),
        ("minikube", "image"),
        ("helm", "upgrade"),
    ]
    recorded = calls(stand_ins)
    assert {"--addons=ingress", "--addons=metrics-server"} <= set(recorded[0]["args"])
    assert recorded[1]["args"][-1] == "images"
    # The images come out of the project's private engine, as `make images` left them.
    assert recorded[2]["docker_host"] == f"unix://{stand_ins}/cache/docker/docker.sock"
    version = next(
        line.split('"')[1]
        for line in (ROOT / "pyproject.toml").read_text().splitlines()
        if line.startswith("version = ")
    )
    assert recorded[2]["args"][-1] == f"taskapp-api:{version}"
    assert recorded[4]["args"][-1] == f"taskapp-ui:{version}"
    assert recorded[3]["args"][:2] == ["image", "load"]
    helm = recorded[6]["args"]
    assert helm[:3] == ["upgrade", "--install", "taskapp"]
    assert helm[helm.index("--values") + 1].endswith("deploy/helm/taskapp/values-minikube.yaml")
    assert f"image.tag={version}" in helm and "--wait" in helm
    assert "http://taskapp.acme.com/" in result.stdout
    assert "http://api.taskapp.acme.com/api/v1/" in result.stdout


def test_it_writes_one_line_per_host_and_nothing_more_on_a_second_run(stand_ins):
    first = start(stand_ins)
    assert first.returncode == 0, first.stderr
    after_first = (stand_ins / "hosts").read_text()
    second = start(stand_ins)
    assert second.returncode == 0, second.stderr
    assert (stand_ins / "hosts").read_text() == after_first
    assert "already points" in second.stdout
    for host in HOSTS:
        (line,) = host_lines(stand_ins, host)
        assert line.split()[:2] == ["192.168.49.2", host]
    # Everything else is kept as it was.
    assert after_first.startswith(ORIGINAL)


def test_it_replaces_the_lines_when_the_address_changes(stand_ins):
    start(stand_ins)
    result = start(stand_ins, ip="192.168.58.2")
    assert result.returncode == 0, result.stderr
    for host in HOSTS:
        (line,) = host_lines(stand_ins, host)
        assert line.split()[0] == "192.168.58.2"
    assert "192.168.49.2" not in (stand_ins / "hosts").read_text()


def test_it_replaces_a_hand_written_line_for_a_host(stand_ins):
    (stand_ins / "hosts").write_text(ORIGINAL + "10.0.0.5 taskapp.acme.com old-alias\n")
    assert start(stand_ins).returncode == 0
    (line,) = host_lines(stand_ins, "taskapp.acme.com")
    assert line.startswith("192.168.49.2 ")
    assert not host_lines(stand_ins, "old-alias")


def test_skip_flags_leave_out_the_start_and_the_build(stand_ins):
    result = start(stand_ins, "--skip-start", "--skip-build")
    assert result.returncode == 0, result.stderr
    assert [c["tool"] for c in calls(stand_ins) if c["tool"] != "kubectl"] == ["helm", "minikube"]


def test_a_dry_run_changes_nothing(stand_ins):
    result = start(stand_ins, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert (stand_ins / "hosts").read_text() == ORIGINAL
    changing = [
        c for c in calls(stand_ins) if c["args"] not in (["ip"],) and c["tool"] != "kubectl"
    ]
    assert changing == []
    assert "+ helm upgrade --install taskapp" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "error: unknown option --bogus"),
        (["--ip", "not an address"], "error: minikube ip gave 'not an address'"),
    ],
)
def test_it_stops_with_one_clear_line(stand_ins, args, message):
    result = start(stand_ins, "--skip-start", "--skip-build", *args)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert message in result.stderr
    assert (stand_ins / "hosts").read_text() == ORIGINAL


def test_make_deploy_minikube_runs_the_script(stand_ins):
    env = {**os.environ, "PATH": f"{stand_ins / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    env.pop("MAKEFLAGS", None)
    result = subprocess.run(
        ["/usr/bin/make", "-n", "--no-print-directory", "deploy-minikube",
         f"MINIKUBE_START_FLAGS=--hosts-file {stand_ins / 'hosts'}"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"scripts/minikube-start --hosts-file {stand_ins / 'hosts'}"
