"""Which images the chart names: published ones by default (appVersion), per-component
tags and digests, local ones for minikube, and the chart the release workflow publishes."""

import shutil
import subprocess
import sys

import pytest
import yaml

from .conftest import CHART, PROFILES, ROOT, containers, helm, render

pytestmark = pytest.mark.deploy

APP_VERSION = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64
# Every workload that runs an app image (by name prefix: the migration Job and the
# helm test pods carry suffixes), and the component whose image it runs.
APP_WORKLOADS = {
    "taskapp-api": "api",
    "taskapp-ui": "ui",
    "taskapp-migrate": "api",
    "taskapp-test-api": "api",
    "taskapp-test-ui": "ui",
}


def app_workloads(docs):
    """(name prefix, component, workload) of each workload running an app image."""
    for doc in docs:
        if doc["kind"] not in {"Deployment", "Job", "Pod"}:
            continue
        name = doc["metadata"]["name"]
        for prefix in sorted(APP_WORKLOADS, key=len, reverse=True):
            if name == prefix or name.startswith(f"{prefix}-"):
                yield prefix, APP_WORKLOADS[prefix], doc
                break


def app_images(docs) -> dict[str, set[str]]:
    """component -> the images its workloads' containers (init ones too) run."""
    found: dict[str, set[str]] = {"api": set(), "ui": set()}
    for _prefix, component, doc in app_workloads(docs):
        found[component] |= {c["image"] for c in containers(doc)}
    return found


def pull_policies(docs) -> set[str]:
    return {c["imagePullPolicy"] for _, _, d in app_workloads(docs) for c in containers(d)}


def test_defaults_pull_the_published_images_at_the_apps_version():
    docs = render()

    assert app_images(docs) == {
        "api": {f"ghcr.io/acme/taskapp-api:{APP_VERSION}"},
        "ui": {f"ghcr.io/acme/taskapp-ui:{APP_VERSION}"},
    }
    assert pull_policies(docs) == {"IfNotPresent"}


def test_every_app_workload_is_found():
    # Guards the tests here against passing on an empty render.
    assert {prefix for prefix, _, _ in app_workloads(render())} == set(APP_WORKLOADS)


def test_a_component_released_alone_gets_its_own_tag():
    images = app_images(render(set_values=["image.api.tag=1.4.2", "image.registry=ghcr.io/me/"]))

    assert images == {
        "api": {"ghcr.io/me/taskapp-api:1.4.2"},
        "ui": {f"ghcr.io/me/taskapp-ui:{APP_VERSION}"},
    }


def test_image_tag_overrides_both_components():
    images = app_images(render(set_values=["image.api.tag=1.4.2", "image.tag=abc1234"]))

    assert images == {
        "api": {"ghcr.io/acme/taskapp-api:abc1234"},
        "ui": {"ghcr.io/acme/taskapp-ui:abc1234"},
    }


def test_a_digest_pins_the_image_whatever_the_tag():
    images = app_images(
        render(set_values=[f"image.api.digest={DIGEST_A}", "image.api.tag=9.9.9", "image.tag=x"])
    )

    assert images == {
        "api": {f"ghcr.io/acme/taskapp-api@{DIGEST_A}"},
        "ui": {"ghcr.io/acme/taskapp-ui:x"},
    }


def test_minikube_runs_the_images_built_into_the_node():
    docs = render(PROFILES["minikube"])

    assert app_images(docs) == {
        "api": {f"taskapp-api:{APP_VERSION}"},
        "ui": {f"taskapp-ui:{APP_VERSION}"},
    }
    assert pull_policies(docs) == {"Never"}


@pytest.mark.parametrize(
    "bad", ["image.api.digest=sha256:xyz", "image.ui.digest=md5:00", "image.api.tag=a b"]
)
def test_the_schema_refuses_a_malformed_digest_or_tag(bad):
    done = helm("template", "taskapp", str(CHART), "--set", bad, check=False)

    assert done.returncode != 0
    assert "does not match pattern" in done.stderr


def test_the_published_chart_names_the_publishers_images_by_digest(tmp_path):
    chart = tmp_path / "taskapp"
    shutil.copytree(CHART, chart)
    stamp = [sys.executable, str(ROOT / "scripts/release/stamp-chart"), str(chart)]

    subprocess.run(
        [*stamp, "--version", "2.3.4", "--registry", "ghcr.io/acme-org",
         "--api-digest", DIGEST_A, "--ui-digest", DIGEST_B],
        check=True,
    )  # fmt: skip

    metadata = yaml.safe_load((chart / "Chart.yaml").read_text())
    assert (metadata["version"], metadata["appVersion"]) == ("2.3.4", "2.3.4")
    assert app_images(render(chart=chart)) == {
        "api": {f"ghcr.io/acme-org/taskapp-api@{DIGEST_A}"},
        "ui": {f"ghcr.io/acme-org/taskapp-ui@{DIGEST_B}"},
    }
    # The chart's comments (its README's source) survive the stamping.
    assert (chart / "values.yaml").read_text().count("# --") == (
        (CHART / "values.yaml").read_text().count("# --")
    )
