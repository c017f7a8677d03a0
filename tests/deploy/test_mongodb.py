"""The bundled MongoDB: a replica set that can be initiated, an upgradable StatefulSet,
the app's own least-privileged user, backups that leave no partial files and a
backup volume that is kept data, never a hook, and never blocks `--wait`.

The shell snippets the chart renders (the mongod wrapper, the backup script) are run
here for real with `sh`, against stand-ins for docker-entrypoint.sh and mongodump;
the user script (app-user.js) runs under Node.js against a stand-in `db`.
"""

import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from .conftest import containers, env_of, named, pod_spec, render

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
    the image's entrypoint received (its variables, arguments and initdb scripts)."""
    bin_dir, scripts = tmp_path / "bin", tmp_path / "scripts"
    initdb = tmp_path / f"initdb-{ordinal}"
    for folder in (bin_dir, scripts, initdb):
        folder.mkdir(exist_ok=True)
    (scripts / "app-user.js").write_text("// app user\n")
    fake_tool(
        bin_dir,
        "docker-entrypoint.sh",
        'echo "user=${MONGO_INITDB_ROOT_USERNAME:-} file=${MONGO_INITDB_ROOT_PASSWORD_FILE:-}"\n'
        'echo "args=$*"\n'
        f'echo "initdb=$(ls {initdb})"\n',
    )
    env = {e["name"]: e["value"] for e in container["env"]}
    env |= {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOSTNAME": f"taskapp-mongodb-{ordinal}"}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    command = [
        part.replace(mounts["scripts"], str(scripts)).replace(mounts["initdb"], str(initdb))
        for part in container["command"]
    ]
    result = subprocess.run(command + container["args"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_it_creates_the_root_user_on_member_0_only(tmp_path):
    mongod = mongod_container(render(set_values=RS))
    first = start_member(tmp_path, mongod, 0)
    assert "user=root file=/run/secrets/mongodb/mongodb-root-password" in first
    assert "initdb=app-user.js\n" in first  # the app's user, created on first start
    for ordinal in (1, 2):
        # Empty members join by initial sync; with a user they could not be initiated.
        other = start_member(tmp_path, mongod, ordinal)
        assert "user= file=\n" in other and "initdb=\n" in other
    assert "args=mongod --bind_ip_all --replSet=rs0 --keyFile=/keyfile/key" in first
    # initdb runs app-user.js from the same ConfigMap as the users Job.
    sts = named(render(set_values=RS), "StatefulSet")["taskapp-mongodb"]
    volumes = {v["name"]: v for v in pod_spec(sts)["volumes"]}
    assert volumes["scripts"]["configMap"]["name"] == "taskapp-mongodb-users"


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


@pytest.mark.parametrize("upgrade", [False, True])
def test_it_keeps_the_backup_volume_as_data_a_reinstall_adopts(upgrade):
    docs = render(upgrade=upgrade)
    claim = named(docs, "PersistentVolumeClaim")["taskapp-mongodb-backup"]
    # An ordinary release resource: Helm deletes hooks before re-creating them.
    assert claim["metadata"]["annotations"] == {"helm.sh/resource-policy": "keep"}
    # Helm adopts a kept resource on reinstall by these labels (and its annotations).
    assert claim["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"


def test_it_binds_the_backup_volume_so_install_wait_does_not_hang():
    """With WaitForFirstConsumer a claim binds only when a pod mounts it, and `--wait`
    waits for it: a Job of this revision mounts it (the CronJob runs only at night)."""
    docs = render()
    job = named(docs, "Job")["taskapp-mongodb-backup-volume-1"]
    claims = [v["persistentVolumeClaim"]["claimName"] for v in pod_spec(job)["volumes"]]
    assert claims == ["taskapp-mongodb-backup"]
    assert "helm.sh/hook" not in job["metadata"].get("annotations", {})
    assert job["spec"]["ttlSecondsAfterFinished"] == 600
    assert "test -w /backup" in containers(job)[0]["command"][2]


def backup_script(tmp_path, values=()):
    cron = named(render(set_values=values), "CronJob")["taskapp-mongodb-backup"]
    container = containers(cron)[0]
    script = container["command"][2]
    backup = tmp_path / "backup"
    backup.mkdir()
    (tmp_path / "root-password").write_text("it's-root\n")
    script = (
        script.replace("/tmp/", f"{tmp_path}/")
        .replace("/backup", str(backup))
        .replace("/run/secrets/mongodb/mongodb-root-password", str(tmp_path / "root-password"))
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # Logs its arguments and config file, writes part of an archive, then does what
    # FAKE_DUMP says.
    fake_tool(
        bin_dir,
        "mongodump",
        f'echo "$*" > {tmp_path}/dump-args\n'
        "for a; do case $a in --archive=*) out=${a#--archive=};;"
        f" --config=*) cp ${{a#--config=}} {tmp_path}/dump-config;; esac; done\n"
        'echo part > "$out"\n'
        "case $FAKE_DUMP in fail) exit 1;; hang) exec sleep 30;; esac\n",
    )
    env = {e["name"]: e["value"] for e in container["env"]}
    return script, backup, bin_dir, env


def run_backup(script, bin_dir, mode, env, **kwargs):
    env = env | {"PATH": f"{bin_dir}:/usr/bin:/bin", "KEEP": "2", "FAKE_DUMP": mode}
    return subprocess.Popen(["sh", "-ec", script], env=env, **kwargs)


@pytest.mark.parametrize(
    ("values", "host"),
    [
        ([], "taskapp-mongodb.taskapp.svc:27017"),
        (
            RS,
            "rs0/"
            + ",".join(
                f"taskapp-mongodb-{i}.taskapp-mongodb-headless.taskapp.svc:27017" for i in range(3)
            ),
        ),
    ],
)
def test_it_backs_up_the_apps_database_as_root(tmp_path, values, host):
    """The app's user may touch only its own database; backups log in as root, whose
    password goes through a config file, never the command line."""
    script, _, bin_dir, env = backup_script(tmp_path, values)
    proc = run_backup(script, bin_dir, "ok", env, stdout=subprocess.DEVNULL)
    assert proc.wait(timeout=30) == 0
    args = (tmp_path / "dump-args").read_text().split()
    assert f"--host={host}" in args
    assert {"--username=root", "--authenticationDatabase=admin", "--db=taskapp"} <= set(args)
    assert not [a for a in args if "it's-root" in a]
    # A single-quoted YAML string: the quote in the password is doubled.
    assert (tmp_path / "dump-config").read_text() == "password: 'it''s-root'\n"


def test_it_leaves_no_partial_archive_when_a_backup_fails(tmp_path):
    script, backup, bin_dir, env = backup_script(tmp_path)
    stale = backup / ".taskapp-20200101T000000Z.partial"
    stale.write_text("left by a killed run")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    running = backup / ".taskapp-29990101T000000Z.partial"  # a run in progress right now
    running.write_text("x")
    proc = run_backup(script, bin_dir, "fail", env, stdout=subprocess.DEVNULL)
    assert proc.wait(timeout=30) != 0
    assert sorted(p.name for p in backup.iterdir()) == [running.name]


def test_it_removes_the_partial_archive_when_the_backup_is_stopped(tmp_path):
    script, backup, bin_dir, env = backup_script(tmp_path)
    proc = run_backup(script, bin_dir, "hang", env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not list(backup.glob(".taskapp-*.partial")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(backup.glob(".taskapp-*.partial"))
    proc.send_signal(signal.SIGTERM)  # activeDeadlineSeconds, eviction
    assert proc.wait(timeout=10) == 143
    assert not list(backup.iterdir())


def test_it_keeps_the_newest_archives_after_a_good_backup(tmp_path):
    script, backup, bin_dir, env = backup_script(tmp_path)
    for i, name in enumerate(("20200101T000000Z", "20200102T000000Z", "20200103T000000Z")):
        archive = backup / f"taskapp-{name}.archive.gz"
        archive.write_text("old")
        os.utime(archive, (time.time() - 3600 + i, time.time() - 3600 + i))
    proc = run_backup(script, bin_dir, "ok", env, stdout=subprocess.DEVNULL)
    assert proc.wait(timeout=30) == 0
    names = sorted(p.name for p in backup.iterdir())
    assert len(names) == 2 and names[0] == "taskapp-20200103T000000Z.archive.gz"
    assert not [n for n in names if n.endswith(".partial")]


def test_it_gives_mongod_the_same_pod_in_both_modes_apart_from_the_set(tmp_path):
    # The wrapper runs for a standalone server too (it is member 0).
    mongod = mongod_container(render())
    assert "user=root" in start_member(tmp_path, mongod, 0)
    assert pod_spec(named(render(), "StatefulSet")["taskapp-mongodb"]).get("initContainers") is None


# A stand-in for mongosh's `db`: users that exist, whether the shell is logged in,
# and a log of every call, printed as JSON when the script is done.
FAKE_MONGOSH = """
const calls = [];
const existing = JSON.parse(process.env.EXISTING_USERS);
const loggedIn = process.env.LOGGED_IN === "1";
const print = (text) => calls.push(["print", text]);
const db = {
  getSiblingDB: (name) => ({
    runCommand: () => ({ authInfo: { authenticatedUsers: loggedIn ? [{ user: "root" }] : [] } }),
    auth: (user, pwd) => calls.push(["auth", name, user, pwd]),
    getUser: (user) => (existing.includes(`${name}.${user}`) ? { user } : null),
    createUser: (doc) => calls.push(["createUser", name, doc]),
    updateUser: (user, doc) => calls.push(["updateUser", name, user, doc]),
  }),
};
eval(require("fs").readFileSync(process.argv[2], "utf8"));
console.log(JSON.stringify(calls));
"""


def run_app_user_js(tmp_path, existing_users=(), logged_in=False, app_password="app-pw"):  # noqa: S107
    node = shutil.which("node")
    if not node:
        pytest.fail("node is missing (Node.js 20 runs the chart's mongosh scripts here)")
    script = named(render(), "ConfigMap")["taskapp-mongodb-users"]["data"]["app-user.js"]
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "mongodb-root-password").write_text("root-pw\n")
    if app_password is not None:
        (secrets / "mongodb-app-password").write_text(app_password + "\n")
    (tmp_path / "app-user.js").write_text(script.replace("/run/secrets/mongodb", str(secrets)))
    (tmp_path / "harness.js").write_text(FAKE_MONGOSH)
    env = {
        "PATH": "/usr/bin:/bin",
        "EXISTING_USERS": json.dumps(list(existing_users)),
        "LOGGED_IN": "1" if logged_in else "0",
    }
    result = subprocess.run(
        [node, str(tmp_path / "harness.js"), str(tmp_path / "app-user.js")],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


READ_WRITE = [{"role": "readWrite", "db": "taskapp"}]


def test_it_creates_the_app_user_with_read_write_on_its_database_only(tmp_path):
    calls = run_app_user_js(tmp_path)
    assert calls[0] == ["auth", "admin", "root", "root-pw"]  # the Job logs in as root
    assert calls[1] == [
        "createUser",
        "taskapp",
        {"user": "taskapp", "pwd": "app-pw", "roles": READ_WRITE},
    ]


def test_it_updates_the_app_user_on_an_existing_volume(tmp_path):
    # The entrypoint's initdb shell is logged in already: no second login.
    calls = run_app_user_js(tmp_path, existing_users=["taskapp.taskapp"], logged_in=True)
    assert calls[0] == ["updateUser", "taskapp", "taskapp", {"pwd": "app-pw", "roles": READ_WRITE}]
    assert not [c for c in calls if c[0] in ("auth", "createUser")]


def test_it_leaves_users_alone_for_an_existing_secret_without_an_app_password(tmp_path):
    calls = run_app_user_js(tmp_path, app_password=None)
    assert [c[0] for c in calls] == ["auth", "print"]
    assert "no mongodb-app-password" in calls[1][1]


@pytest.mark.parametrize(
    ("values", "server"),
    [
        ([], "mongodb://taskapp-mongodb.taskapp.svc:27017/?serverSelectionTimeoutMS=5000"),
        (
            RS,
            "mongodb://"
            + ",".join(
                f"taskapp-mongodb-{i}.taskapp-mongodb-headless.taskapp.svc:27017" for i in range(3)
            )
            + "/?replicaSet=rs0&serverSelectionTimeoutMS=5000",
        ),
    ],
)
def test_it_applies_the_app_user_on_every_revision_once_a_primary_answers(tmp_path, values, server):
    job = named(render(set_values=values), "Job")["taskapp-mongodb-users-1"]
    (container,) = containers(job)
    assert env_of(container)["SERVER"] == server  # no credentials in the pod spec
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # mongosh: no primary for the first two checks, then one; logs every call.
    fake_tool(
        bin_dir,
        "mongosh",
        f'echo "$*" >> {tmp_path}/calls\n'
        'case "$*" in *isWritablePrimary*)\n'
        f'  n=$(wc -l < {tmp_path}/calls); [ "$n" -ge 3 ] || exit 1;; esac\n',
    )
    script = container["command"][2].replace("sleep 3", "true")
    env = env_of(container) | {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    result = subprocess.run(["sh", "-ec", script], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert len(calls) == 4 and all(server in c for c in calls)
    assert calls[-1].endswith("/scripts/app-user.js")
    assert result.stdout.count("waiting for a writable primary") == 2


def test_it_connects_the_app_as_its_own_user_not_root():
    import base64
    from urllib.parse import parse_qs, urlsplit

    for values in ([], RS):
        secret = named(render(set_values=values), "Secret")["taskapp-mongodb"]
        data = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
        uri = urlsplit(data["mongodb-uri"])
        assert (uri.username, uri.password) == ("taskapp", data["mongodb-app-password"])
        assert uri.path == "/taskapp" and parse_qs(uri.query)["authSource"] == ["taskapp"]
        assert data["mongodb-app-password"] != data["mongodb-root-password"]


def test_it_probes_mongod_without_starting_mongosh():
    mongod = mongod_container(render(set_values=RS))
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert mongod[probe]["tcpSocket"] == {"port": "mongodb"}, probe
        assert "exec" not in mongod[probe]
    # mongosh run by hand or by initdb logs under $HOME: not on the data volume.
    assert env_of(mongod)["HOME"] == "/tmp"
    data_mounts = [m["mountPath"] for m in mongod["volumeMounts"] if m["name"] == "data"]
    assert data_mounts == ["/data/db"]


def test_it_spreads_the_members_over_nodes_and_zones():
    sts = named(render(set_values=RS), "StatefulSet")["taskapp-mongodb"]
    spread = pod_spec(sts)["topologySpreadConstraints"]
    assert [c["topologyKey"] for c in spread] == [
        "kubernetes.io/hostname",
        "topology.kubernetes.io/zone",
    ]
    assert {c["whenUnsatisfiable"] for c in spread} == {"ScheduleAnyway"}  # one-node clusters
    assert all(c["labelSelector"] == sts["spec"]["selector"] for c in spread)
