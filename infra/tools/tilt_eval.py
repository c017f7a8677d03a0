"""Evaluate the Tiltfile with stand-ins for Tilt's builtins and print the calls as JSON.

    python tilt_eval.py Tiltfile HELM  ->  {"calls": [{"fn": ..., "args": [...], "kwargs": {...}}]}

Runs in the infra-tools venv (starlark-pyo3). The stand-ins take the same
parameters as Tilt's builtins (docs.tilt.dev/api.html), so a misspelt keyword
fails here as it would in `tilt up`. `helm()` really renders the chart with the
given helm binary, `read_file()` reads the file, the YAML helpers really
(de)serialise: the calls hold what Tilt would apply. Run from the repository root.
"""

import json
import subprocess
import sys
from pathlib import Path

import starlark
import yaml

CALLS = []


def record(fn, *args, **kwargs):
    CALLS.append({"fn": fn, "args": list(args), "kwargs": kwargs})


# --- Build ------------------------------------------------------------------------


def docker_build(
    ref,
    context,
    build_args=None,
    dockerfile="Dockerfile",
    dockerfile_contents=None,
    live_update=None,
    match_in_env_vars=False,
    ignore=None,
    only=None,
    entrypoint=None,
    target="",
    ssh=None,
    network="",
    secret=None,
    extra_tag=None,
    container_args=None,
    cache_from=None,
    pull=False,
    platform="",
    extra_hosts=None,
):
    record(
        "docker_build",
        ref,
        context,
        dockerfile=dockerfile,
        dockerfile_contents=dockerfile_contents,
        live_update=live_update or [],
        ignore=ignore or [],
        only=only or [],
        target=target,
        build_args=build_args or {},
    )


def sync(local_path, remote_path):
    return {"step": "sync", "local_path": local_path, "remote_path": remote_path}


def run(cmd, trigger=None, echo_off=False):
    return {"step": "run", "cmd": cmd, "trigger": trigger or []}


def fall_back_on(files):
    return {"step": "fall_back_on", "files": files if isinstance(files, list) else [files]}


def initial_sync():
    return {"step": "initial_sync"}


# --- Kubernetes -------------------------------------------------------------------


def helm(
    paths,
    name="",
    namespace="",
    values=None,
    set=None,
    kube_version="",
    skip_crds=False,
):
    record("helm", paths, name=name, namespace=namespace, values=values or [], set=set or [])
    command = [HELM, "template", name or "chart", paths]
    if namespace:
        command += ["--namespace", namespace]
    for values_file in values or []:
        command += ["--values", values_file]
    for assignment in set or []:
        command += ["--set", assignment]
    # The command is built from the Tiltfile being checked, which is trusted.
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


def k8s_yaml(yaml, allow_duplicates=False):
    record("k8s_yaml", yaml)


def k8s_resource(
    workload="",
    new_name="",
    port_forwards=None,
    extra_pod_selectors=None,
    trigger_mode=None,
    resource_deps=None,
    objects=None,
    auto_init=True,
    pod_readiness="",
    links=None,
    labels=None,
    discovery_strategy="",
):
    record(
        "k8s_resource",
        workload,
        new_name=new_name,
        port_forwards=port_forwards or [],
        resource_deps=resource_deps or [],
        objects=objects or [],
        labels=labels or [],
    )


def local_resource(
    name,
    cmd="",
    deps=None,
    trigger_mode=None,
    resource_deps=None,
    ignore=None,
    auto_init=True,
    serve_cmd="",
    cmd_bat="",
    serve_cmd_bat="",
    allow_parallel=False,
    links=None,
    tags=None,
    env=None,
    serve_env=None,
    readiness_probe=None,
    dir="",
    serve_dir="",
    labels=None,
):
    record("local_resource", name, cmd=cmd, resource_deps=resource_deps or [], labels=labels or [])


# --- Files and data ---------------------------------------------------------------


def read_file(file_path, default=None):
    path = Path(file_path)
    if not path.exists() and default is not None:
        return default
    return path.read_text()


def decode_yaml_stream(yaml_text):
    return [doc for doc in yaml.safe_load_all(str(yaml_text)) if doc]


def encode_yaml_stream(objs):
    return yaml.safe_dump_all(objs, sort_keys=False)


BUILTINS = [
    docker_build,
    sync,
    run,
    fall_back_on,
    initial_sync,
    helm,
    k8s_yaml,
    k8s_resource,
    local_resource,
    read_file,
    decode_yaml_stream,
    encode_yaml_stream,
]


def main(tiltfile: str, helm_binary: str) -> int:
    global HELM
    HELM = helm_binary
    module = starlark.Module()
    for builtin in BUILTINS:
        module.add_callable(builtin.__name__, builtin)
    # Tilt's Starlark allows statements at the top level, as the extended dialect does.
    ast = starlark.parse(tiltfile, Path(tiltfile).read_text(), starlark.Dialect.extended())
    starlark.eval(module, ast, starlark.Globals.standard())
    json.dump({"calls": CALLS}, sys.stdout, indent=1)
    return 0


HELM = "helm"

if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
