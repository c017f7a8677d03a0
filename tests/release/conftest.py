"""Temporary git repositories holding a copy of the chart, for scripts/push-new-tag."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "taskapp"
PUSH_NEW_TAG = ROOT / "scripts" / "push-new-tag"
sys.path.insert(0, str(ROOT / "scripts" / "release"))

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Release Test",
    "GIT_AUTHOR_EMAIL": "release@example.com",
    "GIT_COMMITTER_NAME": "Release Test",
    "GIT_COMMITTER_EMAIL": "release@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/nonexistent",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=GIT_ENV, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


class Repo:
    """A clone of a bare "origin", on main, with the chart's versioned files."""

    def __init__(self, path: Path, origin: Path):
        self.path, self.origin = path, origin

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def push_new_tag(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(PUSH_NEW_TAG), *args],
            cwd=self.path,
            env=GIT_ENV,
            capture_output=True,
            text=True,
        )

    def tag(self, *names: str) -> None:
        for name in names:
            self.git("tag", "--annotate", name, "-m", name)

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text()


@pytest.fixture
def repo(tmp_path) -> Repo:
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(tmp_path, "init", "--quiet", "--initial-branch=main", str(work))
    shutil.copytree(CHART, work / "deploy" / "helm" / "taskapp")
    git(work, "remote", "add", "origin", "https://github.com/Acme-Org/taskapp.git")
    git(work, "remote", "set-url", "--push", "origin", str(origin))
    git(work, "add", ".")
    git(work, "commit", "--quiet", "-m", "Initial")
    git(work, "push", "--quiet", "origin", "main")
    return Repo(work, origin)
