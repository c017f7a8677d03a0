"""The offline checkers: helm lint, Kubernetes schemas, CRD schemas of custom resources, checkov."""

import json
import subprocess

import pytest
import yaml

from .conftest import (
    CHART,
    EVERYTHING,
    KUSTOMIZE,
    PROFILES,
    ROOT,
    TOOLS,
    helm,
    render_text,
    tool,
)

pytestmark = pytest.mark.deploy

# The exposure options EVERYTHING leaves off: Gateway API with its own Gateway, an
# ACME ClusterIssuer and a Certificate, and the namespace with Pod Security labels.
EXPOSURE = [
    "gateway.enabled=true",
    "gateway.create.enabled=true",
    "gateway.create.gatewayClassName=eg",
    "ingress.tls.certManager.acme.create=true",
    "ingress.tls.certManager.acme.email=ops@acme.com",
    "namespace.create=true",
]
# An Ingress-only release with a namespaced ACME Issuer and a Certificate resource.
INGRESS_ISSUER = [
    "ingress.tls.enabled=true",
    "ingress.className=traefik",
    "ingress.tls.certManager.issuerKind=Issuer",
    "ingress.tls.certManager.certificate=true",
    "ingress.tls.certManager.acme.create=true",
    "ingress.tls.certManager.acme.email=ops@acme.com",
    "ingress.tls.certManager.acme.server=production",
]
RENDERS = {
    **{name: (files, []) for name, files in PROFILES.items()},
    "everything": ([], EVERYTHING + EXPOSURE),
    "ingress-issuer": ([], INGRESS_ISSUER),
}
# The Prometheus operator's API, so the ServiceMonitors render (see servicemonitor.yaml).
WITH_PROMETHEUS_OPERATOR = ["--api-versions", "monitoring.coreos.com/v1"]


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


def validate_crds(docs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["node", str(ROOT / "deploy" / "tools" / "validate-crds.mjs")],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        env={"DEPLOY_TOOLS": str(TOOLS), "PATH": "/usr/local/bin:/usr/bin:/bin"},
    )


def render_on_operator_cluster(files, values) -> list[dict]:
    args = ["template", "taskapp", str(CHART), "--namespace", "taskapp", *WITH_PROMETHEUS_OPERATOR]
    args += [a for f in files for a in ("--values", str(f))]
    args += [a for v in values for a in ("--set", v)]
    return [d for d in yaml.safe_load_all(helm(*args).stdout) if d]


@pytest.mark.parametrize(
    ("render_name", "expected"),
    [
        ("production", {"servicemonitor": 2}),
        (
            "everything",
            {
                "servicemonitor": 2,
                "gateway": 1,
                "httproute": 3,
                "certificate": 1,
                "clusterissuer": 1,
            },
        ),
        ("ingress-issuer", {"certificate": 1, "issuer": 1}),
    ],
)
def test_it_renders_custom_resources_valid_for_their_crds(render_name, expected):
    files, values = RENDERS[render_name]
    result = validate_crds(render_on_operator_cluster(files, values))
    assert result.returncode == 0, result.stdout + result.stderr
    checked = [
        line.split()[1].split("/")[0]
        for line in result.stdout.splitlines()
        if line.startswith("ok ")
    ]
    assert {kind: checked.count(kind) for kind in set(checked)} == expected, result.stdout
    assert f"{sum(expected.values())} custom resource(s) checked, 0 invalid" in result.stdout


@pytest.mark.parametrize(
    ("kind", "field", "value", "message"),
    [
        ("ServiceMonitor", ("spec", "endpoints", 0, "interval"), 30, "interval must be string"),
        (
            "HTTPRoute",
            ("spec", "rules", 0, "backendRefs", 0, "port"),
            "http",
            "port must be integer",
        ),
        ("Certificate", ("spec", "dnsNames"), "taskapp.acme.com", "dnsNames must be array"),
        ("ClusterIssuer", ("spec", "acme", "email"), 7, "email must be string"),
    ],
)
def test_it_would_catch_a_broken_custom_resource(kind, field, value, message):
    docs = [d for d in render_on_operator_cluster(*RENDERS["everything"]) if d["kind"] == kind]
    node = docs[0]
    for key in field[:-1]:
        node = node[key]
    node[field[-1]] = value
    result = validate_crds(docs)
    assert result.returncode == 1
    assert message in result.stdout, result.stdout


def test_it_refuses_a_custom_resource_it_has_no_schema_for():
    result = validate_crds(
        [{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}]
    )
    assert result.returncode == 1
    assert "UNKNOWN widget/w: no schema for example.com/v1 Widget" in result.stdout


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
        extra.write_text(helm_set_to_yaml(EVERYTHING + EXPOSURE))
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
    tree: dict = {}
    for item in values:
        key, raw = item.split("=", 1)
        node = tree
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = yaml.safe_load(raw)
    return yaml.safe_dump(tree)
