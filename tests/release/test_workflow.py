"""Supply-chain rules of the release workflow that actionlint does not check."""

import re

from .test_tag_patterns import WORKFLOW, workflow

PINNED = re.compile(r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?P<comment>.*)$")


def uses_lines() -> list[re.Match]:
    return [m for m in map(PINNED.match, WORKFLOW.read_text().splitlines()) if m]


def test_every_action_is_pinned_by_commit_with_its_version_in_a_comment():
    found = uses_lines()

    assert len(found) >= 8
    for line in found:
        assert re.fullmatch(r"[0-9a-f]{40}", line["ref"]), f"{line['action']} is not pinned"
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", line["comment"]), f"{line['action']}: comment"


def test_the_workflow_grants_nothing_by_default_and_each_job_only_what_it_needs():
    doc = workflow()
    jobs = doc["jobs"]

    assert doc["permissions"] == {}
    assert all("permissions" in job for job in jobs.values())
    writers = {
        name: sorted(k for k, v in job["permissions"].items() if v == "write")
        for name, job in jobs.items()
    }
    assert writers == {
        "plan": [],
        "image": ["attestations", "id-token", "packages"],
        "chart": ["packages"],
        "release": ["contents"],
    }


def test_images_get_an_sbom_provenance_an_attestation_and_a_signature_by_digest():
    steps = workflow()["jobs"]["image"]["steps"]
    build = next(s for s in steps if s.get("id") == "build")
    attest = next(s for s in steps if "attest-build-provenance" in s.get("uses", ""))
    sign = next(s for s in steps if "cosign sign" in s.get("run", ""))

    assert build["with"]["sbom"] is True
    assert build["with"]["provenance"] == "mode=max"
    assert attest["with"]["subject-digest"] == "${{ steps.build.outputs.digest }}"
    assert attest["with"]["push-to-registry"] is True
    assert sign["env"]["DIGEST"] == "${{ steps.build.outputs.digest }}"
    assert '"$IMAGE@$DIGEST"' in sign["run"]


def test_the_chart_is_stamped_and_pushed_as_an_oci_artifact():
    run = "\n".join(s.get("run", "") for s in workflow()["jobs"]["chart"]["steps"])

    assert "scripts/release/stamp-chart deploy/helm/taskapp" in run
    assert 'helm push "dist/taskapp-$VERSION.tgz" "oci://ghcr.io/$OWNER/charts"' in run
