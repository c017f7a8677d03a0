"""The Infra workflow (.github/workflows/infra.yml): what only GitHub Actions can run.

Its shell steps are run here with bash and a recording stand-in for terraform, so the
lock handling is checked for what it does, not only for how it reads."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW_PATH = ROOT / ".github" / "workflows" / "infra.yml"
WORKFLOW_TEXT = WORKFLOW_PATH.read_text()
WORKFLOW = yaml.safe_load(WORKFLOW_TEXT)
TERRAFORM_JOB = WORKFLOW["jobs"]["terraform"]
AUDIT_JOB = WORKFLOW["jobs"]["pip-audit"]
# How GitHub runs a step with `shell: bash`.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
PINNED_USE = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def triggers():
    # PyYAML reads the bare key `on` as the boolean True.
    return WORKFLOW.get("on", WORKFLOW.get(True))


def all_steps():
    return [step for job in WORKFLOW["jobs"].values() for step in job["steps"]]


def step(job, name_start):
    matches = [s for s in job["steps"] if s.get("name", "").startswith(name_start)]
    assert len(matches) == 1, f"expected one step named {name_start!r}"
    return matches[0]


def terraform_commands():
    return [" ".join(s["run"].split()) for s in TERRAFORM_JOB["steps"] if "run" in s]


def test_it_pins_every_action_to_a_full_commit_with_its_version_beside_it():
    uses = [s["uses"] for s in all_steps() if "uses" in s]
    assert uses, "the workflow uses no action at all"
    for action in uses:
        assert PINNED_USE.match(action), f"{action} is not pinned to a 40-hex commit"
        line = next(line for line in WORKFLOW_TEXT.splitlines() if action in line)
        assert re.search(r"# v\d+\.\d+\.\d+$", line), f"{action}: no '# vX.Y.Z' comment"


def test_it_uses_a_setup_terraform_that_runs_on_node_24():
    line = next(line for line in WORKFLOW_TEXT.splitlines() if "hashicorp/setup-terraform@" in line)
    major = int(re.search(r"# v(\d+)\.", line).group(1))
    # 4.0.0 moved the action to Node 24; runners have no Node 20 since 2026-09.
    assert major >= 4


def test_the_matrix_names_every_terraform_root_and_only_existing_ones():
    roots = TERRAFORM_JOB["strategy"]["matrix"]["root"]
    on_disk = sorted(p.parent.name for p in (ROOT / "infra" / "terraform").glob("*/terraform.tf"))
    assert sorted(roots) == on_disk == ["hetzner", "openstack"]
    assert TERRAFORM_JOB["defaults"]["run"]["working-directory"] == (
        "infra/terraform/${{ matrix.root }}"
    )
    assert TERRAFORM_JOB["strategy"]["fail-fast"] is False


def test_it_may_only_read_the_repository():
    assert WORKFLOW["permissions"] == {"contents": "read"}
    for name, job in WORKFLOW["jobs"].items():
        assert "write" not in str(job.get("permissions", "")), f"job {name} asks to write"
    for action in all_steps():
        if action.get("uses", "").startswith("actions/checkout@"):
            assert action["with"]["persist-credentials"] is False


def test_it_runs_on_main_on_infra_pull_requests_and_by_hand():
    on = triggers()
    assert on["push"]["branches"] == ["main"]
    assert {"infra/**", ".github/workflows/infra.yml"} <= set(on["pull_request"]["paths"])
    assert "workflow_dispatch" in on


def test_it_checks_format_initialises_validates_then_locks_four_platforms():
    commands = terraform_commands()
    wanted = [
        "terraform fmt -check -recursive",
        "terraform init -backend=false -input=false",
        "terraform validate",
        "terraform providers lock",
    ]
    positions = [next(i for i, c in enumerate(commands) if w in c) for w in wanted]
    assert positions == sorted(positions), "the terraform steps run out of order"
    lock = commands[positions[-1]]
    for platform in ("linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64"):
        assert f"-platform={platform}" in lock


def test_it_uploads_the_fresh_lock_file_although_its_name_is_hidden():
    upload = step(TERRAFORM_JOB, "Upload the provider lock")
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "${{ env.TF_ROOT }}/.terraform.lock.hcl"
    assert TERRAFORM_JOB["env"]["TF_ROOT"] == "infra/terraform/${{ matrix.root }}"
    # upload-artifact skips dot files, even named ones, unless told otherwise.
    assert upload["with"]["include-hidden-files"] is True
    assert upload["with"]["if-no-files-found"] == "error"
    assert "${{ matrix.root }}" in upload["with"]["name"]
    # Uploaded before the version check, so a failing check still leaves the file.
    names = [s.get("name", "") for s in TERRAFORM_JOB["steps"]]
    assert names.index(upload["name"]) < names.index(
        "The committed lock pins the same provider versions"
    )


def test_it_audits_every_locked_requirements_file_without_installing_it():
    audit = " ".join(step(AUDIT_JOB, "Audit the locked requirements")["run"].split())
    locks = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "requirements").glob("*.txt"))
    assert locks, "no requirements/*.txt lock to audit"
    for lock in locks:
        assert f"-r {lock}" in audit, f"{lock} is not audited"
        assert "--hash=sha256:" in (ROOT / lock).read_text(), f"{lock} is not hashed"
    assert audit.startswith("pip-audit ")
    assert "--disable-pip" in audit and "--require-hashes" in audit and "--strict" in audit
    install = step(AUDIT_JOB, "Install pip-audit")["run"]
    assert re.search(r"pip-audit==\d+\.\d+\.\d+", install), "pip-audit is not pinned"


# --- the lock handling, run with bash -------------------------------------------------

LOCK_TEMPLATE = """# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/local" {{
  version     = "{local}"
  constraints = "~> 2.5"
  hashes = [
{hashes}  ]
}}

