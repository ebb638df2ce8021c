"""Shared fixtures: registers on disk, built from the case folders under tests/cases;
``csi`` run in this process, ``git`` with fixed authors and dates, golden files.

- ``csi(*args)`` runs the command as a user would, in the current folder.
- ``repo`` (fixture) is the base register in ``tmp_path``, the current folder.
- ``git(root, *args, who=..., when=...)`` runs git with a fixed author and date and no
  user configuration, so commit ids and history pages are the same on every machine.
- ``golden`` (fixture) compares output with a reviewed file under ``tests/golden/``;
  ``pytest --update-goldens`` rewrites the files instead (review the diff, then commit).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

CASES = Path(__file__).parent / "cases"
BASE = CASES / "base"
REPO = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"

AS_OF = "2026-05-15"
"""The day most tests judge the data as of: the base register's cycles are under way."""

PEOPLE = {
    "alice": "Alice Moreau",
    "bob": "Bob Janssen",
    "carol": "Carol Osei",
    "dave": "Dave Lindqvist",
}
"""The base register's people (tests/cases/base/register/people.yaml), as git authors."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite the golden files under tests/golden from this run; review the diff",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test starts Chromium and loads a built site: over a second by nature,
    so it is slow too, and ``-m "not slow"`` (the fast set) leaves it out."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


def copy_sample(dest: Path) -> Path:
    """A copy of the sample register (every folder of its own, and mkdocs.yml), no git."""
    from csitools.publish.sitefolder import KEPT

    dest.mkdir(parents=True, exist_ok=True)
    for part in KEPT:
        if not part.startswith(".") and (REPO / part).is_dir():
            shutil.copytree(REPO / part, dest / part)
    shutil.copyfile(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture(autouse=True, scope="session")
def _key_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The cache's per-checkout keys go to a folder of the test run's own, not to the
    user's ~/.cache (csitools.publish.cachetrust)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


def materialise(case: Path | None, dest: Path) -> Path:
    """Copy the base register to ``dest``, then lay the case's files over it.

    A case folder holds only what differs from the base: files to add or replace,
    ``delete.txt`` listing base files to remove, ``expected.txt`` and ``args.txt`` (the
    case's expectations, not copied).
    """
    shutil.copytree(BASE, dest, dirs_exist_ok=True)
    if case is None:
        return dest
    for file in sorted(case.rglob("*")):
        rel = file.relative_to(case)
        if file.is_dir() or rel.as_posix() in CASE_FILES:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    deletions = case / "delete.txt"
    if deletions.exists():
        for line in deletions.read_text().split():
            (dest / line).unlink()
    return dest


CASE_FILES = ("expected.txt", "delete.txt", "args.txt", "README.md")
"""The files of a case folder that describe the case rather than belong to the register."""


def csi(*args: str, input: str | None = None) -> Result:
    """``csi ARGS`` in this process, in the current folder, as a user would run it."""
    from csitools.cli import main

    return CliRunner().invoke(main, list(args), input=input, prog_name="csi")


def git(
    root: Path,
    *args: str,
    who: str = "alice",
    when: str = "2026-01-05T09:00:00+01:00",
    check: bool = True,
) -> str:
    """``git ARGS`` in ``root`` as ``who`` (a base register person id) at ``when``, with
    no global or system configuration. Returns the standard output."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": PEOPLE[who],
        "GIT_AUTHOR_EMAIL": f"{who}@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": PEOPLE[who],
        "GIT_COMMITTER_EMAIL": f"{who}@example.org",
        "GIT_COMMITTER_DATE": when,
    }
    proc = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 or not check, proc.stderr
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The base register in ``tmp_path / "repo"``, and the current folder."""
    root = materialise(None, tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def register_dir(tmp_path: Path) -> Callable[[str | None], Path]:
    """A function: case name ('negative/duplicate-key') or None -> a register in tmp_path."""

    def make(case: str | None = None) -> Path:
        return materialise(CASES / case if case else None, tmp_path / "repo")

    return make


class Golden:
    """Output compared with a reviewed file under tests/golden/, or written there when
    pytest runs with ``--update-goldens``."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def path(self, name: str) -> Path:
        return GOLDEN / name

    def check(self, name: str, actual: str | bytes) -> None:
        path = self.path(name)
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(actual, bytes):
                path.write_bytes(actual)
            else:
                path.write_text(actual, encoding="utf-8")
            return
        expected: str | bytes = (
            path.read_bytes() if isinstance(actual, bytes) else path.read_text(encoding="utf-8")
        )
        assert actual == expected, f"{name} changed; review it, then pytest --update-goldens"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-goldens")))
