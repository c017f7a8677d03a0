"""The built images, run as production runs them: read-only root filesystem, only
/tmp writable, their non-root user, host network on this area's ports. Driven by
`make smoke`, which builds the images and provides DOCKER_HOST."""

import json
import re
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.container

DOCKER = "/usr/bin/docker"  # the client that matches Debian's daemon
# Issue 12: at most 150 MB each, in the unit `docker images` prints (10^6 bytes),
# built on the local base (scripts/runtime/base-image.sh; docs/performance.md).
SIZE_BUDGET_MB = 150
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def docker(*args: str, check=True) -> str:
    result = subprocess.run([DOCKER, *args], capture_output=True, text=True, check=False)
    if check and result.returncode:
        raise AssertionError(f"docker {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout.strip()


def http(url, *, method="GET", headers=None, body=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


class Container:
    def __init__(self, image: str, port: int, metrics_port: int, hosts="127.0.0.1,localhost"):
        self.image = image
        self.url = f"http://127.0.0.1:{port}"
        self.metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
        self.id = docker(
            "run", "--detach", "--read-only", "--tmpfs", "/tmp:rw,size=64m",
            "--network", "host", "--user", "10001:10001",
            "--env", f"PORT={port}", "--env", f"TASKAPP_METRICS_PORT={metrics_port}",
            "--env", "TASKAPP_SECRET_KEY=smoke-test-secret",
            "--env", f"TASKAPP_ALLOWED_HOSTS={hosts}",
            "--env", "TASKAPP_WORKERS=2", "--env", "TASKAPP_DRAIN_SECONDS=1",
            image,
        )  # fmt: skip
        self.exec("python", "manage.py", "migrate", "--noinput", "-v0")
        self._wait_until_ready()

    def exec(self, *command: str) -> str:
        return docker("exec", self.id, *command)

    def _wait_until_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if http(f"{self.url}/readyz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{self.image} never got ready:\n" + docker("logs", self.id))

    def stop(self) -> int:
        docker("stop", "--time", "20", self.id)
        code = int(docker("inspect", "--format", "{{.State.ExitCode}}", self.id))
        docker("rm", "--force", self.id)
        return code


@pytest.fixture(scope="module")
def api():
    container = Container("taskapp-api:latest", 18360, 18361)
    yield container
    container.stop()


@pytest.fixture(scope="module")
def ui():
    container = Container("taskapp-ui:latest", 18362, 18363)
    yield container
    container.stop()


@pytest.fixture(scope="module")
def token(api):
    api.exec(
        "env", "DJANGO_SUPERUSER_PASSWORD=smoke pass 1", "python", "manage.py",
        "createsuperuser", "--noinput", "--username", "smoke", "--email", "smoke@example.com",
    )  # fmt: skip
    return api.exec("python", "manage.py", "create_api_token", "smoke", "smoke test")


@pytest.mark.parametrize("image", ["taskapp-api:latest", "taskapp-ui:latest"])
def test_it_builds_small_labelled_non_root_images(image):
    info = json.loads(docker("image", "inspect", image))[0]
    config = info["Config"]
    assert config["User"] == "10001:10001"
    assert config["WorkingDir"] == "/app"
    assert {"8000/tcp", "9100/tcp"} <= set(config["ExposedPorts"])
    labels = config["Labels"]
    for key in ("version", "revision", "source", "created"):
        assert labels.get(f"org.opencontainers.image.{key}"), key
    assert info["Size"] <= SIZE_BUDGET_MB * 1000 * 1000, f"{image}: {info['Size'] / 1e6:.1f} MB"


@pytest.mark.parametrize("image", ["taskapp-api:latest", "taskapp-ui:latest"])
def test_it_has_no_compilers_and_no_pip(image):
    found = docker(
        "run", "--rm", "--entrypoint", "sh", image, "-c",
        "for tool in gcc cc c++ make pip pip3; do command -v $tool; done; true",
    )  # fmt: skip
    assert found == ""


def test_it_reports_the_version_written_in_pyproject(api):
    version = tomllib.loads(PYPROJECT.read_text())["project"]["version"]
    status, _, body = http(f"{api.url}/api/")
    assert (status, json.loads(body)["version"]) == (200, version)
    labels = json.loads(docker("image", "inspect", api.image))[0]["Config"]["Labels"]
    assert labels["org.opencontainers.image.version"] == version


def test_it_runs_with_a_read_only_root_filesystem(api):
    assert api.exec("id", "-u") == "10001"
    result = subprocess.run(
        [DOCKER, "exec", api.id, "touch", "/app/written"], capture_output=True, text=True
    )
    assert result.returncode != 0 and "Read-only file system" in result.stderr


@pytest.mark.parametrize("role", ["api", "ui"])
def test_it_answers_the_probes(role, request):
    container = request.getfixturevalue(role)
    assert http(f"{container.url}/healthz")[0] == 200
    status, _, body = http(f"{container.url}/readyz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})


@pytest.mark.parametrize("role", ["api", "ui"])
def test_it_echoes_request_ids(role, request):
    # Any answer but a probe's (probes skip the other middleware: config.probes).
    container = request.getfixturevalue(role)
    _, headers, _ = http(f"{container.url}/no-such-page", headers={"X-Request-ID": "smoke-1"})
    assert headers["X-Request-ID"] == "smoke-1"


@pytest.mark.parametrize("role", ["api", "ui"])
def test_it_serves_metrics_on_the_metrics_port_only(role, request):
    container = request.getfixturevalue(role)
    http(f"{container.url}/")  # a page, not a probe: probes are not counted per view
    status, _, body = http(container.metrics_url)
    text = body.decode()
    assert status == 200
    assert 'django_http_requests_total_by_view_transport_method_total{method="GET"' in text
    assert "taskapp_tasks_created_total" in text
    assert 'taskapp_database_errors_total{source="readiness"} 0.0' in text
    assert http(f"{container.url}/metrics")[0] == 404


def test_it_creates_and_lists_tasks_through_the_api(api, token):
    auth = {"Authorization": f"Bearer {token}"}
    status, _, body = http(
        f"{api.url}/api/v1/tasks", method="POST", headers=auth, body={"title": "Smoke test"}
    )
    assert status == 201, body
    created = json.loads(body)

    status, _, body = http(f"{api.url}/api/v1/tasks", headers=auth)
    assert status == 200
    assert created["id"] in [task["id"] for task in json.loads(body)["items"]]

    metrics = http(api.metrics_url)[2].decode()
    assert re.search(r"^taskapp_tasks_created_total 1\.0$", metrics, re.MULTILINE)


def test_it_serves_the_login_page_and_its_static_files(ui):
    status, _, body = http(f"{ui.url}/accounts/login/")
    assert status == 200
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
    assert assets, "the login page links no static file"
    status, headers, _ = http(f"{ui.url}{assets[0]}")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]  # hashed by collectstatic at build time


def test_it_passes_its_healthcheck_with_public_hosts_only_and_exits_0_on_sigterm():
    # Docker's HEALTHCHECK asks 127.0.0.1, which production's ALLOWED_HOSTS refuses.
    container = Container("taskapp-api:latest", 18364, 18365, hosts="taskapp.example.com")
    healthcheck = json.loads(
        docker("inspect", "--format", "{{json .Config.Healthcheck.Test}}", container.image)
    )
    assert healthcheck[0] == "CMD"
    container.exec(*healthcheck[1:])  # raises unless it exits 0
    logs = subprocess.run([DOCKER, "logs", container.id], capture_output=True, text=True)
    logs = logs.stdout + logs.stderr
    assert "DisallowedHost" not in logs and "Traceback" not in logs
    assert container.stop() == 0


def paths_in(image: str, pattern: str) -> list[str]:
    """The paths in the image's filesystem that match a `find -path` pattern."""
    found = docker("run", "--rm", "--entrypoint", "sh", image, "-c",
                   f"find / -xdev -path '{pattern}' -print 2>/dev/null; true")  # fmt: skip
    return sorted(found.split())


def test_the_api_image_has_swagger_ui_once_and_no_admin_static_files():
    bundle = paths_in("taskapp-api:latest", "*swagger-ui-bundle*")
    assert bundle and all(
        re.fullmatch(r"/app/staticfiles/ninja/swagger-ui-bundle\.[0-9a-f]{12}\.js(\.gz)?", path)
        for path in bundle
    ), bundle
    assert paths_in("taskapp-api:latest", "*/static*/admin") == []
    assert paths_in("taskapp-api:latest", "/app/staticfiles/ui") == []  # its errors are JSON
    assert paths_in("taskapp-api:latest", "*redoc.standalone*") == []


def test_the_ui_image_has_the_admins_static_files_and_no_swagger_ui():
    admin = paths_in("taskapp-ui:latest", "*/static*/admin")
    assert admin[0] == "/app/staticfiles/admin"
    assert all(path.startswith("/app/staticfiles/admin/") for path in admin[1:]), admin
    assert paths_in("taskapp-ui:latest", "*swagger-ui*") == []
    assert paths_in("taskapp-ui:latest", "*redoc.standalone*") == []


@pytest.mark.parametrize(
    ("role", "page"), [("api", "/api/docs"), ("ui", "/admin/login/"), ("ui", "/missing-page")]
)
def test_it_serves_every_static_file_its_pages_link(role, page, request):
    container = request.getfixturevalue(role)
    status, _, body = http(f"{container.url}{page}", headers={"Accept": "text/html"})
    assert status in (200, 404), body
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
    assert assets, f"{page} links no static file"
    for asset in assets:
        status, headers, _ = http(f"{container.url}{asset}", headers={"Accept-Encoding": "gzip"})
        assert status == 200, asset
        assert "immutable" in headers["Cache-Control"], asset
