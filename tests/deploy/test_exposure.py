"""How the app is exposed and how its pods are shaped: a controller-neutral Ingress,
Gateway API routes, cert-manager, the ServiceMonitor only where its CRD exists,
restarts on config changes, Pod Security Admission, overridable pod settings and
whose X-Forwarded-For the app believes."""

import pytest
import yaml
from django.conf import settings as django_settings

from .conftest import CHART, EVERYTHING, PROFILES, containers, env_of, helm, named, render

pytestmark = pytest.mark.deploy

UI_HOST, API_HOST = "taskapp.acme.com", "api.taskapp.acme.com"
STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory"
PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory"


@pytest.fixture
def render_values(tmp_path):
    """Render with a values tree (nested dicts read better than --set for lists)."""

    def run(values: dict, *profiles, **kwargs):
        path = tmp_path / "values.yaml"
        path.write_text(yaml.safe_dump(values))
        return render([*profiles, path], **kwargs)

    return run


def render_error(*set_values: str) -> str:
    args = ["template", "taskapp", str(CHART)]
    for value in set_values:
        args += ["--set", value]
    result = helm(*args, check=False)
    assert result.returncode != 0, "expected the render to fail"
    return result.stderr


# --- Ingress: no controller assumed -------------------------------------------------


def test_it_renders_an_ingress_for_any_controller_by_default():
    ingress = named(render(), "Ingress")["taskapp"]
    # No class: the cluster's default IngressClass serves it.
    assert "ingressClassName" not in ingress["spec"]
    annotations = ingress["metadata"].get("annotations", {})
    assert not [key for key in annotations if "nginx" in key or "traefik" in key], annotations


def test_it_passes_controller_settings_through_ingress_annotations(render_values):
    # Traefik limits bodies with a Middleware (see docs/deploy.md), named by annotation.
    body = {"traefik.ingress.kubernetes.io/router.middlewares": "taskapp-body-limit@kubernetescrd"}
    docs = render_values({"ingress": {"className": "traefik", "annotations": body}})
    ingress = named(docs, "Ingress")["taskapp"]
    assert ingress["spec"]["ingressClassName"] == "traefik"
    assert ingress["metadata"]["annotations"] == body


def test_it_keeps_nginx_on_minikube_whose_ingress_addon_is_nginx():
    ingress = named(render(PROFILES["minikube"]), "Ingress")["taskapp"]
    assert ingress["spec"]["ingressClassName"] == "nginx"
    # Above the app's own 5 MiB limit (nginx's default is 1m), so the app answers 413 itself.
    size = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert (
        size.endswith("m") and int(size[:-1]) * 2**20 > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


def test_it_assumes_no_ingress_controller_in_production():
    ingress = named(render(PROFILES["production"]), "Ingress")["taskapp"]
    assert "ingressClassName" not in ingress["spec"]
    assert not [k for k in ingress["metadata"].get("annotations", {}) if "nginx" in k]


# --- Gateway API ----------------------------------------------------------------------

SHARED_GATEWAY = {"name": "shared", "namespace": "gateways", "sectionName": "https"}


def routes_of(docs) -> dict[str, dict]:
    return {
        r["metadata"]["name"]: r
        for r in docs
        if r["kind"] == "HTTPRoute" and r["apiVersion"] == "gateway.networking.k8s.io/v1"
    }


def test_it_routes_each_host_to_its_service_through_a_given_gateway(render_values):
    docs = render_values(
        {
            "ingress": {"enabled": False},
            "gateway": {"enabled": True, "parentRefs": [SHARED_GATEWAY]},
        }
    )
    routes = routes_of(docs)
    assert set(routes) == {"taskapp-ui", "taskapp-api"}
    for component, host in (("ui", UI_HOST), ("api", API_HOST)):
        spec = routes[f"taskapp-{component}"]["spec"]
        assert spec["parentRefs"] == [SHARED_GATEWAY]
        assert spec["hostnames"] == [host]
        assert spec["rules"] == [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                "backendRefs": [{"name": f"taskapp-{component}", "port": 80}],
            }
        ]
    assert not named(docs, "Gateway") and not named(docs, "Ingress")
    # The hosts are the app's allowed hosts whichever way traffic arrives.
    env = env_of(containers(named(docs, "Deployment")["taskapp-api"])[-1])
    assert API_HOST in env["TASKAPP_ALLOWED_HOSTS"].split(",")


