"""Kustomize is rendered from the chart and up to date; the chart README lists every value."""

import os
import subprocess
import sys

import pytest
import yaml

from .conftest import CHART, KUSTOMIZE, ROOT, TOOLS, tool

pytestmark = pytest.mark.deploy

sys.path.insert(0, str(ROOT / "deploy" / "tools"))
import render_manifests  # noqa: E402
import values_doc  # noqa: E402


def test_it_keeps_the_kustomize_tree_up_to_date_with_the_chart():
    env = {**os.environ, "HELM": tool("helm")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "tools" / "render_manifests.py"), "--check"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("overlay", render_manifests.OVERLAYS)
def test_it_builds_each_overlay_into_the_charts_profile(overlay, monkeypatch):
    monkeypatch.setenv("HELM", tool("helm"))
    built = subprocess.run(
        [tool("kubectl"), "kustomize", str(KUSTOMIZE / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    docs = [d for d in yaml.safe_load_all(built) if d and d["kind"] != "Namespace"]
    expected = render_manifests.render(CHART / f"values-{overlay}.yaml")

    def key(d):
        return d["kind"], d["metadata"]["name"]

    assert sorted(map(key, docs)) == sorted(map(key, expected))
    by_key = {key(d): d for d in docs}
    for doc in expected:
        assert by_key[key(doc)] == doc, key(doc)


def test_it_renders_kustomize_without_random_secrets():
    text = (KUSTOMIZE / "base" / "taskapp.yaml").read_text()
    assert "kind: Secret" not in text
    assert "helm.sh/hook" not in text


def leaf_keys(node, prefix=""):
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from leaf_keys(value, f"{prefix}{key}.")
    else:
        yield prefix.rstrip(".")


def test_it_documents_every_value_in_the_chart_readme():
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    readme = (CHART / "README.md").read_text()
    documented = {key for key, _ in values_doc.documented_keys((CHART / "values.yaml").read_text())}
    for key in leaf_keys(values):
        # A leaf is covered by its own row or by a documented parent map (e.g. resources).
        parents = [key.rsplit(".", n)[0] for n in range(key.count(".") + 1)]
        assert any(p in documented for p in parents), f"{key} has no '# --' comment in values.yaml"
        assert any(f"| `{p}` |" in readme for p in parents), f"{key} is missing from README.md"
    assert TOOLS  # the README check itself runs without tools
