"""scripts/e2e/run.sh rehearsed with stand-ins: the steps of issue 8 item 5 in
order, a failing step stops the run and leaves a report, no cluster means a skip."""

import pytest

from tests.e2e.conftest import index_of

# One call that proves each step ran, in the order the run must make them.
STEP_MARKERS = [
    "docker build --quiet --target api --build-arg VERSION=e2e-1",
    "docker build --quiet --target ui --build-arg VERSION=e2e-2",
    "kind load docker-image --name e2e taskapp-api:e2e-1 taskapp-ui:e2e-1 taskapp-api:e2e-2",
    "--namespace taskapp-e2e -f",  # helm upgrade --install, first tag
    "wait --for=condition=complete job/taskapp-migrate-2",
    "helm -n taskapp-e2e test taskapp",
    "create_api_token e2e",
    "-X POST --resolve api.taskapp.e2e.test:8080:127.0.0.1",
    "/api/v1/tasks/round-trip/permanent",
    "GET --resolve taskapp.e2e.test:8080:127.0.0.1",  # the UI page
    "http://api.taskapp.e2e.test:8080/api/v1/tasks",  # the request loop, then
    "--set image.tag=e2e-2",  # the upgrade
    "wait --for=condition=complete job/taskapp-migrate-2",  # migrations of the upgrade
    "create job --from=cronjob/taskapp-mongodb-backup e2e-before-rs",
    "--set mongodb.replicaSet.enabled=true",
    "job/taskapp-mongodb-rs-init-2",
    "rollout restart deploy/taskapp-api deploy/taskapp-ui",
    "create job --from=cronjob/taskapp-mongodb-backup e2e-backup",
    "cp mongo-shell:/backup/taskapp-20261202T031700Z.archive.gz",
    "--namespace taskapp-e2e-restore",  # the fresh install
    "mongorestore",
    "api.taskapp.restore.e2e.test:8080/api/v1/tasks/marker",
    "helm -n taskapp-e2e uninstall taskapp --wait",
    "get pvc data-taskapp-mongodb-0 taskapp-mongodb-backup",
    "--namespace taskapp-e2e -f",  # the reinstall
    "test -s /backup/taskapp-20261202T031700Z.archive.gz",
    "create secret generic taskapp-secret-key",  # create-secrets.sh, for real
    "create secret generic taskapp-mongodb",
    "apply -k",
    "wait --for=condition=Available deployment --all",
]


def test_it_runs_every_step_in_order_and_passes(run_e2e):
    run = run_e2e()

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1].startswith("e2e: passed (build load install helm_test")
    position = 0
    for marker in STEP_MARKERS:
        position = index_of(run.calls, marker, position) + 1
    assert not run.artifacts.exists()


def test_the_request_loop_runs_only_around_the_upgrade(run_e2e):
    run = run_e2e()

    loop = [i for i, call in enumerate(run.calls) if call.endswith("e2e.test:8080/api/v1/tasks")]
    upgrade = index_of(run.calls, "--set image.tag=e2e-2")
    assert len(loop) >= 1
    assert upgrade > loop[0]  # it was running when the upgrade began
    assert loop[-1] < index_of(run.calls, "e2e-before-rs")  # and stopped after it


def test_it_keeps_the_replica_set_for_the_reinstall(run_e2e):
    run = run_e2e()

    installs = [call for call in run.calls if call.startswith("helm upgrade --install")]
    assert len(installs) == 5  # install, upgrade, replica set, restore target, reinstall
    assert "mongodb.replicaSet.enabled=true" not in installs[1]
    assert all("mongodb.replicaSet.enabled=true" in call for call in installs[2:])
    assert all("--wait" in call for call in installs)


def test_a_failing_step_stops_the_run_and_collects_a_report(run_e2e):
    run = run_e2e(E2E_FAKE_FAIL="helm -n taskapp-e2e test")

    assert run.returncode == 1
    assert "e2e: FAILED at step 'helm_test'" in run.stderr
    assert not any("create_api_token" in call for call in run.calls)  # nothing after it
    assert (run.artifacts / "failed-step.txt").read_text().strip() == "helm_test"
    report = run.artifacts / "taskapp-e2e"
    for name in ("resources.txt", "describe.txt", "events.txt", "helm-history.txt"):
        assert (report / name).exists(), name
    after_failure = run.calls[index_of(run.calls, "helm -n taskapp-e2e test") :]
    assert any("describe pods,jobs" in call for call in after_failure)
    assert any("get events" in call for call in after_failure)


def test_one_failed_request_during_the_upgrade_fails_it(run_e2e):
    run = run_e2e(E2E_FAKE_API_STATUS="502")

    assert run.returncode == 1
    assert "e2e: FAILED at step 'upgrade'" in run.stderr
    assert "requests failed during the upgrade" in run.stderr
    assert "api 502" in (run.artifacts / "requests.log").read_text()


def test_it_skips_in_one_line_without_a_cluster(run_e2e):
    run = run_e2e(E2E_FAKE_CLUSTER_DOWN="1")

    assert run.returncode == 0
    assert run.stdout.splitlines() == [run.stdout.strip()]
    assert run.stdout.startswith("e2e: skipped: no reachable Kubernetes cluster")
    assert not any(call.startswith(("docker", "helm")) for call in run.calls)


def test_ci_treats_a_missing_cluster_as_a_failure(run_e2e):
    run = run_e2e(E2E_FAKE_CLUSTER_DOWN="1", E2E_REQUIRE_CLUSTER="1")

    assert run.returncode == 1
    assert run.stderr.startswith("e2e: FAILED: no reachable Kubernetes cluster")


def test_it_refuses_a_namespace_it_did_not_make(run_e2e):
    run = run_e2e(E2E_FAKE_FOREIGN_NS="taskapp-e2e", E2E_STEPS="install")

    assert run.returncode == 1
    assert "namespace taskapp-e2e exists and was not made by this script" in run.stderr
    assert not any(call.startswith("helm upgrade") for call in run.calls)


@pytest.mark.parametrize(
    ("loader", "load_call"),
    [("minikube", "minikube -p minikube image load taskapp-api:e2e-1"), ("none", None)],
)
def test_it_loads_images_with_the_chosen_loader(run_e2e, loader, load_call):
    run = run_e2e(E2E_LOADER=loader, E2E_STEPS="load")

    assert run.returncode == 0, run.stderr
    assert not any(call.startswith("kind") for call in run.calls)
    if load_call:
        assert load_call in run.calls


def test_on_minikube_it_talks_to_the_ingress_at_the_minikube_ip(run_e2e):
    run = run_e2e(E2E_LOADER="minikube", E2E_STEPS="install round_trip")

    assert run.returncode == 0, run.stderr
    assert "ingress: nginx at 192.168.49.2:80" in run.stdout
    assert any("--resolve api.taskapp.e2e.test:80:192.168.49.2" in call for call in run.calls)


def test_a_wrong_loader_or_step_is_one_clear_line(run_e2e):
    wrong_loader = run_e2e(E2E_LOADER="docker-desktop")
    wrong_step = run_e2e(E2E_STEPS="install deploy")

    assert "E2E_LOADER must be kind, minikube or none" in wrong_loader.stderr
    assert "unknown step 'deploy'" in wrong_step.stderr
    assert wrong_loader.returncode == wrong_step.returncode == 1
    assert "Traceback" not in wrong_loader.stderr + wrong_step.stderr