def test_it_creates_a_gateway_with_an_https_listener_and_redirects_http(render_values):
    docs = render_values(
        {
            "ingress": {"enabled": False, "tls": {"enabled": True}},
            "gateway": {"enabled": True, "create": {"enabled": True, "gatewayClassName": "eg"}},
        }
    )
    gateway = named(docs, "Gateway")["taskapp"]
    assert gateway["spec"]["gatewayClassName"] == "eg"
    listeners = {item["name"]: item for item in gateway["spec"]["listeners"]}
    assert (listeners["http"]["protocol"], listeners["http"]["port"]) == ("HTTP", 80)
    assert (listeners["https"]["protocol"], listeners["https"]["port"]) == ("HTTPS", 443)
    assert listeners["https"]["tls"] == {
        "mode": "Terminate",
        "certificateRefs": [{"kind": "Secret", "name": "taskapp-tls"}],
    }
    routes = routes_of(docs)
    own = {"name": "taskapp", "namespace": "taskapp"}
    assert routes["taskapp-ui"]["spec"]["parentRefs"] == [{**own, "sectionName": "https"}]
    redirect = routes["taskapp-https-redirect"]["spec"]
    assert redirect["parentRefs"] == [{**own, "sectionName": "http"}]
    assert sorted(redirect["hostnames"]) == sorted([UI_HOST, API_HOST])
    assert redirect["rules"][0]["filters"] == [
        {"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}
    ]
    # HTTPS at the Gateway: the app sets secure cookies and trusts the https origin.
    env = env_of(containers(named(docs, "Deployment")["taskapp-ui"])[-1])
    assert env["TASKAPP_SECURE_COOKIES"] == "true"
    assert env["TASKAPP_CSRF_TRUSTED_ORIGINS"] == f"https://{UI_HOST}"


def test_it_routes_plain_http_through_its_own_gateway_without_tls(render_values):
    docs = render_values(
        {"gateway": {"enabled": True, "create": {"enabled": True, "gatewayClassName": "eg"}}}
    )
    gateway = named(docs, "Gateway")["taskapp"]
    assert [item["name"] for item in gateway["spec"]["listeners"]] == ["http"]
    routes = routes_of(docs)
    assert set(routes) == {"taskapp-ui", "taskapp-api"}
    assert routes["taskapp-api"]["spec"]["parentRefs"][0]["sectionName"] == "http"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["gateway.enabled=true"], "gateway.enabled needs gateway.parentRefs"),
        (
            ["gateway.enabled=true", "gateway.create.enabled=true"],
            "gateway.create.gatewayClassName is required",
        ),
        (
            ["ingress.tls.enabled=true", "ingress.tls.certManager.acme.create=true"],
            "ingress.tls.certManager.acme.email is required",
        ),
    ],
)
def test_it_explains_an_incomplete_exposure_setting(values, message):
    assert message in render_error(*values)


# --- cert-manager ---------------------------------------------------------------------

ACME = {"create": True, "email": "ops@acme.com"}


def test_it_creates_an_acme_issuer_answering_http01_through_the_ingress_class(render_values):
    docs = render_values(
        {
            "ingress": {
                "className": "traefik",
                "tls": {"enabled": True, "certManager": {"issuerKind": "Issuer", "acme": ACME}},
            }
        }
    )
    issuer = named(docs, "Issuer")["taskapp-letsencrypt"]
    acme = issuer["spec"]["acme"]
    assert acme["server"] == STAGING
    assert acme["email"] == "ops@acme.com"
    assert acme["privateKeySecretRef"] == {"name": "taskapp-letsencrypt-account-key"}
    assert acme["solvers"] == [{"http01": {"ingress": {"ingressClassName": "traefik"}}}]
    ingress = named(docs, "Ingress")["taskapp"]
    assert ingress["metadata"]["annotations"] == {"cert-manager.io/issuer": "taskapp-letsencrypt"}
    assert not named(docs, "Certificate")


