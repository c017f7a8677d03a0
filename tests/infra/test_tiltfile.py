"""The Tiltfile, evaluated with stand-ins for Tilt's builtins (infra/tools/tilt_eval.py).

`helm()` really renders the chart, so these tests see the objects Tilt would apply.
"""

import re

import pytest
import yaml

from .conftest import ROOT, calls_of, helm_binary, infra_tool, run_tool

pytestmark = pytest.mark.deploy

PARTS = ("api", "ui")


@pytest.fixture(scope="module")
def builds(tilt_calls):
    return {call["args"][0]: call["kwargs"] for call in calls_of(tilt_calls, "docker_build")}


@pytest.fixture(scope="module")
def objects(tilt_calls):
    (call,) = calls_of(tilt_calls, "k8s_yaml")
    return [doc for doc in yaml.safe_load_all(call["args"][0]) if doc]


def named(objects, kind):
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == kind}


def test_it_builds_both_images_from_the_one_dockerfile(builds):
    assert set(builds) == {"taskapp-api", "taskapp-ui"}
    dockerfile = (ROOT / "Dockerfile").read_text()
    for part in PARTS:
        build = builds[f"taskapp-{part}"]
        assert build["target"] == f"{part}-dev"
        contents = build["dockerfile_contents"]
        assert contents.startswith(dockerfile)
        assert f"\nFROM {part} AS {part}-dev\n" in contents
        assert re.search(rf"^FROM \S+ AS {part}$", dockerfile, flags=re.M)


def test_it_makes_app_writable_and_drops_the_stale_bytecode_in_the_dev_stage(builds):
    stage = builds["taskapp-api"]["dockerfile_contents"].split("AS api-dev\n", 1)[1]
    assert "chown -R 10001:10001 /app" in stage
    assert "-name __pycache__" in stage
    assert stage.rstrip().endswith("USER 10001:10001")


def dockerfile_app_stage():
    """The part of the Dockerfile after `WORKDIR /app`."""
    return (ROOT / "Dockerfile").read_text().split("WORKDIR /app\n", 1)[1]


def test_it_syncs_the_source_into_app_and_reloads_gunicorn(builds):
    for build in builds.values():
        steps = build["live_update"]
        assert steps[0]["step"] == "fall_back_on"  # Tilt requires it first
        assert {"pyproject.toml", "Dockerfile"} <= set(steps[0]["files"])
        syncs = {s["local_path"]: s["remote_path"] for s in steps if s["step"] == "sync"}
        # Every source directory the Dockerfile copies into /app, and nothing else.
        assert {"manage.py", "taskapp", "api", "ui"} <= set(syncs)
        app_copies = re.findall(r"^COPY (?!--)(\S+) \./\S*$", dockerfile_app_stage(), flags=re.M)
        assert set(syncs) == set(app_copies)
        assert all(remote == f"/app/{local}" for local, remote in syncs.items())
        for local in syncs:
            assert (ROOT / local).exists()
        runs = [s for s in steps if s["step"] == "run"]
        assert runs[-1] == {"step": "run", "cmd": "kill -HUP 1", "trigger": []}
        # Syncs come before runs, as Tilt demands.
        kinds = [s["step"] for s in steps[1:]]
        assert kinds == sorted(kinds, key=lambda kind: kind != "sync")


def test_it_only_sends_the_build_what_the_dockerfile_copies(builds):
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (?!--from)(\S+)", dockerfile, flags=re.M))
    for build in builds.values():
        assert copied <= set(build["only"])


def test_it_deploys_the_chart_with_the_minikube_values(tilt_calls):
    (call,) = calls_of(tilt_calls, "helm")
    assert call["args"] == ["deploy/helm/taskapp"]
    assert call["kwargs"]["values"] == ["deploy/helm/taskapp/values-minikube.yaml"]
    assert call["kwargs"]["namespace"] == "taskapp"


def test_it_points_the_deployments_at_the_images_tilt_builds(objects):
    for part in PARTS:
        (container,) = named(objects, "Deployment")[f"taskapp-{part}"]["spec"]["template"]["spec"][
            "containers"
        ]
        # Tilt swaps an image by its name: the chart must use the bare name.
        assert container["image"].startswith(f"taskapp-{part}:")
        assert container["securityContext"]["readOnlyRootFilesystem"] is False


def test_it_keeps_the_other_containers_read_only(objects):
    for name in ("taskapp-grafana", "taskapp-prometheus"):
        deployment = named(objects, "Deployment")[name]
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_it_uses_kept_secrets_instead_of_generating_new_ones(objects, tilt_calls):
    assert named(objects, "Secret") == {}
    (secrets,) = calls_of(tilt_calls, "local_resource")
    assert secrets["kwargs"]["cmd"] == "deploy/kustomize/create-secrets.sh minikube"
    assert (ROOT / "deploy/kustomize/create-secrets.sh").exists()


def test_it_leaves_out_helm_test_pods_and_sets_the_namespace(objects):
    assert named(objects, "Pod") == {}
    assert {obj["metadata"].get("namespace") for obj in objects} == {"taskapp"}


def test_it_accepts_the_port_forwarded_host_names(objects):
    env = named(objects, "Deployment")["taskapp-ui"]["spec"]["template"]["spec"]["containers"][0][
        "env"
    ]
    allowed = {e["name"]: e.get("value") for e in env}["TASKAPP_ALLOWED_HOSTS"]
    assert {"localhost", "127.0.0.1"} <= set(allowed.split(","))


