"""The bundled MongoDB: a replica set that can be initiated, an upgradable StatefulSet,
backups that leave no partial files and a backup volume that never blocks `--wait`.

The shell snippets the chart renders (the mongod wrapper, the backup script) are run
here for real with `sh`, against stand-ins for docker-entrypoint.sh and mongodump.
"""

import os
import signal
import subprocess
import time

import pytest

from .conftest import containers, named, pod_spec, render

pytestmark = pytest.mark.deploy

RS = ["mongodb.replicaSet.enabled=true"]


def fake_tool(bin_dir, name, body):
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def mongod_container(docs):
    return next(
        c
        for c in containers(named(docs, "StatefulSet")["taskapp-mongodb"])
        if c["name"] == "mongod"
    )


def start_member(tmp_path, container, ordinal) -> str:
    """Run the container's command as the kubelet would on member <ordinal>; return what
    the image's entrypoint received."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake_tool(
        bin_dir,
        "docker-entrypoint.sh",
        'echo "user=${MONGO_INITDB_ROOT_USERNAME:-} file=${MONGO_INITDB_ROOT_PASSWORD_FILE:-}"\n'
        'echo "args=$*"\n',
    )
    env = {e["name"]: e["value"] for e in container["env"]}
    env |= {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOSTNAME": f"taskapp-mongodb-{ordinal}"}
    result = subprocess.run(
        container["command"] + container["args"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_it_creates_the_root_user_on_member_0_only(tmp_path):
    mongod = mongod_container(render(set_values=RS))
    first = start_member(tmp_path, mongod, 0)
    assert "user=root file=/run/secrets/mongodb/mongodb-root-password" in first
    for ordinal in (1, 2):
        # Empty members join by initial sync; with a user they could not be initiated.
        assert "user= file=\n" in start_member(tmp_path, mongod, ordinal)
    assert "args=mongod --bind_ip_all --replSet=rs0 --keyFile=/keyfile/key" in first


def test_it_initiates_the_set_from_member_0_with_every_member():
    docs = render(set_values=[*RS, "mongodb.replicaSet.members=5"])
    job = named(docs, "Job")["taskapp-mongodb-rs-init-1"]
    script = containers(job)[0]["command"][2]
    hosts = [f"taskapp-mongodb-{i}.taskapp-mongodb-headless.taskapp.svc:27017" for i in range(5)]
    for host in hosts:
        assert f"--host {host} --eval" in script  # waits for every member
    # Logs in (rs-init.js authenticates) on member 0 only: the others have no user yet.
    assert script.count("/scripts/rs-init.js") == 1
    assert f"exec mongosh --quiet --norc --host {hosts[0]} /scripts/rs-init.js" in script
    init_js = named(docs, "ConfigMap")["taskapp-mongodb-rs-init"]["data"]["rs-init.js"]
    assert init_js.count(".auth(") == 1
    assert all(f'"host":"{h}"' in init_js for h in hosts)
    # Never patched after it finished (pod templates are immutable): one Job per revision.
    assert job["spec"]["ttlSecondsAfterFinished"] == 600


def test_it_switches_standalone_to_replica_set_without_changing_immutable_fields():
    standalone = named(render(), "StatefulSet")["taskapp-mongodb"]["spec"]
    replica_set = named(render(set_values=RS), "StatefulSet")["taskapp-mongodb"]["spec"]
    for field in ("podManagementPolicy", "serviceName", "selector", "volumeClaimTemplates"):
        assert standalone[field] == replica_set[field], field
    assert standalone["podManagementPolicy"] == "Parallel"
    assert (standalone["replicas"], replica_set["replicas"]) == (1, 3)


def test_it_keeps_a_majority_of_the_set_through_node_drains():
    pdb = named(render(set_values=RS), "PodDisruptionBudget")["taskapp-mongodb"]
    assert pdb["spec"]["maxUnavailable"] == 1
    sts = named(render(set_values=RS), "StatefulSet")["taskapp-mongodb"]
    assert pdb["spec"]["selector"] == sts["spec"]["selector"]
    assert "taskapp-mongodb" not in named(render(), "PodDisruptionBudget")


def test_it_creates_the_backup_volume_as_a_hook_that_install_wait_skips():
    claim = named(render(), "PersistentVolumeClaim")["taskapp-mongodb-backup"]
    annotations = claim["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install"
    assert annotations["helm.sh/resource-policy"] == "keep"
    assert "helm.sh/hook-delete-policy" not in annotations  # never replaced: it holds backups
    # An upgrade that turns backups on creates it (lookup finds none offline).
    upgraded = named(render(upgrade=True), "PersistentVolumeClaim")["taskapp-mongodb-backup"]
    assert upgraded["metadata"]["annotations"]["helm.sh/hook"] == "pre-upgrade"


def backup_script(tmp_path):
    cron = named(render(), "CronJob")["taskapp-mongodb-backup"]
    script = containers(cron)[0]["command"][2]
    backup = tmp_path / "backup"
    backup.mkdir()
    (tmp_path / "uri").write_text("mongodb://u:p@h/taskapp")
    script = (
        script.replace("/run/secrets/mongodb/mongodb-uri", str(tmp_path / "uri"))
        .replace("/tmp/", f"{tmp_path}/")
        .replace("/backup", str(backup))
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # Writes part of an archive, then does what FAKE_DUMP says.
    fake_tool(
        bin_dir,
        "mongodump",
        "for a; do case $a in --archive=*) out=${a#--archive=};; esac; done\n"
        'echo part > "$out"\n'
        "case $FAKE_DUMP in fail) exit 1;; hang) exec sleep 30;; esac\n",
    )
    return script, backup, bin_dir


def run_backup(script, bin_dir, mode, **kwargs):
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "KEEP": "2", "FAKE_DUMP": mode}
    return subprocess.Popen(["sh", "-ec", script], env=env, **kwargs)


def test_it_leaves_no_partial_archive_when_a_backup_fails(tmp_path):
    script, backup, bin_dir = backup_script(tmp_path)
    stale = backup / ".taskapp-20200101T000000Z.partial"
    stale.write_text("left by a killed run")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    running = backup / ".taskapp-29990101T000000Z.partial"  # a run in progress right now
    running.write_text("x")
    proc = run_backup(script, bin_dir, "fail", stdout=subprocess.DEVNULL)
    assert proc.wait(timeout=30) != 0
    assert sorted(p.name for p in backup.iterdir()) == [running.name]


def test_it_removes_the_partial_archive_when_the_backup_is_stopped(tmp_path):
    script, backup, bin_dir = backup_script(tmp_path)
    proc = run_backup(script, bin_dir, "hang", stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not list(backup.glob(".taskapp-*.partial")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(backup.glob(".taskapp-*.partial"))
    proc.send_signal(signal.SIGTERM)  # activeDeadlineSeconds, eviction
    assert proc.wait(timeout=10) == 143
    assert not list(backup.iterdir())


def test_it_keeps_the_newest_archives_after_a_good_backup(tmp_path):
    script, backup, bin_dir = backup_script(tmp_path)
    for i, name in enumerate(("20200101T000000Z", "20200102T000000Z", "20200103T000000Z")):
        archive = backup / f"taskapp-{name}.archive.gz"
        archive.write_text("old")
        os.utime(archive, (time.time() - 3600 + i, time.time() - 3600 + i))
    proc = run_backup(script, bin_dir, "ok", stdout=subprocess.DEVNULL)
    assert proc.wait(timeout=30) == 0
    names = sorted(p.name for p in backup.iterdir())
    assert len(names) == 2 and names[0] == "taskapp-20200103T000000Z.archive.gz"
    assert not [n for n in names if n.endswith(".partial")]


def test_it_gives_mongod_the_same_pod_in_both_modes_apart_from_the_set(tmp_path):
    # The wrapper runs for a standalone server too (it is member 0).
    mongod = mongod_container(render())
    assert "user=root" in start_member(tmp_path, mongod, 0)
    assert pod_spec(named(render(), "StatefulSet")["taskapp-mongodb"]).get("initContainers") is None
