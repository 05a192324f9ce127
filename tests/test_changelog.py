"""CHANGELOG.md follows Keep a Changelog, and the version everything reports is its newest release."""

import importlib.metadata
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import autograd

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"
RELEASE = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$")
SECTIONS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")  # in this order


def release_headings() -> list[tuple[str, str]]:
    """(version, date) of every released version, in the file's order (newest first)."""
    lines = CHANGELOG.read_text(encoding="utf-8").splitlines()
    return [m.groups() for m in map(RELEASE.match, lines) if m]


def test_changelog_has_unreleased_then_releases_newest_first():
    lines = CHANGELOG.read_text(encoding="utf-8").splitlines()
    versions = [line for line in lines if line.startswith("## ")]
    assert versions[0] == "## [Unreleased]"
    releases = release_headings()
    assert len(releases) == len(versions) - 1, "every other ## heading is '## [X.Y.Z] - YYYY-MM-DD'"
    numbers = [tuple(map(int, v.split("."))) for v, _ in releases]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == len(numbers)
    dates = [date.fromisoformat(d) for _, d in releases]
    assert dates == sorted(dates, reverse=True)
    assert releases[-1][0] == "0.1.0"


def test_changelog_sections_are_keep_a_changelog_ones_in_order():
    text = CHANGELOG.read_text(encoding="utf-8")
    for version in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, sections = (
            version.splitlines()[0],
            [line[4:] for line in version.splitlines() if line.startswith("### ")],
        )
        assert set(sections) <= set(SECTIONS), heading
        assert sections == sorted(sections, key=SECTIONS.index) and len(set(sections)) == len(sections), (
            heading
        )
    assert "### Added" in text


def test_stepgrad_version_is_the_newest_release():
    newest = release_headings()[0][0]
    assert autograd.__version__ == newest
    assert importlib.metadata.version("stepgrad") == newest, "reinstall: pip install -e ."
    script = Path(sys.executable).with_name("stepgrad")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"stepgrad {newest}"
