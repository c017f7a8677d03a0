"""compose.yaml is well-formed and wires the images as production runs them.

There is no compose plugin on the build machines, so instead of `docker compose
config` the file is loaded as YAML (anchors and merge keys resolved) and checked."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pymongo.uri_parser import parse_uri

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_it_defines_api_ui_migrate_and_mongo():
    services = _compose()["services"]
    assert set(services) == {"api", "ui", "migrate", "mongo"}
    dockerfile_targets = set(
        re.findall(r"^FROM \S+ AS (\w+)$", (ROOT / "Dockerfile").read_text(), re.M)
    )
    for name in ("api", "ui", "migrate"):
        assert services[name]["build"]["target"] in dockerfile_targets


def test_it_runs_the_charts_mongo_7_with_authentication_and_a_volume():
    compose = _compose()
    mongo = compose["services"]["mongo"]
    assert mongo["image"] == "mongo:7.0.14"  # as the Helm chart pins it
    assert mongo["environment"]["MONGO_INITDB_ROOT_USERNAME"]
    assert "${MONGO_PASSWORD:?" in mongo["environment"]["MONGO_INITDB_ROOT_PASSWORD"]
    assert mongo["volumes"] == ["mongo-data:/data/db"] and "mongo-data" in compose["volumes"]


def test_it_runs_the_app_hardened_with_its_role_after_migrations():
    services = _compose()["services"]
    for name, role in (("api", "api"), ("ui", "ui")):
        service = services[name]
        assert service["read_only"] is True and service["tmpfs"] == ["/tmp"]
        assert service["user"] == "10001:10001"
        assert service["environment"]["TASKAPP_ROLE"] == role
        assert "${MONGO_PASSWORD:?" in service["environment"]["MONGO_PASSWORD"]
        assert "MONGODB_URI" not in service["environment"]  # built by the entrypoint
        assert "${TASKAPP_SECRET_KEY:?" in service["environment"]["TASKAPP_SECRET_KEY"]
        assert service["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert services["migrate"]["command"][:3] == ["python", "manage.py", "migrate"]


def test_it_uses_only_documented_variables():
    documented = (ROOT / "docs" / "configuration.md").read_text()
    for service in _compose()["services"].values():
        for name in service.get("environment", {}):
            if name.startswith("TASKAPP_") or name == "MONGODB_URI":
                assert f"`{name}`" in documented, name


def _start_app(service: dict, password: str) -> str:
    """Run the service's entrypoint with this Python, as the container would run it,
    with a command that prints the MONGODB_URI it was handed."""
    show = [sys.executable, "-c", "import os; print(os.environ['MONGODB_URI'])"]
    env = {"MONGO_PASSWORD": password, "PATH": "/usr/bin:/bin"}
    entrypoint = [sys.executable if part == "python" else part for part in service["entrypoint"]]
    result = subprocess.run(entrypoint + show, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("password", ["p@ss:w/rd?#%[]", "hex0123abcdef", "späce and 'quote'"])
def test_it_url_encodes_any_mongo_password_into_the_uri(password):
    for name in ("api", "ui", "migrate"):
        uri = _start_app(_compose()["services"][name], password)
        parsed = parse_uri(uri)
        assert (parsed["username"], parsed["password"]) == ("taskapp", password), name
        assert parsed["nodelist"] == [("mongo", 27017)] and parsed["database"] == "taskapp"
        assert {k.lower(): v for k, v in parsed["options"].items()}["authsource"] == "admin"


def test_it_runs_the_images_own_command():
    """The entrypoint replaces the image's, which clears its CMD too: the services name
    the same command as the Dockerfile."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    image_cmd = yaml.safe_load(re.findall(r"^CMD (\[.*\])$", dockerfile, re.M)[-1])
    services = _compose()["services"]
    for name in ("api", "ui"):
        assert services[name]["command"] == image_cmd, name
