"""renovate.json5: valid against Renovate's own JSON schema, and every regex manager
finds the versions it is meant to keep fresh in the real files.

npm `renovate` needs Node 24, so its validator cannot run here; its schema
(renovate-schema.json, from the npm tarball: `make renovate-schema`) can.
"""

import functools
import json
import os
import re
from pathlib import Path

import json5
import jsonschema
import pytest
import yaml

from .conftest import ROOT

CONFIG = ROOT / "renovate.json5"
SCHEMA = Path(
    os.environ.get(
        "RENOVATE_SCHEMA",
        Path.home() / ".cache/taskapp/release-tools/renovate-44.121.2/renovate-schema.json",
    )
)
MINIKUBE_DEFAULTS = ROOT / "infra/ansible/roles/minikube/defaults/main.yml"

pytestmark = pytest.mark.deploy  # needs the schema from `make renovate-schema`


def config() -> dict:
    return json5.loads(CONFIG.read_text())


@functools.cache
def schema() -> dict:
    if not SCHEMA.exists():
        pytest.fail(f"{SCHEMA} is missing: run `make renovate-schema`")
    return json.loads(SCHEMA.read_text())


def errors(document: dict) -> list[str]:
    found = jsonschema.Draft7Validator(schema()).iter_errors(document)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in found]


def unknown_options(document: dict) -> list[str]:
    """Options the schema does not know: it allows them, Renovate's validator does not
    (a misspelt option is silently ignored otherwise)."""
    # Every option has a definition; some (managerFilePatterns) only below a manager.
    options = set(schema()["properties"]) | set(schema()["definitions"]) | {"$schema"}
    rule_items = schema()["definitions"]["packageRules"]["items"]["allOf"][0]["properties"]
    manager_items = schema()["definitions"]["customManagers"]["items"]["allOf"][0]["properties"]
    unknown = [key for key in document if key not in options]
    for rule in document.get("packageRules", []):
        unknown += [f"packageRules.{k}" for k in rule if k not in options | set(rule_items)]
    for manager in document.get("customManagers", []):
        unknown += [f"customManagers.{k}" for k in manager if k not in set(manager_items)]
    for name in ("pip-compile", "github-actions", "lockFileMaintenance", "vulnerabilityAlerts"):
        unknown += [f"{name}.{k}" for k in document.get(name, {}) if k not in options]
    return unknown


def test_the_config_is_valid_against_renovates_schema():
    assert errors(config()) == []
    assert unknown_options(config()) == []


def test_the_schema_check_catches_a_wrong_type_and_a_misspelt_option():
    broken = config() | {"automerge": "yes", "automergee": True}
    broken["packageRules"] = [*broken["packageRules"], {"matchManager": ["pep621"]}]

    assert errors(broken) == ["automerge: 'yes' is not of type 'boolean'"]
    assert unknown_options(broken) == ["automergee", "packageRules.matchManager"]


def js_regex_to_python(pattern: str) -> re.Pattern:
    """Renovate's matchStrings are JavaScript regexes: (?<name>...) groups."""
    return re.compile(pattern.replace("(?<", "(?P<"))


def file_pattern_matches(pattern: str, path: str) -> bool:
    assert pattern.startswith("/") and pattern.endswith("/"), "use a /regex/ file pattern"
    return re.search(pattern[1:-1], path) is not None


def custom_manager(description_word: str) -> dict:
    return next(m for m in config()["customManagers"] if description_word in m["description"])


def test_the_ansible_manager_covers_the_minikube_role_defaults():
    manager = custom_manager("minikube")
    path = str(MINIKUBE_DEFAULTS.relative_to(ROOT))

    assert any(file_pattern_matches(p, path) for p in manager["managerFilePatterns"])


def test_the_ansible_manager_finds_every_pinned_tool_and_its_version():
    manager = custom_manager("minikube")
    text = MINIKUBE_DEFAULTS.read_text()
    pinned = yaml.safe_load(text)

    found = {}
    for pattern in manager["matchStrings"]:
        for match in js_regex_to_python(pattern).finditer(text):
            found[match["depName"]] = match["currentValue"]

    assert found == {
        "minikube": pinned["minikube_version"],
        "kubectl": pinned["minikube_kubectl_version"],
        "helm": pinned["minikube_helm_version"],
    }


def test_the_ansible_manager_looks_each_tool_up_in_its_own_repository():
    template = custom_manager("minikube")["packageNameTemplate"]
    # A tiny Handlebars evaluation of the one if/else-if chain the template uses.
    branches = dict(re.findall(r'\(equals depName "(\w+)"\)\}\}([^{]+)', template))
    fallback = re.search(r"\{\{else\}\}([^{]+)", template).group(1)

    assert branches == {"minikube": "kubernetes/minikube", "kubectl": "kubernetes/kubernetes"}
    assert fallback == "helm/helm"


def test_the_lock_files_are_handed_to_the_pip_compile_manager():
    patterns = config()["pip-compile"]["managerFilePatterns"]

    for lock in ("requirements/runtime.txt", "requirements/test.txt"):
        assert (ROOT / lock).exists()
        assert any(file_pattern_matches(p, lock) for p in patterns)
        # Renovate reruns the command in the lock's header to refresh it.
        assert "uv pip compile pyproject.toml" in (ROOT / lock).read_text().splitlines()[1]


def test_the_chart_images_renovate_updates_are_where_its_helm_manager_looks():
    values = yaml.safe_load((ROOT / "deploy/helm/taskapp/values.yaml").read_text())

    # helm-values reads {repository, tag} pairs from values.yaml.
    for section in ("mongodb", "prometheus", "grafana"):
        image = values[section]["image"]
        assert image["repository"] and re.match(r"^v?\d+\.\d+\.\d+$", str(image["tag"]))


def test_our_own_images_are_left_to_push_new_tag():
    rule = next(r for r in config()["packageRules"] if r.get("enabled") is False)
    pattern = rule["matchPackageNames"][0]

    assert file_pattern_matches(pattern, "ghcr.io/acme/taskapp-api")
    assert file_pattern_matches(pattern, "taskapp-ui")
    assert not file_pattern_matches(pattern, "mongo")


def test_patch_updates_merge_themselves_and_majors_do_not():
    automerging = [r for r in config()["packageRules"] if r.get("automerge")]

    assert automerging and all("major" not in r["matchUpdateTypes"] for r in automerging)
    assert any("patch" in r["matchUpdateTypes"] for r in automerging)


def test_the_dockerfile_base_is_pinned_by_digest_where_renovate_reads_it():
    dockerfile = (ROOT / "Dockerfile").read_text()

    # The dockerfile manager follows ARG defaults used in FROM; it needs the digest.
    assert re.search(
        r"^ARG PYTHON_IMAGE=python:3\.11[^@\s]*@sha256:[a-f0-9]{64}$", dockerfile, re.M
    )
    assert re.search(r"^FROM \$\{PYTHON_IMAGE\}", dockerfile, re.M)