def test_it_creates_a_cluster_issuer_for_the_production_server(render_values):
    docs = render_values(
        {
            "ingress": {
                "tls": {
                    "enabled": True,
                    "certManager": {"issuer": "le", "acme": {**ACME, "server": "production"}},
                }
            }
        }
    )
    issuer = named(docs, "ClusterIssuer")["le"]
    assert "namespace" not in issuer["metadata"]
    assert issuer["spec"]["acme"]["server"] == PRODUCTION
    # No class named: cert-manager's solver Ingress goes to the cluster's default class.
    assert issuer["spec"]["acme"]["solvers"] == [{"http01": {"ingress": {}}}]


def test_it_requests_one_certificate_for_both_hosts_behind_a_gateway(render_values):
    docs = render_values(
        {
            "ingress": {"enabled": False, "tls": {"enabled": True, "certManager": {"acme": ACME}}},
            "gateway": {"enabled": True, "create": {"enabled": True, "gatewayClassName": "eg"}},
        }
    )
    certificate = named(docs, "Certificate")["taskapp"]
    assert certificate["spec"] == {
        "secretName": "taskapp-tls",
        "dnsNames": [UI_HOST, API_HOST],
        "issuerRef": {
            "group": "cert-manager.io",
            "kind": "ClusterIssuer",
            "name": "taskapp-letsencrypt",
        },
    }
    solvers = named(docs, "ClusterIssuer")["taskapp-letsencrypt"]["spec"]["acme"]["solvers"]
    assert solvers == [
        {
            "http01": {
                "gatewayHTTPRoute": {
                    "parentRefs": [
                        {"name": "taskapp", "namespace": "taskapp", "sectionName": "http"}
                    ]
                }
            }
        }
    ]


def test_it_answers_the_acme_challenge_on_any_listener_of_a_given_gateway(render_values):
    docs = render_values(
        {
            "ingress": {"enabled": False, "tls": {"enabled": True, "certManager": {"acme": ACME}}},
            "gateway": {"enabled": True, "parentRefs": [SHARED_GATEWAY]},
        }
    )
    solver = named(docs, "ClusterIssuer")["taskapp-letsencrypt"]["spec"]["acme"]["solvers"][0]
    # Not only the HTTPS listener the app's routes use: Let's Encrypt asks over HTTP.
    assert solver["http01"]["gatewayHTTPRoute"]["parentRefs"] == [
        {"name": "shared", "namespace": "gateways"}
    ]
    assert routes_of(docs)["taskapp-ui"]["spec"]["parentRefs"] == [SHARED_GATEWAY]


def test_it_requests_a_certificate_instead_of_annotating_when_asked(render_values):
    docs = render_values(
        {
            "ingress": {
                "tls": {"enabled": True, "certManager": {"issuer": "le", "certificate": True}}
            }
        }
    )
    assert "annotations" not in named(docs, "Ingress")["taskapp"]["metadata"]
    assert named(docs, "Certificate")["taskapp"]["spec"]["issuerRef"]["name"] == "le"
    assert not named(docs, "ClusterIssuer")


# --- ServiceMonitor only where the Prometheus operator is installed -------------------


def service_monitors(*api_versions: str) -> set[str]:
    args = ["template", "taskapp", str(CHART), "--values", str(PROFILES["production"][0])]
    for version in api_versions:
        args += ["--api-versions", version]
    docs = [d for d in yaml.safe_load_all(helm(*args).stdout) if d]
    return set(named(docs, "ServiceMonitor"))


def test_it_renders_service_monitors_only_where_their_api_exists():
    assert service_monitors() == set()
    assert service_monitors("monitoring.coreos.com/v1") == {"taskapp-api", "taskapp-ui"}
    assert service_monitors("monitoring.coreos.com/v1/ServiceMonitor") == {
        "taskapp-api",
        "taskapp-ui",
    }


def install_notes(*args: str) -> str:
    """The notes `helm install` prints (a client-side dry run needs no cluster)."""
    result = helm("install", "taskapp", str(CHART), "-n", "taskapp", "--dry-run=client", *args)
    return result.stdout.split("NOTES:", 1)[1]


