"""Each `enabled` switch turns its resources on and off; the pod shape follows the contracts."""

import pytest
import yaml

from .conftest import CHART, env_of, helm, named, render

pytestmark = pytest.mark.deploy


def kinds_and_names(docs) -> set[tuple[str, str]]:
    return {(d["kind"], d["metadata"]["name"]) for d in docs}


# switch -> (value that turns it on, value that turns it off, resources it owns)
SWITCHES = {
    "ingress.enabled": ({("Ingress", "taskapp")}, []),
    "api.autoscaling.enabled": ({("HorizontalPodAutoscaler", "taskapp-api")}, []),
    "ui.autoscaling.enabled": ({("HorizontalPodAutoscaler", "taskapp-ui")}, []),
    # One Job per release revision (helm template renders revision 1).
    "migrations.enabled": ({("Job", "taskapp-migrate-1")}, []),
    "mongodb.backup.enabled": (
        {
            ("CronJob", "taskapp-mongodb-backup"),
            ("PersistentVolumeClaim", "taskapp-mongodb-backup"),
        },
        [],
    ),
    "mongodb.replicaSet.enabled": (
        {
            ("Job", "taskapp-mongodb-rs-init-1"),
            ("ConfigMap", "taskapp-mongodb-rs-init"),
            ("PodDisruptionBudget", "taskapp-mongodb"),
        },
        [],
    ),
    "networkPolicy.enabled": (
        {
            ("NetworkPolicy", n)
            for n in ("taskapp-default-deny", "taskapp-api", "taskapp-ui", "taskapp-mongodb")
        },
        [],
    ),
    "gateway.enabled": (
        {("HTTPRoute", "taskapp-api"), ("HTTPRoute", "taskapp-ui")},
        ["gateway.parentRefs[0].name=shared"],
    ),
    "gateway.create.enabled": (
        {("Gateway", "taskapp")},
        [
            "gateway.enabled=true",
            "gateway.create.gatewayClassName=eg",
            "gateway.parentRefs[0].name=x",
        ],
    ),
    "ingress.tls.certManager.acme.create": (
        {("ClusterIssuer", "taskapp-letsencrypt")},
        ["ingress.tls.enabled=true", "ingress.tls.certManager.acme.email=ops@acme.com"],
    ),
    "ingress.tls.certManager.certificate": (
        {("Certificate", "taskapp")},
        ["ingress.tls.enabled=true", "ingress.tls.certManager.issuer=le"],
    ),
    "namespace.create": ({("Namespace", "taskapp")}, []),
    "prometheus.enabled": (
        {
            ("Deployment", "taskapp-prometheus"),
            ("ConfigMap", "taskapp-prometheus"),
            ("Service", "taskapp-api-metrics"),
        },
        [],
    ),
    "grafana.enabled": (
        {
            ("Deployment", "taskapp-grafana"),
            ("ConfigMap", "taskapp-grafana"),
            ("Secret", "taskapp-grafana"),
        },
        ["prometheus.enabled=true"],
    ),
    "tests.enabled": ({("Pod", "taskapp-test-ui"), ("Pod", "taskapp-test-api-ready")}, []),
    "tests.apiRoundTrip": ({("Pod", "taskapp-test-api-roundtrip")}, []),
    "mongodb.enabled": (
        {
            ("StatefulSet", "taskapp-mongodb"),
            ("Service", "taskapp-mongodb"),
            ("Secret", "taskapp-mongodb"),
        },
        ["externalMongodb.existingSecret=atlas"],
    ),
}


def test_it_turns_service_monitors_on_and_off_where_the_operator_runs():
    def monitors(switch: str) -> set[tuple[str, str]]:
        args = ["template", "taskapp", str(CHART), "--namespace", "taskapp"]
        args += ["--api-versions", "monitoring.coreos.com/v1", "--set", switch]
        docs = [d for d in yaml.safe_load_all(helm(*args).stdout) if d]
        return kinds_and_names(d for d in docs if d["kind"] == "ServiceMonitor")

    owned = {("ServiceMonitor", "taskapp-api"), ("ServiceMonitor", "taskapp-ui")}
    assert monitors("metrics.serviceMonitor.enabled=true") == owned
    assert monitors("metrics.serviceMonitor.enabled=false") == set()


@pytest.mark.parametrize("switch", SWITCHES)
def test_it_turns_resources_on_and_off(switch):
    owned, extra = SWITCHES[switch]
    on = kinds_and_names(render(set_values=[f"{switch}=true", *extra]))
    off = kinds_and_names(render(set_values=[f"{switch}=false", *extra]))
    assert owned <= on, owned - on
    assert not owned & off, owned & off


