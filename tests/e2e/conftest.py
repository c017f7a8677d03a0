"""Run scripts/e2e/run.sh offline, with stand-ins for kubectl, helm, kind, minikube,
docker and curl on PATH (tests/e2e/fake_tool.sh) that record every call."""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "e2e" / "run.sh"
FAKE = Path(__file__).with_name("fake_tool.sh")
TOOLS = ("kubectl", "helm", "kind", "minikube", "docker", "curl")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    calls: list[str]
    artifacts: Path


@pytest.fixture
def fake_bin(tmp_path):
    """A directory of stand-ins, in front of a PATH that has bash and python3 only."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(FAKE)
    return bin_dir


@pytest.fixture
def run_e2e(tmp_path, fake_bin):
    def run(**env) -> Run:
        log = tmp_path / "calls.log"
        log.write_text("")
        artifacts = tmp_path / "artifacts"
        environ = {
            "PATH": f"{fake_bin}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "E2E_FAKE_LOG": str(log),
            "E2E_POLL_SECONDS": "0.01",
            "E2E_MIN_REQUESTS": "2",
            "ARTIFACTS": str(artifacts),
            **env,
        }
        result = subprocess.run(
            ["bash", str(SCRIPT)],
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        calls = log.read_text().splitlines()
        return Run(result.returncode, result.stdout, result.stderr, calls, artifacts / "e2e")

    return run


def index_of(calls: list[str], fragment: str, start: int = 0) -> int:
    """Position of the first call at or after start that contains fragment."""
    for position in range(start, len(calls)):
        if fragment in calls[position]:
            return position
    raise AssertionError(f"no call containing {fragment!r} after #{start}:\n" + "\n".join(calls))


__all__ = ["ROOT", "Run", "index_of", "os"]