provider "registry.terraform.io/hetznercloud/hcloud" {{
  version     = "{hcloud}"
  constraints = "~> 1.58"
  hashes = [
{hashes}  ]
}}
"""


def lock_file(local="2.5.3", hcloud="1.58.0", platforms=1):
    hashes = "".join(f'    "h1:hash-for-platform-{n}=",\n' for n in range(platforms))
    return LOCK_TEMPLATE.format(local=local, hcloud=hcloud, hashes=hashes)


@pytest.fixture
def runner(tmp_path):
    """A checkout of one root, RUNNER_TEMP and a terraform that records its arguments."""
    root_dir = tmp_path / "work" / "infra" / "terraform" / "hetzner"
    root_dir.mkdir(parents=True)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "terraform-calls"
    stand_in = bin_dir / "terraform"
    stand_in.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    stand_in.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "RUNNER_TEMP": str(runner_temp),
        "TF_ROOT": "infra/terraform/hetzner",
    }

    def run(name_start):
        script = step(TERRAFORM_JOB, name_start)["run"]
        assert "${{" not in script, "expressions would not be expanded here"
        return subprocess.run(
            [*BASH, script], cwd=root_dir, env=env, capture_output=True, text=True, check=False
        )

    run.root_dir = root_dir
    run.calls = calls
    return run


def test_without_a_committed_lock_init_may_write_one_and_a_warning_asks_to_commit_it(runner):
    assert runner("Keep the committed provider lock").returncode == 0
    assert runner("terraform init").returncode == 0
    assert runner.calls.read_text() == "init -backend=false -input=false\n"
    (runner.root_dir / ".terraform.lock.hcl").write_text(lock_file(platforms=4))
    check = runner("The committed lock pins the same provider versions")
    assert check.returncode == 0
    assert "::warning" in check.stdout and "terraform-lock-hetzner" in check.stdout


def test_with_a_committed_lock_init_must_not_change_it(runner):
    (runner.root_dir / ".terraform.lock.hcl").write_text(lock_file())
    assert runner("Keep the committed provider lock").returncode == 0
    assert runner("terraform init").returncode == 0
    assert runner.calls.read_text() == "init -backend=false -input=false -lockfile=readonly\n"


def test_hashes_added_for_more_platforms_pass(runner):
    (runner.root_dir / ".terraform.lock.hcl").write_text(lock_file(platforms=1))
    runner("Keep the committed provider lock")
    (runner.root_dir / ".terraform.lock.hcl").write_text(lock_file(platforms=4))
    check = runner("The committed lock pins the same provider versions")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "::error" not in check.stdout


@pytest.mark.parametrize(
    "fresh",
    [
        lock_file(hcloud="1.59.1", platforms=4),
        lock_file(local="2.6.0", platforms=4),
        lock_file(platforms=4).split('provider "registry.terraform.io/hetznercloud')[0],
    ],
    ids=["newer-hcloud", "newer-local", "provider-dropped"],
)
def test_other_provider_versions_than_committed_fail_with_one_error(runner, fresh):
    (runner.root_dir / ".terraform.lock.hcl").write_text(lock_file())
    runner("Keep the committed provider lock")
    (runner.root_dir / ".terraform.lock.hcl").write_text(fresh)
    check = runner("The committed lock pins the same provider versions")
    assert check.returncode == 1
    errors = [line for line in check.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 1
    assert "infra/terraform/hetzner/.terraform.lock.hcl" in errors[0]
    assert "terraform-lock-hetzner" in errors[0]