def test_it_names_only_resources_that_exist(tilt_calls, objects):
    workloads = {
        obj["metadata"]["name"]
        for obj in objects
        if obj["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob")
    }
    resources = [call for call in calls_of(tilt_calls, "k8s_resource")]
    defined = (
        workloads
        | {c["kwargs"]["new_name"] for c in resources if c["kwargs"]["new_name"]}
        | {c["args"][0] for c in calls_of(tilt_calls, "local_resource")}
    )
    by_selector = {f"{o['metadata']['name']}:{o['kind'].lower()}" for o in objects}
    for call in resources:
        workload = call["args"][0]
        assert workload in workloads or (not workload and call["kwargs"]["objects"])
        assert set(call["kwargs"]["objects"]) <= by_selector
        assert set(call["kwargs"]["resource_deps"]) <= defined
        assert call["kwargs"]["labels"], f"{workload or call['kwargs']['new_name']} has no label"


def test_it_forwards_the_app_ports(tilt_calls, objects):
    forwards = {
        call["args"][0]: call["kwargs"]["port_forwards"]
        for call in calls_of(tilt_calls, "k8s_resource")
    }
    assert forwards["taskapp-ui"] == ["8000:8000"]
    assert forwards["taskapp-api"] == ["8001:8000"]
    for name in ("taskapp-ui", "taskapp-api"):
        (container,) = named(objects, "Deployment")[name]["spec"]["template"]["spec"]["containers"]
        assert 8000 in {port["containerPort"] for port in container["ports"]}


def test_it_keeps_the_volume_claims_on_tilt_down(objects):
    claims = named(objects, "PersistentVolumeClaim")
    assert claims
    for claim in claims.values():
        assert claim["metadata"]["annotations"]["tilt.dev/down-policy"] == "keep"


def dependency_graph(tilt_calls) -> dict[str, list[str]]:
    graph = {call["args"][0]: [] for call in calls_of(tilt_calls, "local_resource")}
    for call in calls_of(tilt_calls, "k8s_resource"):
        graph[call["args"][0] or call["kwargs"]["new_name"]] = call["kwargs"]["resource_deps"]
    return graph


def waits_for(graph, name) -> set[str]:
    """Every resource `name` waits for, directly or through others."""
    seen, todo = set(), list(graph[name])
    while todo:
        dep = todo.pop()
        if dep not in seen:
            seen.add(dep)
            todo.extend(graph[dep])
    return seen


def by_component(objects, component):
    return [
        obj["metadata"]["name"]
        for obj in objects
        if obj["metadata"].get("labels", {}).get("app.kubernetes.io/component") == component
        and obj["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob")
    ]


def test_from_an_empty_cluster_everything_waits_for_the_secrets(tilt_calls):
    """create-secrets.sh also makes the namespace: nothing can be applied before it."""
    graph = dependency_graph(tilt_calls)
    assert graph["secrets"] == []
    for name in graph:
        if name != "secrets":
            assert "secrets" in waits_for(graph, name), f"{name} may start before the secrets"
            assert name not in waits_for(graph, name), f"{name} waits for itself"


def test_the_app_starts_after_its_migrations_which_start_after_mongodb_and_its_users(
    tilt_calls, objects
):
    graph = dependency_graph(tilt_calls)
    (mongodb,) = by_component(objects, "mongodb")
    (migrate,) = by_component(objects, "migrate")
    users = by_component(objects, "mongodb-users")
    assert {mongodb, *users} <= waits_for(graph, migrate)
    for part in PARTS:
        assert {migrate, mongodb} <= waits_for(graph, f"taskapp-{part}")
    for backup in by_component(objects, "mongodb-backup"):
        assert mongodb in waits_for(graph, backup)
    # Monitoring does not wait for the database.
    assert mongodb not in waits_for(graph, "taskapp-grafana")


def test_every_object_belongs_to_a_resource_that_waits_for_the_secrets(tilt_calls, objects):
    (config,) = [c for c in calls_of(tilt_calls, "k8s_resource") if c["kwargs"]["new_name"]]
    grouped = set(config["kwargs"]["objects"])
    workloads = {c["args"][0] for c in calls_of(tilt_calls, "k8s_resource") if c["args"][0]}
    for obj in objects:
        name, kind = obj["metadata"]["name"], obj["kind"]
        if kind in ("Deployment", "StatefulSet", "Job", "CronJob"):
            assert name in workloads, f"{kind} {name} has no resource"
        elif kind != "Service":  # Tilt attaches Services to the workloads they select
            assert f"{name}:{kind.lower()}" in grouped, f"{kind} {name} is in no resource"


def test_a_workload_of_an_unknown_component_stops_tilt_with_a_message(tmp_path):
    tiltfile = (ROOT / "Tiltfile").read_text()
    trimmed = tiltfile.replace('    "grafana": ("monitoring", ["secrets"]),\n', "")
    assert trimmed != tiltfile
    (tmp_path / "Tiltfile").write_text(trimmed)
    result = run_tool(
        infra_tool("python"), str(ROOT / "infra/tools/tilt_eval.py"), str(tmp_path / "Tiltfile"),
        helm_binary(),
    )  # fmt: skip
    assert result.returncode != 0
    assert "no place for Deployment taskapp-grafana (component 'grafana')" in result.stderr


def test_the_chart_uses_exactly_the_secrets_the_secrets_step_creates(tilt_calls):
    (call,) = calls_of(tilt_calls, "helm")
    used = {s.split("=", 1)[1] for s in call["kwargs"]["set"] if ".existingSecret=" in s}
    script = (ROOT / "deploy/kustomize/create-secrets.sh").read_text()
    created = set(re.findall(r"create secret generic (\S+)", script))
    assert used == created
