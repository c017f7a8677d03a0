"""The playbook that turns the VM into a Minikube host serving Taskapp over HTTPS."""

import json
import os
import re
import subprocess

import pytest
import yaml

from .conftest import ANSIBLE_DIR, ROOT, helm_binary, infra_tool, run_tool

pytestmark = pytest.mark.deploy

ROLES = ANSIBLE_DIR / "roles"
# Keys of a task that are not module arguments.
TASK_KEYWORDS = {
    "name", "when", "loop", "loop_control", "register", "notify", "become", "become_user",
    "changed_when", "failed_when", "delegate_to", "run_once", "vars", "tags", "block",
    "rescue", "always", "environment", "ignore_errors", "no_log", "check_mode", "listen",
    "until", "retries", "delay", "args",
}  # fmt: skip


def tasks():
    """Every task of every role, with its file, blocks flattened."""
    found = []

    def walk(items, path):
        for task in items or []:
            if "block" in task:
                walk(task["block"], path)
            else:
                found.append((path, task))

    for path in sorted(ROLES.glob("*/*/*.yml")):
        if path.parent.name in ("tasks", "handlers"):
            walk(yaml.safe_load(path.read_text()), path)
    return found


def module_of(task):
    (module,) = [key for key in task if key not in TASK_KEYWORDS]
    return module


@pytest.fixture(scope="module")
def inventory(tmp_path_factory):
    """An inventory like the one Terraform generates."""
    path = tmp_path_factory.mktemp("inventory") / "hosts.yml"
    path.write_text(
        "all:\n  children:\n    taskapp:\n      hosts:\n        taskapp:\n"
        "          ansible_host: 203.0.113.10\n          ansible_user: root\n"
    )
    return path


