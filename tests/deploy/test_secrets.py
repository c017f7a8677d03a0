"""Secrets: generated once, kept on upgrade, replaceable by existing Secrets, never in values.

`helm template` has no cluster, so `lookup` returns nothing there. The keeping is
tested on the real helper instead: `taskapp.secretValue` takes the Secret that
`lookup` found as an argument, and a throwaway chart that includes the chart's own
_helpers.tpl calls it with a fake existing Secret, exactly as secrets.yaml calls it
with the one `lookup` returns on an upgrade.
"""

import base64
import re
import shutil

import pytest
import yaml

from .conftest import CHART, containers, named, render

pytestmark = pytest.mark.deploy

CALL = (
    '{{ include "taskapp.secretValue" '
    '(dict "existing" .Values.existing "key" "%s" "generate" "fresh") }}'
)
PROBE = f"kept: {CALL % 'secret-key'}\nother: {CALL % 'missing'}\n"


def render_helper(tmp_path, existing) -> dict:
    from .conftest import helm

    chart = tmp_path / "probe"
    (chart / "templates").mkdir(parents=True)
    shutil.copy(CHART / "templates" / "_helpers.tpl", chart / "templates" / "_helpers.tpl")
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: probe\nversion: 0.0.1\n")
    (chart / "values.yaml").write_text(yaml.safe_dump({"existing": existing}))
    (chart / "templates" / "probe.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\ndata:\n"
        + "".join("  " + line + "\n" for line in PROBE.splitlines())
    )
    out = helm("template", "p", str(chart)).stdout
    return yaml.safe_load(out)["data"]


def test_it_keeps_the_value_of_an_existing_secret_on_upgrade(tmp_path):
    existing = {"data": {"secret-key": base64.b64encode(b"first-install-key").decode()}}
    data = render_helper(tmp_path, existing)
    assert base64.b64decode(data["kept"]) == b"first-install-key"
    assert base64.b64decode(data["other"]) == b"fresh"  # a key added later is generated


def test_it_generates_a_value_on_first_install(tmp_path):
    data = render_helper(tmp_path, {})
    assert base64.b64decode(data["kept"]) == b"fresh"


def test_it_looks_up_every_generated_secret_and_keeps_it():
    """A wiring check on the template text (no offline render can run `lookup`): each
    generated Secret is looked up and passed to taskapp.secretValue, whose keeping is
    rendered for real above; plus the rendered annotations that keep it."""
    template = (CHART / "templates" / "secrets.yaml").read_text()
    assert template.count('lookup "v1" "Secret"') == 3
    assert template.count('include "taskapp.secretValue" (dict "existing" $existing') == 5
    for upgrade in (False, True):
        secrets = named(
            render(set_values=["prometheus.enabled=true", "grafana.enabled=true"], upgrade=upgrade),
            "Secret",
        )
        assert set(secrets) == {"taskapp-secret-key", "taskapp-mongodb", "taskapp-grafana"}
        for secret in secrets.values():
            # Ordinary resources, kept on uninstall: never a hook, which Helm deletes and
            # re-creates on every upgrade (a failure in between loses the password).
            assert secret["metadata"]["annotations"] == {"helm.sh/resource-policy": "keep"}
    assert set(secrets["taskapp-mongodb"]["data"]) == {
        "mongodb-root-password",
        "mongodb-app-password",
        "mongodb-uri",
        "mongodb-replica-set-key",
    }


def test_it_uses_existing_secrets_instead_of_generating():
    docs = render(
        set_values=[
            "secretKey.existingSecret=my-key",
            "mongodb.auth.existingSecret=my-mongo",
            "grafana.enabled=true",
            "prometheus.enabled=true",
            "grafana.admin.existingSecret=my-grafana",
        ]
    )
    assert not named(docs, "Secret")
    api = named(docs, "Deployment")["taskapp-api"]["spec"]["template"]["spec"]
    names = [s["secret"]["name"] for s in api["volumes"][0]["projected"]["sources"]]
    assert names == ["my-key", "my-mongo"]
    assert (
        named(docs, "StatefulSet")["taskapp-mongodb"]["spec"]["template"]["spec"]["volumes"][0][
            "secret"
        ]["secretName"]
        == "my-mongo"
    )


def test_it_passes_secrets_as_files_never_as_values():
    from .conftest import EVERYTHING

    docs = render(set_values=EVERYTHING)
    secret_values = [
        base64.b64decode(v).decode()
        for d in docs
        if d["kind"] == "Secret"
        for v in d["data"].values()
    ]
    assert len(secret_values) == 6
    for doc in docs:
        if doc["kind"] != "Secret":
            text = yaml.safe_dump(doc)
            assert not [v for v in secret_values if v in text], doc["metadata"]["name"]
        if doc["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob", "Pod"):
            for c in containers(doc):
                for e in c.get("env", []):
                    assert "secretKeyRef" not in e.get("valueFrom", {}), (
                        doc["metadata"]["name"],
                        e,
                    )
                    # A connection string with credentials (user@host) never is a value.
                    assert not re.search(r"mongodb(\+srv)?://[^/]*@", str(e.get("value"))), (
                        doc["metadata"]["name"],
                        e,
                    )
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    flat = yaml.safe_dump(values).lower()
    assert "password:" not in flat and "secret-key:" not in flat