def test_it_says_when_it_left_the_service_monitors_out():
    production = ["-f", str(PROFILES["production"][0])]
    assert "The ServiceMonitors were left out" in install_notes(*production)
    assert "ServiceMonitors" not in install_notes()  # not asked for


# --- Restarts when configuration the pods read at start changes -----------------------


def pod_annotations(docs, name) -> dict:
    return named(docs, "Deployment")[name]["spec"]["template"]["metadata"].get("annotations", {})


def test_it_restarts_the_app_when_the_database_address_changes():
    standalone = pod_annotations(render(), "taskapp-api")["checksum/secret"]
    # Generated passwords differ on every render; the checksum must not.
    assert pod_annotations(render(), "taskapp-api")["checksum/secret"] == standalone
    replica_set = render(set_values=["mongodb.replicaSet.enabled=true"])
    assert pod_annotations(replica_set, "taskapp-api")["checksum/secret"] != standalone
    assert pod_annotations(replica_set, "taskapp-ui")["checksum/secret"] != standalone


def test_it_adds_no_secret_checksum_for_secrets_it_does_not_own():
    docs = render(set_values=["mongodb.auth.existingSecret=mine"])
    assert "checksum/secret" not in pod_annotations(docs, "taskapp-api")


@pytest.mark.parametrize(
    ("component", "setting"),
    [("prometheus", "metrics.port=9200"), ("grafana", "fullnameOverride=other")],
)
def test_it_restarts_prometheus_and_grafana_when_their_config_changes(component, setting):
    on = ["prometheus.enabled=true", "grafana.enabled=true"]
    before = render(set_values=on)
    after = render(set_values=[*on, setting])
    name = f"{'other' if 'fullname' in setting else 'taskapp'}-{component}"
    checksum = pod_annotations(before, f"taskapp-{component}")["checksum/config"]
    assert (
        pod_annotations(render(set_values=on), f"taskapp-{component}")["checksum/config"]
        == checksum
    )
    assert pod_annotations(after, name)["checksum/config"] != checksum


# --- Pod Security Admission ------------------------------------------------------------

RESTRICTED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}


