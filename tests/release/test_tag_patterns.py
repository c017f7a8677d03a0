"""The release workflow and scripts/push-new-tag agree on what each tag publishes.

Both are parsed: the workflow's `on.push.tags` filters (GitHub's glob syntax) and its
plan step (run in bash, as on the runner), against releaselib, which push-new-tag uses.
"""

import json
import re
import subprocess
import tempfile

import pytest
import yaml
from releaselib import Release, Version, parse_tag

from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
TAGS = [
    "v0.1.0",
    "v1.2.3",
    "v10.20.30",
    "api-v0.0.1",
    "api-v2.0.0",
    "ui-v1.2.1",
    "ui-v11.0.9",
    # Not release tags: each must publish nothing on either side.
    "v1.2",
    "1.2.3",
    "api-1.2.3",
    "web-v1.0.0",
    "v1.2.3-rc.1",
    "v01.2.3",
    "api-v1.2.3.4",
    "ui-vx.y.z",
    "v1.2.3/extra",
]


def workflow() -> dict:
    doc = yaml.safe_load(WORKFLOW.read_text())
    return doc | {"on": doc.get("on", doc.get(True))}  # YAML 1.1 reads `on` as True


def glob_to_regex(pattern: str) -> re.Pattern:
    """GitHub's filter pattern syntax: * ** ? + [..] (? and + apply to the previous
    character or class); everything else is literal."""
    out, i = "", 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            out, i = out + ".*", i + 2
            continue
        if char == "*":
            out += "[^/]*"
        elif char in "?+":
            out += char
        elif char == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
            continue
        else:
            out += re.escape(char)
        i += 1
    return re.compile(f"^{out}$")


def triggers(tag: str) -> bool:
    patterns = workflow()["on"]["push"]["tags"]
    return any(glob_to_regex(p).match(tag) for p in patterns)


def plan(tag: str, owner: str = "Acme-Org") -> dict | None:
    """Outputs of the workflow's plan step for a tag, or None when it fails."""
    step = workflow()["jobs"]["plan"]["steps"][0]
    with tempfile.NamedTemporaryFile("r") as outputs:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", step["run"]],
            env={
                "TAG": tag,
                "OWNER": owner,
                "GITHUB_OUTPUT": outputs.name,
                "PATH": "/usr/bin:/bin",
            },
            capture_output=True,
            text=True,
            timeout=30,
        )
        lines = outputs.read().splitlines()
    if done.returncode != 0:
        return None
    return dict(line.split("=", 1) for line in lines)


def published_by_workflow(tag: str):
    outputs = plan(tag) if triggers(tag) else None
    if outputs is None:
        return None
    return outputs["version"], tuple(json.loads(outputs["components"])), outputs["chart"] == "true"


def published_by_push_new_tag(tag: str):
    release = parse_tag(tag)
    if release is None:
        return None
    return str(release.version), release.components, release.publishes_chart


@pytest.mark.parametrize("tag", TAGS)
def test_workflow_and_push_new_tag_publish_the_same_for(tag):
    assert published_by_workflow(tag) == published_by_push_new_tag(tag)


@pytest.mark.parametrize("kind", ["both", "api", "ui"])
def test_every_tag_push_new_tag_makes_triggers_the_workflow(kind):
    release = Release(kind, Version(3, 14, 159))

    assert triggers(release.tag)
    assert published_by_workflow(release.tag) == published_by_push_new_tag(release.tag)


def test_the_valid_tags_of_the_list_are_really_releases():
    # Guards the parametrised test above against agreeing on "nothing" everywhere.
    assert sum(published_by_push_new_tag(t) is not None for t in TAGS) == 7


def test_images_are_named_as_push_new_tag_announces():
    jobs = workflow()["jobs"]
    image = jobs["image"]["env"]["IMAGE"]
    named = image.replace("${{ needs.plan.outputs.owner }}", "acme-org").replace(
        "${{ matrix.component }}", "api"
    )
    assert plan("v1.0.0")["owner"] == "acme-org"
    assert f"{named}:1.0.0 (linux/amd64, linux/arm64)" in Release("both", Version(1, 0, 0)).summary(
        "acme-org"
    )
    build = next(s for s in jobs["image"]["steps"] if s.get("id") == "build")
    assert build["with"]["platforms"] == "linux/amd64,linux/arm64"
    assert jobs["chart"]["if"] == "needs.plan.outputs.chart == 'true'"
