"""deploy/kustomize/create-secrets.sh, run for real against a stand-in `kubectl`.

The stand-in keeps the Secrets it is asked to create as files (one per Secret, one
`key=value` line per key), answers `get` from them ("not found" otherwise) and logs
every call, so a run shows exactly what a cluster would have received.
"""

import base64
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from .conftest import CHART, KUSTOMIZE, named, render, tool

pytestmark = pytest.mark.deploy

SCRIPT = KUSTOMIZE / "create-secrets.sh"
FAKE_KUBECTL = r"""#!/usr/bin/env bash
# kubectl [-n NS] get|create ...: Secrets live in $STORE/<name>.
echo "$*" >> "$STORE/calls"
[[ $1 == -n ]] && shift 2
verb=$1 kind=$2 name=$3
case $verb/$kind in
  get/namespace) [[ -e $STORE/namespace-$name ]] || { echo "namespace not found" >&2; exit 1; } ;;
  create/namespace) touch "$STORE/namespace-$name" ;;
  get/secret) [[ -e $STORE/$name ]] || { echo "Error from server (NotFound)" >&2; exit 1; } ;;
  create/secret)
    name=$4; shift 4
    [[ -e $STORE/$name ]] && { echo "already exists" >&2; exit 1; }
    for arg; do [[ $arg == --from-literal=* ]] && echo "${arg#--from-literal=}"; done \
      > "$STORE/$name" ;;
  *) echo "unexpected call: $*" >&2; exit 2 ;;
esac
"""
EXPECTED_KEYS = {
    "taskapp-secret-key": {"secret-key"},
    "taskapp-mongodb": {
        "mongodb-root-password",
        "mongodb-app-password",
        "mongodb-uri",
        "mongodb-replica-set-key",
    },
    "taskapp-grafana": {"admin-password"},
}


def run_script(tmp_path: Path, overlay: str) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "kubectl").write_text(FAKE_KUBECTL)
    (bin_dir / "kubectl").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "STORE": str(tmp_path)}
    return subprocess.run(
        ["bash", str(SCRIPT), overlay], env=env, capture_output=True, text=True, timeout=60
    )


def created(tmp_path: Path) -> dict[str, dict[str, str]]:
    secrets = {}
    for path in tmp_path.glob("taskapp-*"):
        lines = path.read_text().splitlines()
        secrets[path.name] = dict(line.split("=", 1) for line in lines)
    return secrets


def creations(tmp_path: Path) -> list[str]:
    return [c for c in (tmp_path / "calls").read_text().splitlines() if " create " in f" {c} "]


@pytest.mark.parametrize("overlay", ["minikube", "production"])
def test_it_creates_every_secret_the_overlay_needs(tmp_path, overlay):
    result = run_script(tmp_path, overlay)
    assert result.returncode == 0, result.stderr
    secrets = created(tmp_path)
    # Grafana runs only in the minikube profile.
    want = {n: k for n, k in EXPECTED_KEYS.items() if overlay == "minikube" or "grafana" not in n}
    assert {name: set(data) for name, data in secrets.items()} == want
    assert len(secrets["taskapp-secret-key"]["secret-key"]) == 64
    mongo = secrets["taskapp-mongodb"]
    assert len(mongo["mongodb-replica-set-key"]) == 756  # keyFile: 6 to 1024 base64 chars
    assert mongo["mongodb-root-password"] != mongo["mongodb-app-password"]
    assert all(len(mongo[k]) == 32 for k in ("mongodb-root-password", "mongodb-app-password"))
    assert f"Next: kubectl apply -k deploy/kustomize/overlays/{overlay}" in result.stdout


@pytest.mark.parametrize("overlay", ["minikube", "production"])
def test_it_gives_the_app_the_uri_the_chart_would_generate(tmp_path, overlay):
    """Same user, hosts, database and options as the chart's own Secret for the profile;
    only the password differs (both are random)."""
    assert run_script(tmp_path, overlay).returncode == 0
    mongo = created(tmp_path)["taskapp-mongodb"]
    script_uri = urlsplit(mongo["mongodb-uri"])
    assert script_uri.password == mongo["mongodb-app-password"]
    chart_secret = named(render([CHART / f"values-{overlay}.yaml"]), "Secret")["taskapp-mongodb"]
    chart_uri = urlsplit(base64.b64decode(chart_secret["data"]["mongodb-uri"]).decode())
    assert script_uri.username == chart_uri.username == "taskapp"  # not root
    for part in ("hostname", "path", "query"):
        assert getattr(script_uri, part) == getattr(chart_uri, part), part
    assert script_uri.netloc.split("@")[1] == chart_uri.netloc.split("@")[1]


def test_it_changes_nothing_on_a_second_run(tmp_path):
    assert run_script(tmp_path, "minikube").returncode == 0
    first = created(tmp_path)
    calls_before = len(creations(tmp_path))
    second = run_script(tmp_path, "minikube")
    assert second.returncode == 0, second.stderr
    assert len(creations(tmp_path)) == calls_before  # no create call at all
    assert created(tmp_path) == first


def test_it_refuses_an_unknown_overlay_in_one_line(tmp_path):
    result = run_script(tmp_path, "staging")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "create-secrets.sh: unknown overlay 'staging' (use minikube or production)"
    ]
    assert not created(tmp_path)


def secret_references(docs) -> dict[str, set[str]]:
    """Secret name -> keys the manifests read: projected items, and the files that
    scripts read from a whole-Secret mount at /run/secrets/mongodb."""
    refs: dict[str, set[str]] = {}
    text = yaml.safe_dump_all(docs)
    for doc in docs:
        spec = doc.get("spec", {})
        if doc["kind"] == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        for volume in spec.get("template", {}).get("spec", {}).get("volumes", []):
            sources = [volume, *volume.get("projected", {}).get("sources", [])]
            for source in sources:
                secret = source.get("secret")
                if secret:
                    name = secret.get("secretName") or secret["name"]
                    keys = refs.setdefault(name, set())
                    keys.update(item["key"] for item in secret.get("items", []))
    refs.setdefault("taskapp-mongodb", set()).update(
        re.findall(r"/run/secrets/mongodb/([\w-]+)", text)
    )
    return refs


@pytest.mark.parametrize("overlay", ["minikube", "production"])
def test_it_creates_every_secret_and_key_the_kustomize_overlay_reads(tmp_path, overlay):
    assert run_script(tmp_path, overlay).returncode == 0
    secrets = created(tmp_path)
    built = subprocess.run(
        [tool("kubectl"), "kustomize", str(KUSTOMIZE / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    refs = secret_references([d for d in yaml.safe_load_all(built) if d])
    assert set(refs) == set(secrets)
    for name, keys in refs.items():
        assert keys <= set(secrets[name]), (name, keys - set(secrets[name]))
    assert "mongodb-app-password" in refs["taskapp-mongodb"]  # read by the user script
