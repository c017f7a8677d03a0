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


def start_seconds(image: str) -> float:
    started = time.monotonic()
    container = docker(
        "run", "--detach", "--read-only", "--tmpfs", "/tmp:rw,size=64m",
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


def test_it_records_how_long_the_api_image_takes_to_get_ready():
    seconds = [round(start_seconds("taskapp-api:latest"), 2) for _ in range(3)]
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