def test_it_passes_the_syntax_check(inventory):
    result = run_tool(
        infra_tool("ansible-playbook"), "--syntax-check", "-i", str(inventory), "site.yml",
        cwd=ANSIBLE_DIR,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Could not match supplied host pattern" not in result.stderr


def test_it_passes_ansible_lint_with_the_production_profile():
    result = run_tool(
        infra_tool("ansible-lint"), "--offline", "--profile", "production", "site.yml",
        cwd=ANSIBLE_DIR,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Profile 'production' was required, and it passed" in result.stdout + result.stderr


def test_it_only_passes_arguments_the_modules_know():
    """ansible-lint skips tasks with templated arguments; ansible-doc knows every option."""
    used = {}
    for _path, task in tasks():
        args = task[module_of(task)]
        if isinstance(args, dict):
            used.setdefault(module_of(task), set()).update(args)
    result = run_tool(infra_tool("ansible-doc"), "-j", *sorted(used))
    assert result.returncode == 0, result.stderr
    docs = json.loads(result.stdout)
    for module, arguments in used.items():
        options = docs[module]["doc"].get("options", {})
        known = set(options) | {a for o in options.values() for a in o.get("aliases", [])}
        if module == "ansible.builtin.command":
            known |= {"cmd"}
        assert arguments <= known, f"{module}: unknown {sorted(arguments - known)}"


def test_it_uses_fully_qualified_modules_and_guards_every_command():
    for path, task in tasks():
        module = module_of(task)
        assert module.count(".") == 2, f"{path.name}: {module} is not fully qualified"
        assert module not in ("ansible.builtin.shell", "ansible.builtin.raw"), path
        if module == "ansible.builtin.command":
            guarded = "changed_when" in task or "creates" in task[module]
            assert guarded, f"{path.name}: '{task['name']}' always reports a change"


def test_it_runs_the_roles_in_order():
    (play,) = yaml.safe_load((ANSIBLE_DIR / "site.yml").read_text())
    assert play["hosts"] == "taskapp"
    assert [r["role"] for r in play["roles"]] == ["base", "docker", "minikube", "taskapp"]


def test_it_prefixes_every_role_default_with_the_role_name():
    for role in ROLES.iterdir():
        for name in yaml.safe_load((role / "defaults" / "main.yml").read_text()):
            assert name.startswith(role.name + "_"), f"{role.name}: {name}"


def test_it_notifies_only_handlers_that_exist():
    handlers = {task["name"] for path, task in tasks() if path.parent.name == "handlers"}
    for path, task in tasks():
        notify = task.get("notify", [])
        for handler in [notify] if isinstance(notify, str) else notify:
            assert handler in handlers, f"{path.name}: no handler {handler!r}"


def test_it_starts_minikube_with_the_ingress_addon_as_a_service():
    defaults = yaml.safe_load((ROLES / "minikube/defaults/main.yml").read_text())
    assert "ingress" in defaults["minikube_addons"]
    unit = (ROLES / "minikube/templates/minikube.service.j2").read_text()
    assert "--driver=docker" in unit and "--addons={{ addon }}" in unit
    assert "Requires=docker.service" in unit and "WantedBy=multi-user.target" in unit


def test_it_installs_the_chart_with_the_minikube_values():
    (task,) = yaml.safe_load((ROLES / "taskapp/tasks/chart.yml").read_text())
    helm = task["kubernetes.core.helm"]
    assert helm["chart_ref"].endswith("/deploy/helm/taskapp")
    assert helm["values_files"] == [
        "{{ taskapp_source_dir }}/deploy/helm/taskapp/values-minikube.yaml"
    ]
    assert helm["wait"] is True


def chart_keys(values: dict, prefix=()):
    for key, value in values.items():
        if isinstance(value, dict) and value:
            yield from chart_keys(value, (*prefix, key))
        else:
            yield (*prefix, key)


def test_it_sets_only_values_the_chart_has():
    chart = yaml.safe_load((ROOT / "deploy/helm/taskapp/values.yaml").read_text())
    role_vars = yaml.safe_load((ROLES / "taskapp/vars/main.yml").read_text())
    for path in chart_keys(role_vars["taskapp_chart_values"]):
        node = chart
        for key in path:
            assert key in node, f"the chart has no value {'.'.join(path)}"
            node = node[key]


def test_it_builds_both_images_from_the_dockerfile_targets():
    (task,) = yaml.safe_load((ROLES / "taskapp/tasks/images.yml").read_text())
    build = task["community.docker.docker_image_build"]
    assert task["loop"] == ["api", "ui"]
    assert build["name"] == "taskapp-{{ item }}" and build["target"] == "{{ item }}"
    dockerfile = (ROOT / "Dockerfile").read_text()
    for target in task["loop"]:
        assert re.search(rf"^FROM \S+ AS {target}$", dockerfile, flags=re.M)


def render_caddyfile(tmp_path, **variables):
    """Render the Caddyfile template with Ansible's own templating."""
    values = {
        "taskapp_tls": True,
        "taskapp_acme_email": "ops@example.com",
        "taskapp_acme_ca": "https://acme-v02.api.letsencrypt.org/directory",
        "taskapp_ui_host": "taskapp.example.com",
        "taskapp_api_host": "api.taskapp.example.com",
        "taskapp_node_ip": {"stdout": "192.168.49.2"},
        "taskapp_hsts_max_age": 31536000,
        **variables,
    }
    out = tmp_path / "Caddyfile"
    result = run_tool(
        infra_tool("ansible"), "localhost", "-c", "local", "-i", "localhost,",
        "-m", "ansible.builtin.template",
        "-a", f"src={ROLES / 'taskapp/templates/Caddyfile.j2'} dest={out}",
        "-e", json.dumps({**values, "ansible_python_interpreter": infra_tool("python")}),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out.read_text()


def test_it_serves_both_hosts_over_https_through_caddy(tmp_path):
    caddyfile = render_caddyfile(tmp_path)
    assert "email ops@example.com" in caddyfile
    assert "taskapp.example.com, api.taskapp.example.com {" in caddyfile
    assert "reverse_proxy 192.168.49.2:80" in caddyfile
    assert "auto_https off" not in caddyfile


def test_it_serves_plain_http_when_tls_is_off(tmp_path):
    caddyfile = render_caddyfile(tmp_path, taskapp_tls=False, taskapp_acme_email="")
    assert "auto_https off" in caddyfile
    assert "http://taskapp.example.com, http://api.taskapp.example.com {" in caddyfile
    # HSTS over plain HTTP would lock browsers out of the site.
    assert "Strict-Transport-Security" not in caddyfile


def test_it_sends_hsts_over_https(tmp_path):
    caddyfile = render_caddyfile(tmp_path)
    site = caddyfile.split("api.taskapp.example.com {", 1)[1]
    assert 'header Strict-Transport-Security "max-age=31536000; includeSubDomains"' in site
    assert "Strict-Transport-Security" not in render_caddyfile(tmp_path, taskapp_hsts_max_age=0)


def role_defaults(role):
    return yaml.safe_load((ROLES / role / "defaults/main.yml").read_text())


def role_vars():
    return yaml.safe_load((ROLES / "taskapp/vars/main.yml").read_text())


def test_it_closes_sign_up_on_the_public_host_by_default():
    assert role_defaults("taskapp")["taskapp_allow_signup"] is False
    assert role_vars()["taskapp_chart_values"]["app"]["allowSignup"] == (
        "{{ taskapp_allow_signup | bool }}"
    )


def test_it_creates_the_first_admin_once_with_a_password_on_stdin():
    check, create = yaml.safe_load((ROLES / "taskapp/tasks/admin.yml").read_text())
    variables = role_vars()
    # The check runs Django in the ui pod and tells "none yet" (3) from a failure.
    assert check["ansible.builtin.command"]["argv"].startswith("{{ taskapp_manage + ['shell'")
    assert check["failed_when"] == "taskapp_admin_exists.rc not in [0, 3]"
    assert "is_superuser=True" in variables["taskapp_admin_exists_check"]
    assert "sys.exit(0 if" in variables["taskapp_admin_exists_check"]
    # Created only when missing, the password on stdin, never logged.
    assert create["when"] == "taskapp_admin_exists.rc == 3"
    assert create["no_log"] is True
    assert create["ansible.builtin.command"]["stdin"] == "{{ taskapp_admin_password }}"
    script = variables["taskapp_admin_create_script"]
    assert 'DJANGO_SUPERUSER_PASSWORD="$(cat)"' in script
    assert "createsuperuser --noinput" in script
    assert "taskapp_admin_password" not in str(variables["taskapp_admin_create_command"])
    # The password is generated once on the controller and kept out of git.
    assert (
        "lookup('ansible.builtin.password', taskapp_admin_password_file"
        in (variables["taskapp_admin_password"])
    )
    assert "ansible/credentials/" in (ROOT / "infra/.gitignore").read_text()
    assert variables["taskapp_ui_deployment"] == "deploy/{{ taskapp_fullname }}-ui"


def test_it_prints_the_login_at_the_end_of_the_role():
    tasks_ = yaml.safe_load((ROLES / "taskapp/tasks/main.yml").read_text())
    assert tasks_[-1]["ansible.builtin.debug"]["msg"] == "{{ taskapp_login_message }}"
    imports = [t.get("ansible.builtin.import_tasks") for t in tasks_]
    assert imports.index("admin.yml") > imports.index("chart.yml")
    message = role_vars()["taskapp_login_message"]
    assert "taskapp_admin_password" in message and "taskapp_admin_created is changed" in message


def test_it_prunes_old_releases_but_keeps_the_running_and_the_previous_one():
    assert role_defaults("taskapp")["taskapp_keep_releases"] == 2
    find, remove, images = yaml.safe_load((ROLES / "taskapp/tasks/prune.yml").read_text())
    assert find["ansible.builtin.find"]["excludes"] == "{{ taskapp_commit.stdout }}"
    assert remove["loop"] == "{{ taskapp_pruned_sources }}"
    variables = role_vars()
    assert "[taskapp_keep_releases - 1 :]" in variables["taskapp_pruned_sources"]
    assert "[: taskapp_keep_releases - 1]" in variables["taskapp_kept_sources"]
    assert variables["taskapp_kept_tags"].startswith("{{ [taskapp_tag] +")
    (listing, removal) = images["block"]
    assert listing["community.docker.docker_host_info"]["images_filters"] == {
        "reference": "taskapp-*"
    }
    assert removal["community.docker.docker_image"]["state"] == "absent"
    assert "reject('search', taskapp_kept_tags_pattern)" in removal["loop"]


def test_it_installs_the_helm_version_the_chart_is_tested_with():
    result = run_tool(helm_binary(), "version", "--short")
    assert result.returncode == 0, result.stderr
    tested = result.stdout.strip().split("+")[0]
    assert role_defaults("minikube")["minikube_helm_version"] == tested


def test_it_refuses_tls_without_an_acme_email(tmp_path, inventory):
    """The role's first task stops the play with a clear message before touching the VM."""
    playbook = tmp_path / "check.yml"
    playbook.write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.include_role:\n        name: taskapp\n"
        "        tasks_from: main\n      vars:\n        taskapp_acme_email: ''\n"
    )
    # Only the assert runs: the check stops the play at its first task.
    result = subprocess.run(
        [infra_tool("ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook),
         "-e", f"ansible_python_interpreter={infra_tool('python')}"],
        cwd=ANSIBLE_DIR, capture_output=True, text=True,
        env={**os.environ, "ANSIBLE_ROLES_PATH": str(ROLES)},
    )  # fmt: skip
    assert result.returncode != 0
    assert "HTTPS needs taskapp_acme_email" in result.stdout


def evaluate(expression: str, **variables):
    """An expression evaluated by Ansible with the role's vars and the given facts."""
    result = run_tool(
        infra_tool("ansible"), "localhost", "-c", "local", "-i", "localhost,",
        "-m", "ansible.builtin.debug", "-a", f"msg={{{{ {expression} }}}}",
        "-e", f"@{ROLES / 'taskapp/vars/main.yml'}",
        "-e", f"@{ROLES / 'taskapp/defaults/main.yml'}",
        "-e", json.dumps({**variables, "ansible_python_interpreter": infra_tool("python")}),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return yaml.safe_load(result.stdout.split("=>", 1)[1])["msg"]


def test_the_prune_selection_keeps_the_newest_earlier_release_and_the_running_tag():
    facts = {
        "taskapp_commit": {"stdout": "cccccccccccc"},
        "taskapp_image_tag": "",
        "taskapp_image_registry": "",
        "taskapp_old_sources": {"files": [
            {"path": "/opt/taskapp/aaaaaaaaaaaa", "mtime": 1},
            {"path": "/opt/taskapp/bbbbbbbbbbbb", "mtime": 3},
            {"path": "/opt/taskapp/999999999999", "mtime": 2},
        ]},
        "taskapp_images": {"images": [
            {"RepoTags": ["taskapp-api:cccccccccccc", "taskapp-ui:cccccccccccc"]},
            {"RepoTags": ["taskapp-api:bbbbbbbbbbbb"]},
            {"RepoTags": ["taskapp-api:aaaaaaaaaaaa", "taskapp-ui:999999999999"]},
        ]},
    }  # fmt: skip
    pruned = evaluate("taskapp_pruned_sources | map(attribute='path') | list", **facts)
    assert pruned == ["/opt/taskapp/999999999999", "/opt/taskapp/aaaaaaaaaaaa"]
    loop = yaml.safe_load((ROLES / "taskapp/tasks/prune.yml").read_text())[2]["block"][1]["loop"]
    removed = evaluate(loop.strip("{} "), **facts)
    assert removed == ["taskapp-api:aaaaaaaaaaaa", "taskapp-ui:999999999999"]
