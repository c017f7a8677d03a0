"""`make e2e` and `make test-mongo-real` where there is no cluster and no server."""

import os
import subprocess

from tests.e2e.conftest import ROOT


def _make(target, tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URI", "MAKEFLAGS")}
    environ.update(KUBECONFIG=str(tmp_path / "no-kubeconfig"), **env)
    return subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_e2e_without_a_cluster_skips_in_one_line(tmp_path):
    result = _make("e2e", tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("e2e: skipped: no reachable Kubernetes cluster")
    assert result.stdout.count("\n") == 1


def test_make_test_mongo_real_without_a_uri_fails_in_one_line_before_installing(tmp_path):
    result = _make("test-mongo-real", tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""  # nothing installed, no test ran
    assert result.stderr.startswith("error: MONGODB_URI is not set")
    assert "Traceback" not in result.stderr
