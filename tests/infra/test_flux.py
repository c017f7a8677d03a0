"""deploy/flux: the GitOps recipe, built with kustomize and validated against Flux's CRD schemas.

kubectl (kustomize) comes from `make deploy-tools`; the schemas are npm
@kubernetes-models/flux-cd, installed by deploy/flux/tools/install.sh (`make
infra-tools`) and run by deploy/flux/tools/validate.mjs. The values of each
environment are rendered with the chart itself, so its schema checks them too.
"""

import copy
import json
import re
import subprocess
import sys

import pytest
import yaml

from .conftest import DEPLOY_TOOLS, INFRA_TOOLS, ROOT, helm_binary

pytestmark = pytest.mark.deploy

FLUX = ROOT / "deploy/flux"
ENVIRONMENTS = ("staging", "production")
CHART = ROOT / "deploy/helm/taskapp"


def kustomize(directory) -> list[dict]:
    kubectl = DEPLOY_TOOLS / "bin/kubectl"
    if not kubectl.exists():
        pytest.fail(f"{kubectl} is missing: run `make deploy-tools`")
    result = subprocess.run(
        [str(kubectl), "kustomize", str(directory)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def validate(objects: list[dict]) -> subprocess.CompletedProcess:
    if not (INFRA_TOOLS / "node/node_modules/@kubernetes-models/flux-cd").exists():
        pytest.fail("Flux's schemas are missing: run `make infra-tools`")
    return subprocess.run(
        ["node", str(FLUX / "tools/validate.mjs")],
        input=json.dumps(objects), capture_output=True, text=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "INFRA_TOOLS": str(INFRA_TOOLS)},
    )  # fmt: skip


@pytest.fixture(scope="module")
def built():
    return {env: kustomize(FLUX / env) for env in ENVIRONMENTS}


def named(objects, kind):
    (obj,) = [o for o in objects if o["kind"] == kind]
    return obj


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environment_builds_and_passes_flux_schemas(built, env):
    result = validate(built[env])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok OCIRepository/taskapp" in result.stdout
    assert "ok HelmRelease/taskapp" in result.stdout
    assert {o["kind"] for o in built[env]} == {"Namespace", "OCIRepository", "HelmRelease"}
    assert {o["metadata"].get("namespace") for o in built[env] if o["kind"] != "Namespace"} == {
        "taskapp"
    }


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_cluster_kustomization_applies_its_overlay_and_names_the_owner(env):
    (kustomization,) = yaml.safe_load_all((FLUX / f"clusters/{env}.yaml").read_text())
    result = validate([kustomization])
    assert result.returncode == 0, result.stdout
    assert kustomization["spec"]["path"] == f"./deploy/flux/{env}"
    assert (ROOT / kustomization["spec"]["path"] / "kustomization.yaml").exists()
    assert kustomization["spec"]["postBuild"]["substitute"]["GHCR_OWNER"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spec", "interval"), 5),
        (("spec", "chartRef", "kind"), "GitRepository"),
        (("spec", "install", "remediation", "retries"), "three"),
    ],
)
def test_the_validator_rejects_a_broken_helmrelease(built, path, value):
    broken = copy.deepcopy(named(built["staging"], "HelmRelease"))
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    result = validate([broken])
    assert result.returncode == 1
    assert "INVALID HelmRelease/taskapp" in result.stdout


def test_the_validator_refuses_a_kind_it_has_no_schema_for():
    result = validate([{"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "Bogus",
                        "metadata": {"name": "x"}}])  # fmt: skip
    assert result.returncode == 1 and "UNKNOWN Bogus/x" in result.stdout


def test_it_follows_the_published_chart_on_ghcr(built):
    source = named(built["production"], "OCIRepository")
    assert source["spec"]["url"] == "oci://ghcr.io/${GHCR_OWNER}/charts/taskapp"
    assert source["spec"]["layerSelector"]["mediaType"] == (
        "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
    )
    release = named(built["production"], "HelmRelease")
    assert release["spec"]["chartRef"] == {"kind": "OCIRepository", "name": "taskapp"}
    assert release["spec"]["upgrade"]["remediation"]["retries"] > 0


def test_staging_takes_pre_releases_and_production_only_releases(built):
    staging = named(built["staging"], "OCIRepository")["spec"]["ref"]["semver"]
    production = named(built["production"], "OCIRepository")["spec"]["ref"]["semver"]
    assert staging.endswith("-0")  # semver ranges include pre-releases only with this
    assert "-" not in production


def leaves(values, prefix=()):
    for key, value in values.items():
        if isinstance(value, dict) and value:
            yield from leaves(value, (*prefix, key))
        else:
            yield (*prefix, key), value


def test_the_production_copy_is_up_to_date():
    result = subprocess.run(
        [sys.executable, str(FLUX / "tools/production_values.py"), "--check"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout


def test_production_carries_the_charts_production_profile(built):
    profile = dict(leaves(yaml.safe_load((CHART / "values-production.yaml").read_text())))
    values = dict(leaves(named(built["production"], "HelmRelease")["spec"]["values"]))
    for path, value in profile.items():
        if path == ("image", "registry"):
            continue
        assert values.get(path) == value, (
            f"deploy/flux/production/helmrelease.yaml differs from values-production.yaml at "
            f"{'.'.join(path)}: copy the change"
        )
    assert values[("image", "registry")] == "ghcr.io/${GHCR_OWNER}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environments_values_are_accepted_by_the_chart(built, env, tmp_path):
    values = named(built[env], "HelmRelease")["spec"]["values"]
    text = yaml.safe_dump(values).replace("${GHCR_OWNER}", "acme")
    (tmp_path / "values.yaml").write_text(text)
    result = subprocess.run(
        [helm_binary(), "template", "taskapp", str(CHART), "--namespace", "taskapp",
         "--values", str(tmp_path / "values.yaml")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert re.search(r"^kind: Deployment$", result.stdout, flags=re.M)
    assert values["app"]["allowSignup"] is False
