"""The real-MongoDB job measures the API with make bench and keeps the figures."""

from tests.e2e.test_workflows import _workflow

UPLOAD = "actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4"


def test_the_mongodb_job_benches_after_the_suite_and_keeps_the_figures():
    steps = _workflow("ci.yml")["jobs"]["mongodb"]["steps"]
    runs = [step.get("run") for step in steps]
    assert runs.index("make bench") > runs.index("make test-mongo-real")
    (keep,) = [step for step in steps if step.get("uses", "").startswith("actions/upload-artifact")]
    assert keep["uses"] == UPLOAD
    assert keep["if"] == "always()"
    assert keep["with"]["path"] == "bench-results/"