def restricted_violations(pod: dict) -> list[str]:
    """The checks of the Pod Security Standard "restricted" (Kubernetes docs, v1.30+)."""
    found = []
    psc = pod.get("securityContext", {})
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(key):
            found.append(key)
    for volume in pod.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= RESTRICTED_VOLUMES:
            found.append(f"volume {volume['name']}: {kinds}")
    for c in pod.get("initContainers", []) + pod["containers"]:
        sc, where = c.get("securityContext", {}), c["name"]
        if sc.get("privileged"):
            found.append(f"{where}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            found.append(f"{where}: allowPrivilegeEscalation")
        if "ALL" not in sc.get("capabilities", {}).get("drop", []):
            found.append(f"{where}: capabilities not dropped")
        if set(sc.get("capabilities", {}).get("add", [])) - {"NET_BIND_SERVICE"}:
            found.append(f"{where}: capabilities added")
        if sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is not True:
            found.append(f"{where}: runAsNonRoot")
        if sc.get("runAsUser", psc.get("runAsUser")) == 0:
            found.append(f"{where}: runAsUser 0")
        seccomp = sc.get("seccompProfile", psc.get("seccompProfile", {})).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            found.append(f"{where}: seccompProfile")
        if any(p.get("hostPort") for p in c.get("ports", [])):
            found.append(f"{where}: hostPort")
    return found


def pods_of(docs):
    for d in docs:
        if d["kind"] == "Pod":
            yield d["metadata"]["name"], d["spec"]
        elif d["kind"] == "CronJob":
            yield d["metadata"]["name"], d["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        elif d["kind"] in ("Deployment", "StatefulSet", "Job", "DaemonSet"):
            yield d["metadata"]["name"], d["spec"]["template"]["spec"]


@pytest.mark.parametrize("render_name", [*PROFILES, "everything"])
def test_every_pod_meets_the_restricted_pod_security_standard(render_name):
    docs = (
        render(set_values=EVERYTHING)
        if render_name == "everything"
        else render(PROFILES[render_name])
    )
    pods = dict(pods_of(docs))
    assert len(pods) >= 5
    for name, pod in pods.items():
        assert restricted_violations(pod) == [], name


def test_the_restricted_check_catches_a_root_pod():
    pod = {"containers": [{"name": "c", "securityContext": {"runAsUser": 0}}]}
    assert len(restricted_violations(pod)) >= 4


def test_it_can_create_the_namespace_with_pod_security_labels():
    assert not named(render(), "Namespace")
    namespace = named(render(set_values=["namespace.create=true"]), "Namespace")["taskapp"]
    labels = namespace["metadata"]["labels"]
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
    baseline = named(
        render(set_values=["namespace.create=true", "namespace.podSecurity=baseline"]), "Namespace"
    )["taskapp"]
    assert baseline["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "baseline"


# --- Overridable security contexts and probes ------------------------------------------


def app_container(docs, component) -> dict:
    return containers(named(docs, "Deployment")[f"taskapp-{component}"])[-1]


def test_it_keeps_the_hardened_pod_defaults():
    deploy = named(render(), "Deployment")["taskapp-api"]
    pod = deploy["spec"]["template"]["spec"]
    assert pod["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 10001,
        "runAsGroup": 10001,
        "fsGroup": 10001,
        "fsGroupChangePolicy": "OnRootMismatch",
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    for c in containers(deploy):
        assert c["securityContext"] == {
            "runAsNonRoot": True,
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        }


def test_it_merges_security_context_overrides_over_the_defaults(render_values):
    docs = render_values(
        {
            "api": {
                "podSecurityContext": {"runAsUser": 20000, "supplementalGroups": [3000]},
                "containerSecurityContext": {
                    "seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}
                },
            }
        }
    )
    deploy = named(docs, "Deployment")["taskapp-api"]
    pod = deploy["spec"]["template"]["spec"]["securityContext"]
    assert (pod["runAsUser"], pod["supplementalGroups"], pod["runAsNonRoot"]) == (
        20000,
        [3000],
        True,
    )
    for c in containers(deploy):
        sc = c["securityContext"]
        assert sc["seccompProfile"] == {"type": "Localhost", "localhostProfile": "p.json"}
        assert sc["readOnlyRootFilesystem"] is True
    ui = named(docs, "Deployment")["taskapp-ui"]["spec"]["template"]["spec"]
    assert ui["securityContext"]["runAsUser"] == 10001


def test_it_merges_probe_overrides_and_lets_a_handler_replace_the_charts(render_values):
    docs = render_values(
        {
            "ui": {
                "livenessProbe": {"periodSeconds": 30, "failureThreshold": 5},
                "readinessProbe": {"tcpSocket": {"port": "http"}},
                "startupProbe": {"failureThreshold": 90},
            }
        }
    )
    ui = app_container(docs, "ui")
    assert ui["livenessProbe"]["periodSeconds"] == 30
    assert ui["livenessProbe"]["failureThreshold"] == 5
    assert ui["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert ui["readinessProbe"]["tcpSocket"] == {"port": "http"}
    assert "httpGet" not in ui["readinessProbe"]
    assert ui["readinessProbe"]["periodSeconds"] == 5
    assert ui["startupProbe"]["failureThreshold"] == 90
    api = app_container(docs, "api")
    assert api["livenessProbe"]["periodSeconds"] == 10


# --- X-Forwarded-For is believed only from proxies you name ---------------------------


def trusted_proxies(docs) -> str:
    return env_of(app_container(docs, "api"))["TASKAPP_TRUSTED_PROXIES"]


def test_it_trusts_no_proxy_by_default():
    # Empty: the app believes no X-Forwarded-For (an empty list parses to no proxies).
    assert trusted_proxies(render()) == ""
    assert trusted_proxies(render(PROFILES["production"])) == ""


def test_it_warns_that_clients_share_the_proxys_rate_limits_without_trusted_proxies():
    assert "No trusted proxies (app.trustedProxies)" in install_notes()
    assert "No trusted proxies" not in install_notes("-f", str(PROFILES["minikube"][0]))


def test_it_trusts_only_the_ingress_pods_and_the_host_on_minikube():
    assert trusted_proxies(render(PROFILES["minikube"])) == "10.244.0.0/16,192.168.49.1/32"
