"""Rollout order and traffic: migrations before serving, probes, ingress limits, scraping.

The migration command line is run for real with `sh` against a stand-in `python`,
so the `&&` between waiting for the database and migrating is exercised, not read.
"""

import subprocess

import pytest
from django.conf import settings

from .conftest import CHART, containers, helm, named, pod_spec, render

pytestmark = pytest.mark.deploy

WAIT = ["python", "manage.py", "wait_for_database"]


def test_it_runs_the_migration_as_a_job_the_app_waits_for_at_install():
    job = named(render(), "Job")["taskapp-migrate"]
    annotations = job["metadata"]["annotations"]
    # A post-install hook would only run after `helm install --wait` saw the pods
    # ready, which they are not before the migration: an ordinary Job instead.
    assert "helm.sh/hook" not in annotations
    assert annotations["helm.sh/resource-policy"] == "keep"


def test_it_migrates_before_upgrades_and_before_install_with_an_external_mongodb():
    upgrade = named(render(upgrade=True), "Job")["taskapp-migrate"]
    assert upgrade["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    external = named(
        render(set_values=["mongodb.enabled=false", "externalMongodb.existingSecret=atlas"]),
        "Job",
    )["taskapp-migrate"]
    assert external["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert upgrade["spec"]["backoffLimit"] == 2 and upgrade["spec"]["activeDeadlineSeconds"] == 600


def run_migrate_command(tmp_path, wait_exit: int) -> list[str]:
    """Run the Job's command with a `python` that logs its arguments; return the log."""
    command = containers(named(render(), "Job")["taskapp-migrate"])[0]["command"]
    log = tmp_path / "calls"
    fake = tmp_path / "python"
    fake.write_text(
        f'#!/bin/sh\necho "$*" >> {log}\ncase "$2" in wait_for_database) exit {wait_exit};; esac\n'
    )
    fake.chmod(0o755)
    subprocess.run(command, env={"PATH": f"{tmp_path}:/usr/bin:/bin"}, check=False)
    return log.read_text().splitlines()


def test_it_waits_for_the_database_before_migrating(tmp_path):
    assert run_migrate_command(tmp_path, 0) == [
        "manage.py wait_for_database --timeout 300",
        "manage.py migrate --noinput",
    ]


def test_it_does_not_migrate_when_the_database_never_answers(tmp_path):
    assert run_migrate_command(tmp_path, 1) == ["manage.py wait_for_database --timeout 300"]


def test_it_refuses_a_wait_longer_than_the_migration_deadline():
    result = helm(
        "template", "taskapp", str(CHART), "--set", "migrations.waitSeconds=600", check=False
    )
    assert result.returncode != 0
    assert "migrations.waitSeconds must be shorter than" in result.stderr


@pytest.mark.parametrize("component", ["api", "ui"])
def test_it_starts_app_pods_only_on_a_migrated_database(component):
    pod = pod_spec(named(render(), "Deployment")[f"taskapp-{component}"])
    (init,) = pod["initContainers"]
    app = pod["containers"][0]
    assert init["command"] == [*WAIT, "--migrations", "--timeout", "600"]
    # Same image, settings, secrets and hardening as the app container.
    for key in ("image", "env", "volumeMounts", "securityContext"):
        assert init[key] == app[key], key
    assert init["resources"]["limits"]["memory"] == "256Mi"


def test_it_gives_readiness_time_for_the_apps_bounded_database_check():
    for name, deploy in named(render(), "Deployment").items():
        probe = pod_spec(deploy)["containers"][0]["readinessProbe"]
        # /readyz gives MongoDB about 2 s before it answers 503.
        assert probe["timeoutSeconds"] >= 3, name
    result = helm(
        "template", "taskapp", str(CHART), "--set", "probes.timeoutSeconds=2", check=False
    )
    assert "at '/probes/timeoutSeconds': minimum: got 2, want 3" in result.stderr


def nginx_size_bytes(size: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    return int(size[:-1]) * units[size[-1].lower()] if size[-1].isalpha() else int(size)


def test_it_lets_the_ingress_pass_bodies_the_app_accepts():
    annotations = named(render(), "Ingress")["taskapp"]["metadata"]["annotations"]
    limit = nginx_size_bytes(annotations["nginx.ingress.kubernetes.io/proxy-body-size"])
    # Above the app's own limit (TASKAPP_MAX_BODY_BYTES), so the app answers 413 itself.
    assert limit > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    overridden = named(
        render(
            set_values=["ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size=20m"]
        ),
        "Ingress",
    )["taskapp"]["metadata"]["annotations"]
    assert overridden["nginx.ingress.kubernetes.io/proxy-body-size"] == "20m"


def selects(selector: dict, labels: dict) -> bool:
    """A Kubernetes label selector (matchLabels and matchExpressions)."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": labels.get(key) not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[op]
        if not ok:
            return False
    return True


def test_it_scrapes_each_pod_once_with_both_prometheus_setups():
    docs = render(set_values=["metrics.serviceMonitor.enabled=true", "prometheus.enabled=true"])
    services = named(docs, "Service")
    for name, monitor in named(docs, "ServiceMonitor").items():
        matched = [
            svc
            for svc, doc in services.items()
            if selects(monitor["spec"]["selector"], doc["metadata"]["labels"])
            and "metrics" in [p["name"] for p in doc["spec"]["ports"]]
        ]
        assert matched == [name], (name, matched)


def notes(*values_files) -> str:
    args = ["install", "taskapp", str(CHART), "--dry-run=client", "-n", "taskapp"]
    for f in values_files:
        args += ["-f", str(f)]
    return helm(*args).stdout.split("NOTES:", 1)[1]


def test_it_prints_the_hosts_file_hint_only_for_a_local_cluster():
    assert "sudo tee -a /etc/hosts" in notes(CHART / "values-minikube.yaml")
    assert "/etc/hosts" not in notes(CHART / "values-production.yaml")


def test_it_shows_wait_in_every_install_snippet():
    root = CHART.parents[2]
    for path in [
        CHART / "README.md",
        CHART / "values-minikube.yaml",
        CHART / "values-production.yaml",
        root / "docs" / "deploy.md",
    ]:
        text = path.read_text()
        commands = text.replace("\\\n", " ").split("helm upgrade --install")[1:]
        assert commands, path
        for command in commands:
            assert "--wait" in command.splitlines()[0], (path, command.splitlines()[0])