def test_it_renders_no_statefulset_with_an_external_mongodb():
    docs = render(set_values=["mongodb.enabled=false", "externalMongodb.existingSecret=atlas"])
    # No database server and no backup CronJob (the reminders CronJob stays).
    in_cluster = [d for d in docs if d["kind"] in ("StatefulSet", "CronJob")]
    assert [d["metadata"]["name"] for d in in_cluster] == ["taskapp-reminders"]
    api = named(docs, "Deployment")["taskapp-api"]
    sources = api["spec"]["template"]["spec"]["volumes"][0]["projected"]["sources"]
    assert {"name": "atlas", "items": [{"key": "mongodb-uri", "path": "mongodb-uri"}]} in [
        s["secret"] for s in sources
    ]
    # The database exists before the release: migrate before install, too.
    # Installed as an ordinary Job the app pods wait for (migrate-job.yaml says why).
    job = named(docs, "Job")["taskapp-migrate-1"]
    assert "helm.sh/hook" not in job["metadata"].get("annotations", {})


def test_it_adds_a_disruption_budget_only_with_more_than_one_pod():
    assert not named(render(), "PodDisruptionBudget")
    docs = render(
        set_values=[
            "api.autoscaling.minReplicas=2",
            "ui.autoscaling.enabled=false",
            "ui.replicaCount=3",
        ]
    )
    assert set(named(docs, "PodDisruptionBudget")) == {"taskapp-api", "taskapp-ui"}


def all_pod_specs(docs):
    for d in docs:
        if d["kind"] == "Pod":
            yield d["metadata"]["name"], d["spec"]
        elif d["kind"] == "CronJob":
            yield d["metadata"]["name"], d["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        elif d["kind"] in ("Deployment", "StatefulSet", "Job"):
            yield d["metadata"]["name"], d["spec"]["template"]["spec"]


def test_it_hardens_every_pod():
    from .conftest import EVERYTHING

    docs = render(set_values=EVERYTHING)
    for name, pod in all_pod_specs(docs):
        assert pod["automountServiceAccountToken"] is False, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        for c in pod.get("initContainers", []) + pod["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, (name, c["name"])
            assert sc["allowPrivilegeEscalation"] is False, (name, c["name"])
            assert sc["capabilities"] == {"drop": ["ALL"]}, (name, c["name"])
            assert c["resources"]["limits"] and c["resources"]["requests"], (name, c["name"])


def test_it_probes_with_a_host_the_app_accepts_and_shuts_down_gracefully():
    for name, deploy in named(render(), "Deployment").items():
        pod = deploy["spec"]["template"]["spec"]
        app = pod["containers"][0]
        allowed = env_of(app)["TASKAPP_ALLOWED_HOSTS"].split(",")
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            host = app[probe]["httpGet"]["httpHeaders"][0]
            assert host["name"] == "Host" and host["value"] in allowed, (name, probe)
        assert app["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert app["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert app["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"]
        env = env_of(app)
        # preStop + drain + graceful timeout + a margin, so the kubelet never kills mid-request.
        assert (
            pod["terminationGracePeriodSeconds"]
            == 5 + int(env["TASKAPP_DRAIN_SECONDS"]) + int(env["TASKAPP_GRACEFUL_TIMEOUT"]) + 5
        )
        assert {p["name"]: p["containerPort"] for p in app["ports"]} == {
            "http": 8000,
            "metrics": 9100,
        }


def test_it_routes_only_the_app_port_through_the_ingress():
    ingress = named(render(), "Ingress")["taskapp"]
    routes = {
        rule["host"]: rule["http"]["paths"][0]["backend"]["service"]
        for rule in ingress["spec"]["rules"]
    }
    assert routes == {
        "taskapp.acme.com": {"name": "taskapp-ui", "port": {"name": "http"}},
        "api.taskapp.acme.com": {"name": "taskapp-api", "port": {"name": "http"}},
    }


def test_it_turns_on_https_and_secure_cookies_with_tls():
    docs = render(
        set_values=["ingress.tls.enabled=true", "ingress.tls.certManager.issuer=letsencrypt"]
    )
    ingress = named(docs, "Ingress")["taskapp"]
    assert ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt"
    assert ingress["spec"]["tls"] == [
        {"hosts": ["taskapp.acme.com", "api.taskapp.acme.com"], "secretName": "taskapp-tls"}
    ]
    env = env_of(
        named(docs, "Deployment")["taskapp-ui"]["spec"]["template"]["spec"]["containers"][0]
    )
    assert env["TASKAPP_SECURE_COOKIES"] == "true"
    assert env["TASKAPP_CSRF_TRUSTED_ORIGINS"] == "https://taskapp.acme.com"
    plain = env_of(
        named(render(), "Deployment")["taskapp-ui"]["spec"]["template"]["spec"]["containers"][0]
    )
    assert plain["TASKAPP_SECURE_COOKIES"] == "false"
