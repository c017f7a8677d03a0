"""The lock files (requirements/*.txt, `make lock`) against pyproject.toml, and their
use by the image build and `make install`. `make lock-check` re-resolves with uv;
these checks run offline."""

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = ROOT / "requirements" / "runtime.txt"
TEST = ROOT / "requirements" / "test.txt"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>\S+)(?P<rest>[^\n]*(?:\n    .*)*)", re.M)


def pins(lock) -> dict[str, tuple[str, str]]:
    """name -> (version, the lines that follow the pin: markers and hashes)."""
    text = lock.read_text()
    return {canonicalize_name(m["name"]): (m["version"], m["rest"]) for m in PIN.finditer(text)}


def requirements(*groups: str) -> list[Requirement]:
    listed = list(PYPROJECT["dependencies"])
    for group in groups:
        listed += PYPROJECT["optional-dependencies"][group]
    return [Requirement(r) for r in listed]


@pytest.mark.parametrize(
    ("lock", "groups"), [(RUNTIME, ()), (TEST, ("test",))], ids=["runtime", "test"]
)
def test_every_dependency_is_pinned_inside_its_range(lock, groups):
    pinned = pins(lock)

    for requirement in requirements(*groups):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is missing from {lock.name}: make lock"
        version = pinned[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock.name} pins {name}=={version} outside {requirement}: make lock"
        )


@pytest.mark.parametrize("lock", [RUNTIME, TEST], ids=["runtime", "test"])
def test_every_pin_carries_hashes(lock):
    for name, (_version, rest) in pins(lock).items():
        assert "--hash=sha256:" in rest, f"{name} has no hash in {lock.name}"


def test_the_images_run_the_versions_the_tests_ran():
    tested = pins(TEST)

    for name, (version, _rest) in pins(RUNTIME).items():
        assert tested[name][0] == version, f"{name}: runtime {version}, tests {tested[name][0]}"


def test_the_runtime_lock_holds_no_test_tool():
    runtime = pins(RUNTIME)

    for requirement in requirements("test"):
        if requirement not in requirements():
            assert canonicalize_name(requirement.name) not in runtime


def test_the_image_and_make_install_install_from_the_lock_with_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()

    assert "COPY requirements/runtime.txt" in dockerfile
    assert re.search(r"pip install [^\n]*--require-hashes -r requirements\.txt", dockerfile)
    assert "!requirements/runtime.txt" in (ROOT / ".dockerignore").read_text().splitlines()
    assert "pip install --quiet --require-hashes -r requirements/test.txt" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
