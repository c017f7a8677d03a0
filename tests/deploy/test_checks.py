"""The offline checkers: helm lint, Kubernetes schemas, the ServiceMonitor CRD, checkov."""

import json
import subprocess

import pytest

from .conftest import (
    CHART,
    EVERYTHING,
    KUSTOMIZE,
    PROFILES,
    ROOT,
    TOOLS,
    helm,
    render,
    render_text,
    tool,
)

pytestmark = pytest.mark.deploy

RENDERS = {
    **{name: (files, []) for name, files in PROFILES.items()},
    "everything": ([], EVERYTHING),
}


@pytest.mark.parametrize("profile", PROFILES)
def test_it_passes_helm_lint_strict(profile):
    args = ["lint", "--strict", str(CHART)] + [
        a for f in PROFILES[profile] for a in ("--values", str(f))
    ]
    result = helm(*args, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kube_version", ["1.30.0", "1.37.0"])
@pytest.mark.parametrize("render_name", RENDERS)
def test_it_renders_objects_valid_for_kubernetes(tmp_path, render_name, kube_version):
    files, values = RENDERS[render_name]
    manifest = tmp_path / "render.yaml"
    manifest.write_text(render_text(files, values))
    result = subprocess.run(
        [tool("kubernetes-validate"), "-k", kube_version, "--strict", "--quiet", str(manifest)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ERROR" not in result.stdout + result.stderr


def validate_service_monitors(docs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["node", str(ROOT / "deploy" / "tools" / "validate-servicemonitors.mjs")],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        env={"DEPLOY_TOOLS": str(TOOLS), "PATH": "/usr/local/bin:/usr/bin:/bin"},
    )


@pytest.mark.parametrize("render_name", ["production", "everything"])
def test_it_renders_service_monitors_valid_for_their_crd(render_name):
    files, values = RENDERS[render_name]
    result = validate_service_monitors(render(files, values))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 ServiceMonitor(s) checked, 0 invalid" in result.stdout


def test_it_would_catch_a_broken_service_monitor():
    monitors = [
        d
        for d in render(set_values=["metrics.serviceMonitor.enabled=true"])
        if d["kind"] == "ServiceMonitor"
    ]
    monitors[0]["spec"]["endpoints"][0]["interval"] = 30
    result = validate_service_monitors(monitors)
    assert result.returncode == 1
    assert "interval must be string" in result.stdout


def run_checkov(*args: str) -> subprocess.CompletedProcess:
    # HELM_NAMESPACE: render as `helm install -n taskapp` does (checkov cannot pass -n).
    env = {
        "PATH": f"{TOOLS / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HELM_NAMESPACE": "taskapp",
        "HOME": str(TOOLS),
    }
    return subprocess.run(
        [tool("checkov"), "--skip-download", "--quiet", "--compact", *args],
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("profile", ["defaults", "minikube", "production", "everything"])
def test_it_passes_checkov_on_the_chart(tmp_path, profile):
    var_files = [str(f) for f in PROFILES.get(profile, [])]
    if profile == "everything":
        extra = tmp_path / "everything.yaml"
        extra.write_text(helm_set_to_yaml(EVERYTHING))
        var_files.append(str(extra))
    args = ["-d", str(CHART), "--framework", "helm"] + [
        a for f in var_files for a in ("--var-file", f)
    ]
    result = run_checkov(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed checks" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("overlay", ["minikube", "production"])
def test_it_passes_checkov_on_each_kustomize_overlay(overlay):
    result = run_checkov("-d", str(KUSTOMIZE / "overlays" / overlay), "--framework", "kustomize")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed checks" in result.stdout, result.stdout + result.stderr


def helm_set_to_yaml(values: list[str]) -> str:
    """--set a.b=c pairs as a values file (checkov takes files only)."""
    import yaml

    tree: dict = {}
    for item in values:
        key, raw = item.split("=", 1)
        node = tree
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = yaml.safe_load(raw)
    return yaml.safe_dump(tree)
