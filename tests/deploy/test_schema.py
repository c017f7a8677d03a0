"""values.schema.json rejects typos and wrong types with a message naming the key."""

import pytest

from .conftest import CHART, helm

pytestmark = pytest.mark.deploy


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("api.replicaCont=2", "at '/api': additional properties 'replicaCont' not allowed"),
        ("ingres.enabled=false", "additional properties 'ingres' not allowed"),
        ("api.service.port=eighty", "at '/api/service/port': got string, want integer"),
        ("app.logLevel=verbose", "at '/app/logLevel'"),
        ("mongodb.replicaSet.members=2", "at '/mongodb/replicaSet/members'"),
        ("mongodb.replicaSet.members=4", "value must be one of 3, 5, 7"),
        # nginx-only: set a controller's body limit through ingress.annotations instead.
        ("ingress.maxBodySize=6m", "additional properties 'maxBodySize' not allowed"),
        ("ingress.tls.certManager.issuerKind=Issuers", "at '/ingress/tls/certManager/issuerKind'"),
        ("ingress.tls.certManager.acme.server=beta", "at '/ingress/tls/certManager/acme/server'"),
        ("gateway.parentRefs[0].nam=shared", "additional properties 'nam' not allowed"),
        ("gateway.create.gatewayClassName=1", "at '/gateway/create/gatewayClassName'"),
        ("namespace.podSecurity=strict", "at '/namespace/podSecurity'"),
        ("api.podSecurityContext=root", "at '/api/podSecurityContext'"),
        ("ui.readinessProbe.periodSeconds=often", "at '/ui/readinessProbe/periodSeconds'"),
        ("mongodb.enabled=false", "at '/externalMongodb/existingSecret'"),
        ("grafana.enabled=true", "at '/prometheus/enabled'"),
    ],
)
def test_it_rejects_bad_values_with_the_schemas_message(setting, message):
    result = helm("template", "taskapp", str(CHART), "--set", setting, check=False)
    assert result.returncode != 0
    assert "values don't meet the specifications of the schema" in result.stderr
    assert message in result.stderr, result.stderr


def test_it_explains_why_the_metrics_port_cannot_be_the_app_port():
    result = helm("template", "taskapp", str(CHART), "--set", "metrics.port=8000", check=False)
    assert result.returncode != 0
    assert "metrics.port must differ from 8000, the app port" in result.stderr


def test_it_forbids_unknown_keys_everywhere():
    import json

    def walk(node, path):
        if node.get("type") == "object" and "properties" in node:
            assert node.get("additionalProperties") is False, path
            for key, child in node["properties"].items():
                walk(child, f"{path}.{key}")

    schema = json.loads((CHART / "values.schema.json").read_text())
    walk(schema, "$")
    for name, definition in schema["$defs"].items():
        walk(definition, f"$defs.{name}")
