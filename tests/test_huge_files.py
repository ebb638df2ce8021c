"""A huge file committed once and deleted, or left uncommitted, costs no memory: under
a 2 GB address-space limit, ``csi build`` and ``csi diff`` name the entry as too large
at its revision and carry on (a 1.5 GB sparse entry; git stores it in a few MB)."""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, git, materialise

CSI = Path(sys.executable).with_name("csi")
HUGE = "register/CSI-0003-huge.yaml"
SIZE = 1536 << 20
TOO_LARGE = "the file is 1,610,612,736 bytes, over the 1 MiB limit"
LIMIT = 2 << 30


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CSI, *args], cwd=root, preexec_fn=limited, capture_output=True, text=True, check=False
    )


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.sha: dict[str, str] = {}

    def commit(self, name: str, message: str) -> None:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message)
        self.sha[name] = git(self.root, "rev-parse", "--short", "HEAD").strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    root = materialise(None, tmp_path_factory.mktemp("huge") / "repo")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_config" / "docs", root / "site_config" / "docs")
    (root / "site_config" / "overrides").mkdir()
    (root / ".gitignore").write_text("site/\n.cache/\n")
    repo = Repo(root)
    git(root, "init", "-q", "-b", "main")
    repo.commit("base", "The register")
    git(root, "switch", "-q", "-c", "feature")
    with (root / HUGE).open("wb") as f:
        f.truncate(SIZE)
    repo.commit("huge", "A huge entry")
    (root / HUGE).unlink()
    repo.commit("removed", "The huge entry goes")
    return repo


@pytest.mark.slow  # a process that allocates up to its memory limit: about 2.5 s
def test_the_limit_would_stop_reading_the_entry_whole() -> None:
    # The limit is real: a process under it cannot hold the entry in memory.
    code = f"b = bytearray({SIZE}); b2 = bytearray({SIZE})"
    proc = subprocess.run([sys.executable, "-c", code], preexec_fn=limited, capture_output=True)
    assert proc.returncode == 1 and proc.stderr.rstrip().endswith(b"MemoryError")


@pytest.mark.slow
def test_csi_build_names_the_entry_too_large_at_its_revision(repo: Repo) -> None:
    result = run(repo.root, "build", "--as-of", "2026-11-23")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("Built ")
    changelog = (repo.root / "site" / "changelog" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", changelog))
    said = f"CSI-0003 Could not be read at this commit: {TOO_LARGE} A huge entry"
    assert f"{said} {repo.sha['huge']} by Alice Moreau" in text


@pytest.mark.slow
def test_csi_diff_of_the_revision_that_holds_it(repo: Repo) -> None:
    result = run(repo.root, "diff", "main", repo.sha["huge"])
    assert (result.returncode, result.stderr) == (1, "")
    assert f"| CSI-0003 | — | — | {TOO_LARGE} at revision {repo.sha['huge']} |\n" in result.stdout
    assert f"| `{HUGE}` | 0 | `$` | {TOO_LARGE}; split it |\n" in result.stdout


@pytest.mark.slow
def test_csi_diff_across_its_removal(repo: Repo) -> None:
    result = run(repo.root, "diff", repo.sha["huge"], repo.sha["removed"], "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    assert f'"note": "{TOO_LARGE} at revision {repo.sha["huge"]}"' in result.stdout
    result = run(repo.root, "diff", "main", "HEAD")
    assert (result.returncode, result.stderr) == (0, "")
    assert "No changes to improvements or KPIs." in result.stdout


@pytest.mark.slow
def test_csi_diff_of_a_huge_entry_not_committed(repo: Repo) -> None:
    with (repo.root / HUGE).open("wb") as f:
        f.truncate(SIZE)
    try:
        result = run(repo.root, "diff")
    finally:
        (repo.root / HUGE).unlink()
    assert (result.returncode, result.stderr) == (1, "")
    assert f"| CSI-0003 | — | — | {TOO_LARGE} |\n" in result.stdout
    assert f"| `{HUGE}` | 0 | `$` | {TOO_LARGE}; split it |\n" in result.stdout
