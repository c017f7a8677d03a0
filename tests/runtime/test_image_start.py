"""How long an API container takes from `docker run` to /readyz 200 (issue 12:
under 3 s), measured on every `make smoke` and written to
$ARTIFACTS/image-start.json; docs/performance.md quotes it. Only a hang fails
the test: figures come from this record, not from a timing assertion."""

import json
import os
import time
from pathlib import Path

import pytest

from tests.runtime.test_images import docker, http

pytestmark = pytest.mark.container

PORT, METRICS_PORT = 18364, 18365
GIVE_UP_S = 60


def start_seconds(image: str, data_dir: Path) -> float:
    """From `docker run` to /readyz 200 on an already migrated database (production
    migrates before a rollout, so a starting container finds it ready)."""
    started = time.monotonic()
    container = docker(
        "run", "--detach", "--read-only", "--tmpfs", "/tmp:rw,size=64m",
        "--volume", f"{data_dir}:/tmp/data",
        "--network", "host", "--user", "10001:10001",
        "--env", f"PORT={PORT}", "--env", f"TASKAPP_METRICS_PORT={METRICS_PORT}",
        "--env", "TASKAPP_SECRET_KEY=smoke-test-secret",
        "--env", "TASKAPP_ALLOWED_HOSTS=127.0.0.1", "--env", "TASKAPP_DRAIN_SECONDS=0",
        image,
    )  # fmt: skip
    try:
        while time.monotonic() - started < GIVE_UP_S:
            try:
                if http(f"http://127.0.0.1:{PORT}/readyz", timeout=1)[0] == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"{image} not ready in {GIVE_UP_S} s:\n" + docker("logs", container))
    finally:
        docker("rm", "--force", container)


def migrated_data_dir(image: str, parent: Path) -> Path:
    data_dir = parent / "data"
    data_dir.mkdir()
    data_dir.chmod(0o777)  # the image's user (uid 10001) writes the SQLite file
    docker(
        "run", "--rm", "--read-only", "--tmpfs", "/tmp:rw,size=64m",
        "--volume", f"{data_dir}:/tmp/data", "--user", "10001:10001",
        "--env", "TASKAPP_SECRET_KEY=smoke-test-secret", "--env", "TASKAPP_ALLOWED_HOSTS=127.0.0.1",
        image, "python", "manage.py", "migrate", "--noinput", "-v0",
    )  # fmt: skip
    return data_dir


def test_it_records_how_long_the_api_image_takes_to_get_ready(tmp_path):
    data_dir = migrated_data_dir("taskapp-api:latest", tmp_path)
    seconds = [round(start_seconds("taskapp-api:latest", data_dir), 2) for _ in range(3)]
    record = {
        "image": "taskapp-api:latest",
        "start_to_readyz_s": seconds,
        "median_s": sorted(seconds)[1],
        "workers": "image default (from the CPUs)",
        "load_average": list(os.getloadavg()),
    }
    out = Path(os.environ.get("ARTIFACTS", "test-artifacts"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "image-start.json").write_text(json.dumps(record, indent=2) + "\n")
