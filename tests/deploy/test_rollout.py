"""Rollout order and traffic: migrations before serving, probes, scraping.

The migration command line is run for real with `sh` against a stand-in `python`,
so the `&&` between waiting for the database and migrating is exercised, not read.
"""

import base64
import subprocess

import pytest

from .conftest import CHART, containers, helm, named, pod_spec, render

pytestmark = pytest.mark.deploy

WAIT = ["python", "manage.py", "wait_for_database"]


EXTERNAL = ["mongodb.enabled=false", "externalMongodb.existingSecret=atlas"]


@pytest.mark.parametrize("values", [[], EXTERNAL], ids=["bundled", "external"])
def test_it_runs_the_migration_as_a_job_the_app_waits_for_at_install(values):
    job = named(render(set_values=values), "Job")["taskapp-migrate-1"]
    annotations = job["metadata"]["annotations"]
    # A post-install hook would only run after `helm install --wait` saw the pods
    # ready, which they are not before the migration; a pre-install hook would run
    # before the generated Secrets exist (ordinary resources): an ordinary Job.
    assert "helm.sh/hook" not in annotations
    # Never kept: an uninstall deletes it, so a reinstall never adopts a finished Job.
    assert "helm.sh/resource-policy" not in annotations
    assert job["spec"]["ttlSecondsAfterFinished"] == 86400


def test_it_migrates_before_upgrades_in_a_new_job_per_revision():
    upgrade = named(render(upgrade=True), "Job")["taskapp-migrate-1"]
    annotations = upgrade["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-upgrade"
    assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation"
    assert upgrade["spec"]["backoffLimit"] == 2 and upgrade["spec"]["activeDeadlineSeconds"] == 600
    assert upgrade["spec"]["ttlSecondsAfterFinished"] == 86400


def hook_weight(doc) -> int:
    return int(doc["metadata"]["annotations"].get("helm.sh/hook-weight", "0"))


def uri_seen_by_the_upgrade_migration(before: list[str], after: list[str]) -> str:
    """Replay Helm's upgrade order: the release installed with `before`, then the
    pre-upgrade hooks of `after` applied in weight order until the migration Job
    starts. Returns the mongodb-uri in the cluster at that moment. (Ordinary
    resources, the Secrets among them, are applied only after every pre-upgrade hook.)"""
    cluster = {(d["kind"], d["metadata"]["name"]): d for d in render(set_values=before)}
    upgrade = render(set_values=after, upgrade=True)
    hooks = [
        d
        for d in upgrade
        if "pre-upgrade" in d["metadata"].get("annotations", {}).get("helm.sh/hook", "")
    ]
    for hook in sorted(hooks, key=hook_weight):
        if hook["kind"] == "Job" and hook["metadata"]["name"].startswith("taskapp-migrate"):
            secret = cluster[("Secret", "taskapp-mongodb")]
            return base64.b64decode(secret["data"]["mongodb-uri"]).decode()
        cluster[(hook["kind"], hook["metadata"]["name"])] = hook
    pytest.fail("no migration hook in the upgrade")


def test_it_migrates_through_the_standalone_uri_when_switching_to_a_replica_set():
    """The switch's upgrade runs the migration while the StatefulSet is still a
    standalone server: it must not see replicaSet=rs0 yet (pymongo would drop the
    standalone from an rs0 topology and the hook would time out)."""
    uri = uri_seen_by_the_upgrade_migration([], ["mongodb.replicaSet.enabled=true"])
    assert "replicaSet=" not in uri
    # The release's Secret switches to the set's URI with the StatefulSet itself.
    secret = named(render(set_values=["mongodb.replicaSet.enabled=true"], upgrade=True), "Secret")
    uri = base64.b64decode(secret["taskapp-mongodb"]["data"]["mongodb-uri"]).decode()
    assert "replicaSet=rs0" in uri


def run_migrate_command(tmp_path, wait_exit: int) -> list[str]:
    """Run the Job's command with a `python` that logs its arguments; return the log."""
    command = containers(named(render(), "Job")["taskapp-migrate-1"])[0]["command"]
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
