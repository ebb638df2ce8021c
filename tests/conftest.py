"""Shared fixtures: registers on disk, built from the case folders under tests/cases."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"
BASE = CASES / "base"
REPO = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"


def copy_sample(dest: Path) -> Path:
    """A copy of the sample register (every folder of its own, and mkdocs.yml), no git."""
    from csitools.publish.sitefolder import KEPT

    dest.mkdir(parents=True, exist_ok=True)
    for part in KEPT:
        if not part.startswith(".") and (REPO / part).is_dir():
            shutil.copytree(REPO / part, dest / part)
    shutil.copyfile(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def materialise(case: Path | None, dest: Path) -> Path:
    """Copy the base register to ``dest``, then lay the case's files over it.

    A case folder holds only what differs from the base: files to add or replace,
    ``delete.txt`` listing base files to remove, and ``expected.txt`` (not copied).
    """
    shutil.copytree(BASE, dest, dirs_exist_ok=True)
    if case is None:
        return dest
    for file in sorted(case.rglob("*")):
        rel = file.relative_to(case)
        if file.is_dir() or rel.as_posix() in ("expected.txt", "delete.txt", "README.md"):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    deletions = case / "delete.txt"
    if deletions.exists():
        for line in deletions.read_text().split():
            (dest / line).unlink()
    return dest


@pytest.fixture
def register_dir(tmp_path: Path) -> Callable[[str | None], Path]:
    """A function: case name ('negative/duplicate-key') or None -> a register in tmp_path."""

    def make(case: str | None = None) -> Path:
        return materialise(CASES / case if case else None, tmp_path / "repo")

    return make
