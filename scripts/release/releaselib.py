"""What a release is: its tags, its versions, and the chart fields it sets.

Shared by scripts/push-new-tag (cuts a release), scripts/release/stamp-chart (the
release workflow and the local rehearsal stamp the chart they publish) and the
tests. Standard library only: it runs on a bare GitHub runner.

Tags (docs/release.md):
    vX.Y.Z       both images at X.Y.Z, and the chart X.Y.Z (appVersion X.Y.Z)
    api-vX.Y.Z   the API image alone (taskapp-api:X.Y.Z)
    ui-vX.Y.Z    the UI image alone (taskapp-ui:X.Y.Z)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

COMPONENTS = ("api", "ui")
# Tag prefix of each release kind; "both" releases the two images and the chart.
TAG_PREFIXES = {"both": "v", "api": "api-v", "ui": "ui-v"}
SEMVER = r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
TAG_RE = re.compile(rf"^(?P<prefix>api-v|ui-v|v){SEMVER}$")
DIGEST_RE = re.compile(r"^sha256:[a-f0-9]{64}$")


class ReleaseError(Exception):
    """A refusal with a one-line reason (the CLIs print it and exit 2)."""


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        match = re.fullmatch(SEMVER, text.strip().strip('"'))
        if not match:
            raise ReleaseError(f"not a version X.Y.Z: {text!r}")
        return cls(*(int(part) for part in match.groups()))

    def bump(self, part: str) -> Version:
        if part == "major":
            return Version(self.major + 1, 0, 0)
        if part == "minor":
            return Version(self.major, self.minor + 1, 0)
        if part == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        raise ReleaseError(f"unknown bump {part!r}: use major, minor or patch")

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class Release:
    """One release tag and what the release workflow builds for it."""

    kind: str  # "both", "api" or "ui"
    version: Version

    @property
    def tag(self) -> str:
        return f"{TAG_PREFIXES[self.kind]}{self.version}"

    @property
    def components(self) -> tuple[str, ...]:
        return COMPONENTS if self.kind == "both" else (self.kind,)

    @property
    def publishes_chart(self) -> bool:
        return self.kind == "both"

    def summary(self, owner: str = "<owner>") -> list[str]:
        """The lines push-new-tag prints: exactly what CI will publish."""
        lines = [
            f"ghcr.io/{owner}/taskapp-{c}:{self.version} (linux/amd64, linux/arm64)"
            for c in self.components
        ]
        if self.publishes_chart:
            lines.append(f"oci://ghcr.io/{owner}/charts/taskapp --version {self.version}")
        lines.append(f"GitHub release {self.tag}")
        return lines


def parse_tag(tag: str) -> Release | None:
    """The release a tag stands for, or None for any other tag."""
    match = TAG_RE.match(tag)
    if not match:
        return None
    kind = {"v": "both", "api-v": "api", "ui-v": "ui"}[match["prefix"]]
    return Release(kind, Version.parse(tag[len(match["prefix"]) :]))


def current_versions(tags: list[str], baseline: Version) -> dict[str, Version]:
    """Latest released version of each component: its own tags and the vX.Y.Z ones
    (which release both). Without any tag, the chart's appVersion is the baseline."""
    latest = dict.fromkeys(COMPONENTS, baseline)
    for release in filter(None, map(parse_tag, tags)):
        for component in release.components:
            latest[component] = max(latest[component], release.version)
    return latest


def next_release(kind: str, bump: str, tags: list[str], baseline: Version) -> Release:
    """The release after the existing tags. `bump` is major/minor/patch or X.Y.Z.
    A joint release starts from the newest component, so neither image's version
    goes backwards or collides with a tag already pushed."""
    if kind not in TAG_PREFIXES:
        raise ReleaseError(f"unknown component {kind!r}: use api, ui or both")
    latest = current_versions(tags, baseline)
    current = max(latest.values()) if kind == "both" else latest[kind]
    if re.fullmatch(SEMVER, bump):
        version = Version.parse(bump)
        if version <= current:
            raise ReleaseError(f"{kind} {version} is not newer than the current {current}")
    else:
        version = current.bump(bump)
    release = Release(kind, version)
    if release.tag in tags:
        raise ReleaseError(f"tag {release.tag} already exists")
    return release


# --- The chart's files: targeted line edits that keep every comment --------------


def _replace_line(text: str, pattern: str, line: str, what: str) -> str:
    new, count = re.subn(pattern, lambda _m: line, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise ReleaseError(f"cannot find {what} in the chart")
    return new


def set_chart_versions(chart_yaml: str, version: Version) -> str:
    """Chart.yaml with version and appVersion set to one release."""
    text = _replace_line(chart_yaml, r"^version:.*$", f"version: {version}", "version")
    return _replace_line(text, r"^appVersion:.*$", f'appVersion: "{version}"', "appVersion")


def _image_block(values_yaml: str) -> tuple[int, int]:
    """Start and end offsets of the top-level `image:` mapping in values.yaml."""
    start = re.search(r"^image:\s*$", values_yaml, flags=re.MULTILINE)
    if not start:
        raise ReleaseError("cannot find the image: section in values.yaml")
    end = re.compile(r"^\S", flags=re.MULTILINE).search(values_yaml, start.end() + 1)
    # A "# --" comment right above the next key belongs to that key.
    stop = end.start() if end else len(values_yaml)
    return start.start(), stop


def set_image_value(values_yaml: str, component: str | None, key: str, value: str) -> str:
    """values.yaml with image.<key> (component None) or image.<component>.<key> set."""
    start, stop = _image_block(values_yaml)
    block = values_yaml[start:stop]
    line = f'{key}: "{value}"' if value == "" or key == "tag" else f"{key}: {value}"
    if component is None:
        block = _replace_line(block, rf"^  {key}:.*$", f"  {line}", f"image.{key}")
    else:
        sub = re.search(rf"^  {component}:\s*\n((?:    .*\n|\s*#.*\n)+)", block, re.MULTILINE)
        if not sub:
            raise ReleaseError(f"cannot find image.{component} in values.yaml")
        inner = _replace_line(
            sub.group(1), rf"^    {key}:.*$", f"    {line}", f"image.{component}.{key}"
        )
        block = block[: sub.start(1)] + inner + block[sub.end(1) :]
    return values_yaml[:start] + block + values_yaml[stop:]


def apply_release(chart: Path, release: Release) -> list[Path]:
    """Write a release's versions into the chart; returns the files changed.
    vX.Y.Z: chart version = appVersion = X.Y.Z and both component tags empty (they
    follow appVersion). api-v/ui-v: that component's tag only."""
    chart_file, values_file = chart / "Chart.yaml", chart / "values.yaml"
    values = values_file.read_text()
    changed = []
    if release.kind == "both":
        chart_file.write_text(set_chart_versions(chart_file.read_text(), release.version))
        changed.append(chart_file)
        for component in COMPONENTS:
            values = set_image_value(values, component, "tag", "")
    else:
        values = set_image_value(values, release.kind, "tag", str(release.version))
    values_file.write_text(values)
    changed.append(values_file)
    return changed


def chart_app_version(chart: Path) -> Version:
    match = re.search(r"^appVersion:\s*(.+)$", (chart / "Chart.yaml").read_text(), re.MULTILINE)
    if not match:
        raise ReleaseError("Chart.yaml has no appVersion")
    return Version.parse(match.group(1))
