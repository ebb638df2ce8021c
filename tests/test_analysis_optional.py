"""Everything of the service analysis is optional: the sample register without its
service catalogue, CSFs, assessments, SWOT, benchmarks and the fields that cite them
builds the very site it built before they existed, byte for byte.

The golden manifest lists the SHA-256 of every file of that site. When a change to the
pages is meant to alter it, look at what changed, then run the test with
``--update-goldens``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from tests.conftest import Golden, copy_sample

AS_OF = "2026-11-23"
MANIFEST = "site-without-analysis.sha256"

ANALYSIS_FILES = (
    "register/services.yaml",
    "register/csfs.yaml",
    "assessments",
    "swot",
    "kpis/claims-availability.yaml",
    "kpis/data/claims-availability.csv",
    "kpis/claims-run-cost.yaml",
    "kpis/data/claims-run-cost.csv",
    "kpis/self-service-share.yaml",
    "kpis/data/self-service-share.csv",
)
"""What the analysis added to the sample: files and folders, removed for this test."""

ANALYSIS_FIELDS = ("benchmarks", "services", "assessment")
"""Top-level fields the analysis added to KPIs (benchmarks, services) and entries
(assessment); an entry's own ``services`` predate the catalogue and stay."""

REFERENCE_STUB = "# Reference\n\nDocuments the tool, not the register.\n"
"""The field and command references describe csitools itself, and change whenever a
schema or a command does (``csi reference --check`` keeps them current): the test
builds with a fixed stand-in so that it compares only what the register makes."""


def drop_fields(text: str, fields: tuple[str, ...]) -> str:
    """``text`` without the top-level YAML ``fields`` and their indented bodies."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        key = re.match(r"^([a-z_]+):", line)
        if key:
            skipping = key.group(1) in fields
        elif line.strip() and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            out.append(line)
    return "".join(out)


def test_drop_fields_removes_a_field_and_its_block() -> None:
    text = "id: a\nbenchmarks:\n  - {value: 1}\n  - value: 2\n    source: x\nowner: b\n"
    assert drop_fields(text, ("benchmarks",)) == "id: a\nowner: b\n"


def without_analysis(dest: Path) -> Path:
    """A copy of the sample register as it was before the service analysis."""
    copy_sample(dest)
    for name in ANALYSIS_FILES:
        path = dest / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    for folder, fields in (("kpis", ANALYSIS_FIELDS), ("register", ("assessment",))):
        for file in sorted((dest / folder).glob("*.yaml")):
            file.write_text(drop_fields(file.read_text("utf-8"), fields), "utf-8")
    for page in (dest / "site_config" / "docs" / "reference").glob("*.md"):
        page.write_text(REFERENCE_STUB, "utf-8")
    # One commit by a fixed author at a fixed time: the history sections are then the
    # same on every run (a copy outside git would name its own path instead).
    env = {
        "PATH": os.environ["PATH"],
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Priya Nair",
        "GIT_AUTHOR_EMAIL": "priya.nair@northbridgemutual.com",
        "GIT_AUTHOR_DATE": "2026-01-05T09:00:00+00:00",
        "GIT_COMMITTER_NAME": "Priya Nair",
        "GIT_COMMITTER_EMAIL": "priya.nair@northbridgemutual.com",
        "GIT_COMMITTER_DATE": "2026-01-05T09:00:00+00:00",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "The register"]):
        subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)
    return dest


def manifest(site: Path) -> str:
    files = sorted(p for p in site.rglob("*") if p.is_file())
    return "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(site).as_posix()}\n"
        for p in files
    )


@pytest.mark.slow
def test_sample_without_the_analysis_builds_the_site_it_built_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden
) -> None:
    root = without_analysis(tmp_path / "repo")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("CSI_AS_OF", raising=False)
    result = CliRunner().invoke(main, ["build", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    found = manifest(root / "site")
    if golden.update:
        golden.check(MANIFEST, found)
    expected = golden.path(MANIFEST).read_text(encoding="utf-8")
    changed = sorted(set(found.splitlines()) ^ set(expected.splitlines()))
    assert found == expected, f"changed: {changed[:10]}"
