"""Progress of a build: its stages on a terminal (validating, charts N of M, pages, the
builder), one summary line and nothing else when the output is not a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from csitools.publish.progress import QUIET, current, reporting_to
from csitools.reporting.progress import TerminalProgress
from tests.conftest import copy_sample, csi
from tests.test_builders import EACH_BUILDER

AS_OF = "2026-11-23"


def counts(site: Path) -> tuple[int, int]:
    return len(list(site.rglob("*.html"))), len(list((site / "charts").glob("*.svg")))


def on_a_terminal(args: list[str], cwd: Path) -> str:
    """What ``args`` writes to a terminal (a pseudo-terminal for stdin, out and err)."""
    parent, child = pty.openpty()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COLUMNS": "200"}
    proc = subprocess.Popen(args, cwd=cwd, stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(parent)
    assert proc.wait(timeout=300) == 0, out.decode()
    return out.decode().replace("\r\n", "\n")


@pytest.mark.slow
@pytest.mark.parametrize("builder", EACH_BUILDER)
def test_on_a_terminal_a_build_shows_its_stages_and_counts_the_charts(
    tmp_path: Path, builder: str
) -> None:
    root = copy_sample(tmp_path / "repo")
    args = [sys.executable, "-m", "csitools.cli", "build", "--as-of", AS_OF]
    shown = on_a_terminal([*args, "--builder", builder], root)
    pages, charts = counts(root / "site")
    lines = shown.rstrip("\n").split("\n")  # not splitlines: a count rewrites with \r
    stages = [line for line in lines if line.startswith(("csi: ", "\rcsi: "))]
    *counted, last = stages[1].split("\r")[1:]
    assert counted == [f"csi: charts {n} of {charts}" for n in range(charts)]
    assert last == f"csi: charts {charts} of {charts}"
    assert [stages[0], *stages[2:]] == [
        "csi: validating",
        "csi: pages",
        f"csi: building with {builder}",
    ]
    assert lines[-2:] == [
        f"Built {pages} pages ({charts} charts) with {builder} in site/ (health as of {AS_OF})",
        "serve it: python3 -m http.server -d site 8000, or csi serve",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("builder", EACH_BUILDER)
def test_off_a_terminal_a_build_says_one_summary_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builder: str
) -> None:
    root = copy_sample(tmp_path / "repo")
    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    result = csi("build", "--as-of", AS_OF, "--builder", builder, "--site-dir", "public")
    assert result.exit_code == 0, result.output
    pages, charts = counts(root / "public")
    assert pages > 70 and charts > 20
    assert result.output == (
        f"Built {pages} pages ({charts} charts) with {builder} in public/ (health as of {AS_OF})\n"
    )


def test_a_count_is_one_line_rewritten_and_a_stage_ends_a_count_cut_short() -> None:
    written: list[str] = []
    progress = TerminalProgress(written.append)
    progress.stage("validating")
    for done in range(3):
        progress.count("charts", done, 2)
    progress.count("charts", 0, 5)
    progress.stage("pages")
    assert "".join(written) == (
        "csi: validating\n\rcsi: charts 0 of 2\rcsi: charts 1 of 2\rcsi: charts 2 of 2\n"
        "\rcsi: charts 0 of 5\ncsi: pages\n"
    )


def test_the_progress_set_up_is_current_only_while_the_block_runs() -> None:
    shown = TerminalProgress(lambda _: None)
    assert current() is QUIET
    with reporting_to(shown):
        assert current() is shown
    assert current() is QUIET
