"""Rendering helpers for the chart tests (marker `deploy`; tools from `make deploy-tools`)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "taskapp"
KUSTOMIZE = ROOT / "deploy" / "kustomize"
TOOLS = Path(os.environ.get("DEPLOY_TOOLS", Path.home() / ".cache" / "taskapp" / "deploy-tools"))
PROFILES = {
    "defaults": [],
    "minikube": [CHART / "values-minikube.yaml"],
    "production": [CHART / "values-production.yaml"],
}
# Every optional part switched on at once, to validate what the profiles leave off.
EVERYTHING = [
    "mongodb.replicaSet.enabled=true",
    "prometheus.enabled=true",
    "grafana.enabled=true",
    "metrics.serviceMonitor.enabled=true",
    "ingress.tls.enabled=true",
    "ingress.tls.certManager.issuer=letsencrypt",
    "api.autoscaling.minReplicas=2",
    "ui.autoscaling.enabled=false",
    "ui.replicaCount=3",
]


def tool(name: str) -> str:
    path = TOOLS / "bin" / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: run `make deploy-tools`")
    return found


def helm(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([tool("helm"), *args], capture_output=True, text=True, check=check)


def render_text(
    values_files=(), set_values=(), chart=CHART, namespace="taskapp", upgrade=False
) -> str:
    """`helm template` as an install, or (upgrade=True) as an upgrade of the release."""
    args = ["template", "taskapp", str(chart), "--namespace", namespace]
    if upgrade:
        args.append("--is-upgrade")
    for f in values_files:
        args += ["--values", str(f)]
    for v in set_values:
        args += ["--set", v]
    return helm(*args).stdout


def render(values_files=(), set_values=(), **kwargs) -> list[dict]:
    return [d for d in yaml.safe_load_all(render_text(values_files, set_values, **kwargs)) if d]


def named(docs, kind) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def containers(doc: dict) -> list[dict]:
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec if doc["kind"] == "Pod" else spec["template"]["spec"]
    return pod.get("initContainers", []) + pod["containers"]


def pod_spec(doc: dict) -> dict:
    return doc["spec"]["template"]["spec"]


def env_of(container: dict) -> dict[str, str]:
    return {e["name"]: e.get("value") for e in container.get("env", [])}
