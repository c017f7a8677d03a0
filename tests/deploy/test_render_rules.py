"""Rules every render of the chart obeys, for every values profile, install and upgrade.

- Data and credentials are never Helm hooks: Helm deletes a hook before re-creating
  it (the default delete policy, before-hook-creation) and `helm.sh/resource-policy:
  keep` does not protect hooks, so a PVC or Secret as a hook is lost on reinstall.
- Every hook says when Helm deletes it (an explicit `helm.sh/hook-delete-policy`).
- Jobs are never adopted finished: their names carry the release revision (a new
  Job per install and upgrade, since a Job's pod template is immutable), none is
  kept by `resource-policy: keep`, and each deletes itself after it finished
  (`ttlSecondsAfterFinished`), so an uninstall or a later reinstall finds none.

`helm template` always renders revision 1; the second revision is rendered from a
copy of the chart whose templates read `.Release.Revision + 6`.
"""

import re
import shutil

import pytest

from .conftest import CHART, PROFILES, render

pytestmark = pytest.mark.deploy

EXTERNAL = ["mongodb.enabled=false", "externalMongodb.existingSecret=atlas"]
REPLICA_SET = ["mongodb.replicaSet.enabled=true"]
# name -> (values files, --set values)
VARIANTS = {
    **{name: (files, []) for name, files in PROFILES.items()},
    "external-mongodb": ([], EXTERNAL),
    "replica-set": ([], REPLICA_SET),
    "everything": ([], [*REPLICA_SET, "prometheus.enabled=true", "grafana.enabled=true"]),
}
DATA_KINDS = {"PersistentVolumeClaim", "StatefulSet", "Secret"}
# `.Release.Revision`, `$.Release.Revision`, `.ctx.Release.Revision`, ...
REVISION = re.compile(r"(?<=[\s(])((?:\$\w*)?(?:\.\w+)*?)\.Release\.Revision\b")


RENDERS = [
    pytest.param(files, sets, upgrade, id=f"{name}-{'upgrade' if upgrade else 'install'}")
    for name, (files, sets) in VARIANTS.items()
    for upgrade in (False, True)
]


def annotations(doc) -> dict:
    return doc["metadata"].get("annotations") or {}


@pytest.mark.parametrize(("files", "sets", "upgrade"), RENDERS)
def test_no_data_or_secret_is_a_hook(files, sets, upgrade):
    docs = render(files, sets, upgrade=upgrade)
    hooks = [
        (d["kind"], d["metadata"]["name"])
        for d in docs
        if d["kind"] in DATA_KINDS and "helm.sh/hook" in annotations(d)
    ]
    assert not hooks


@pytest.mark.parametrize(("files", "sets", "upgrade"), RENDERS)
def test_every_hook_has_an_explicit_delete_policy(files, sets, upgrade):
    docs = render(files, sets, upgrade=upgrade)
    missing = [
        (d["kind"], d["metadata"]["name"])
        for d in docs
        if "helm.sh/hook" in annotations(d) and not annotations(d).get("helm.sh/hook-delete-policy")
    ]
    assert not missing


def chart_at_revision(tmp_path, offset: int, extra_templates=None):
    """A copy of the chart that renders as revision 1 + offset."""
    chart = tmp_path / "taskapp"
    shutil.copytree(CHART, chart)
    for name, text in (extra_templates or {}).items():
        (chart / "templates" / name).write_text(text)
    for template in (chart / "templates").rglob("*"):
        if template.suffix in (".yaml", ".tpl"):
            text = template.read_text()
            template.write_text(REVISION.sub(rf"(add \1.Release.Revision {offset})", text))
    return chart


def jobs(docs) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == "Job"}


@pytest.mark.parametrize(("files", "sets", "upgrade"), RENDERS)
def test_jobs_are_new_per_revision_and_never_kept(tmp_path, files, sets, upgrade):
    first = jobs(render(files, sets, upgrade=upgrade))
    later = jobs(render(files, sets, upgrade=upgrade, chart=chart_at_revision(tmp_path, 6)))
    assert first, "every profile runs at least one Job"
    assert len(first) == len(later)
    assert not set(first) & set(later), "a Job name that does not change with the revision"
    for name, job in first.items():
        assert annotations(job).get("helm.sh/resource-policy") != "keep", name
        assert job["spec"].get("ttlSecondsAfterFinished") is not None, name


def test_the_revision_copy_renders_another_revision(tmp_path):
    probe = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: probe}\n"
        "data: {plain: '{{ .Release.Revision }}', rooted: '{{ $.Release.Revision }}',"
        " nested: '{{ $x := dict \"ctx\" $ }}{{ $x.ctx.Release.Revision }}'}\n"
    )
    chart = chart_at_revision(tmp_path, 6, {"probe.yaml": probe})
    (doc,) = [d for d in render(chart=chart) if d["metadata"]["name"] == "probe"]
    assert doc["data"] == {"plain": "7", "rooted": "7", "nested": "7"}
