"""scripts/push-new-tag against throwaway repositories (a bare "origin" to push to)."""

import re

import yaml

CHART_YAML = "deploy/helm/taskapp/Chart.yaml"
VALUES_YAML = "deploy/helm/taskapp/values.yaml"


def image_values(repo) -> dict:
    return yaml.safe_load(repo.read(VALUES_YAML))["image"]


def chart_versions(repo) -> tuple[str, str]:
    chart = yaml.safe_load(repo.read(CHART_YAML))
    return chart["version"], chart["appVersion"]


def test_it_releases_both_images_and_the_chart_from_the_charts_version(repo):
    done = repo.push_new_tag("both", "minor")

    assert done.returncode == 0, done.stderr
    assert chart_versions(repo) == ("0.2.0", "0.2.0")
    assert repo.git("tag", "--list") == "v0.2.0"
    assert repo.git("cat-file", "-t", "v0.2.0") == "tag"  # annotated
    assert repo.git("rev-list", "-n1", "v0.2.0") == repo.git("rev-parse", "HEAD")
    assert repo.git("log", "-1", "--format=%s") == "Release v0.2.0"
    assert repo.git("status", "--porcelain") == ""
    # What CI will publish, with the owner from the remote, lower-cased as in the workflow.
    assert "ghcr.io/acme-org/taskapp-api:0.2.0" in done.stdout
    assert "ghcr.io/acme-org/taskapp-ui:0.2.0" in done.stdout
    assert "oci://ghcr.io/acme-org/charts/taskapp --version 0.2.0" in done.stdout
    assert "git push --atomic origin main v0.2.0" in done.stdout


def test_it_releases_one_component_from_its_latest_tag(repo):
    repo.tag("v1.2.0", "api-v1.2.1", "ui-v1.4.0")

    done = repo.push_new_tag("api", "patch")

    assert done.returncode == 0, done.stderr
    assert "api-v1.2.2" in repo.git("tag", "--list").split()
    image = image_values(repo)
    assert image["api"]["tag"] == "1.2.2"
    assert image["ui"]["tag"] == ""
    assert chart_versions(repo) == ("0.1.0", "0.1.0")  # no chart for a component release
    assert "taskapp-api:1.2.2" in done.stdout
    assert "taskapp-ui" not in done.stdout
    assert "charts/taskapp" not in done.stdout


def test_a_joint_release_starts_from_the_newest_component(repo):
    repo.tag("v1.2.0", "api-v1.3.0")
    repo.push_new_tag("ui", "patch")  # ui-v1.2.1, sets image.ui.tag

    done = repo.push_new_tag("both", "patch")

    assert done.returncode == 0, done.stderr
    assert "v1.3.1" in repo.git("tag", "--list").split()
    assert chart_versions(repo) == ("1.3.1", "1.3.1")
    # Both images are now at appVersion again: the per-component tags are cleared.
    assert (image_values(repo)["api"]["tag"], image_values(repo)["ui"]["tag"]) == ("", "")


def test_it_keeps_the_comments_of_the_chart_files(repo):
    before = repo.read(VALUES_YAML).count("# --"), repo.read(CHART_YAML).count("#")

    repo.push_new_tag("ui", "major")
    repo.push_new_tag("both", "minor")

    assert (repo.read(VALUES_YAML).count("# --"), repo.read(CHART_YAML).count("#")) == before


def test_an_explicit_version_must_be_newer(repo):
    repo.tag("v1.0.0")

    assert repo.push_new_tag("both", "2.0.0").returncode == 0
    refused = repo.push_new_tag("api", "1.5.0")

    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "push-new-tag: error: api 1.5.0 is not newer than the current 2.0.0"
    )


def test_dry_run_changes_nothing(repo):
    head = repo.git("rev-parse", "HEAD")

    done = repo.push_new_tag("both", "major", "--dry-run")

    assert done.returncode == 0, done.stderr
    assert "Would tag v1.0.0" in done.stdout
    assert "taskapp-api:1.0.0" in done.stdout
    assert repo.git("rev-parse", "HEAD") == head
    assert repo.git("tag", "--list") == ""
    assert repo.git("status", "--porcelain") == ""


def test_push_sends_the_commit_and_the_tag_to_the_remote(repo):
    done = repo.push_new_tag("ui", "minor", "--push")

    assert done.returncode == 0, done.stderr
    remote = repo.git("ls-remote", "--tags", "--heads", str(repo.origin))
    assert re.search(r"refs/tags/ui-v0\.2\.0$", remote, re.MULTILINE)
    assert f"{repo.git('rev-parse', 'HEAD')}\trefs/heads/main" in remote


def test_it_refuses_a_dirty_tree(repo):
    (repo.path / VALUES_YAML).write_text(repo.read(VALUES_YAML) + "\n# local edit\n")

    refused = repo.push_new_tag("api", "patch")

    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "push-new-tag: error: the working tree has uncommitted changes: commit or stash them first"
    )
    assert repo.git("tag", "--list") == ""


def test_it_refuses_a_branch_other_than_main(repo):
    repo.git("switch", "--quiet", "-c", "feature")

    refused = repo.push_new_tag("api", "patch")

    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "push-new-tag: error: releases are cut from main, not feature: git switch main"
    )


def test_it_refuses_an_unknown_bump_in_one_line(repo):
    refused = repo.push_new_tag("api", "huge")

    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "push-new-tag: error: unknown bump 'huge': use major, minor or patch"
    )
    assert "Traceback" not in refused.stderr


def test_a_rejected_push_is_one_line_and_keeps_the_local_tag(repo, tmp_path):
    # Someone else pushed to main meanwhile: the atomic push refuses both refs.
    other = tmp_path / "other"
    repo.git("clone", "--quiet", str(repo.origin), str(other))
    (other / "NEWS").write_text("news\n")
    for args in (("add", "NEWS"), ("commit", "--quiet", "-m", "News"), ("push", "--quiet")):
        repo.git("-C", str(other), *args)

    refused = repo.push_new_tag("api", "patch", "--push")

    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    assert refused.stderr.startswith(
        "push-new-tag: error: git push --atomic origin main api-v0.1.1"
    )
    assert "api-v0.1.1" not in repo.git("ls-remote", "--tags", str(repo.origin))


def test_it_refuses_to_run_outside_the_taskapp_repository(repo):
    (repo.path / "deploy").rename(repo.path / "elsewhere")
    repo.git("add", "-A")
    repo.git("commit", "--quiet", "-m", "Move")

    refused = repo.push_new_tag("api", "patch")

    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "push-new-tag: error: no chart at deploy/helm/taskapp: "
        "run push-new-tag in the Taskapp repository"
    )
