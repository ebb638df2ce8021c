"""`csi validate` over the case folders: each negative case breaks one rule and its
expected.txt holds the exact output; each warning case gets advice only (exit 0), its
expected.txt the exact output too. Add a case by adding a folder.

A case may hold ``args.txt``: the csi command line to run instead of ``validate`` (one
line, shell quoting), such as ``validate --format github`` or ``status --as-of
2026-05-15 --format csv``, so that other commands' outputs are cases too."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import CASES, csi, materialise

NEGATIVE = sorted(p.name for p in (CASES / "negative").iterdir() if p.is_dir())
POSITIVE = sorted(p.name for p in (CASES / "positive").iterdir() if p.is_dir())
WARNING = sorted(p.name for p in (CASES / "warning").iterdir() if p.is_dir())


def run_case(case: Path | None, repo: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    """The case's command (``args.txt``, else ``validate``) run in its register."""
    monkeypatch.chdir(repo)
    args = case / "args.txt" if case is not None else None
    return csi(*(shlex.split(args.read_text()) if args and args.exists() else ["validate"]))


@pytest.mark.parametrize("case", NEGATIVE)
def test_negative_case_reports_exact_problems(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = CASES / "negative" / case
    result = run_case(folder, materialise(folder, tmp_path / "repo"), monkeypatch)
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.output == expected
    assert result.exit_code == 1


@pytest.mark.parametrize("case", WARNING)
def test_warning_case_reports_exact_advice_and_passes(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = CASES / "warning" / case
    result = run_case(folder, materialise(folder, tmp_path / "repo"), monkeypatch)
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    assert result.output == expected
    assert ": warning: " in expected and ", 0 problems, " in expected
    assert result.exit_code == 0


@pytest.mark.parametrize("case", POSITIVE)
def test_positive_case_is_clean(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = CASES / "positive" / case
    result = run_case(folder, materialise(folder, tmp_path / "repo"), monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.output.endswith(" checked, 0 problems\n")


def test_base_register_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_case(None, materialise(None, tmp_path / "repo"), monkeypatch)
    assert result.output == "6 files checked, 0 problems\n"
    assert result.exit_code == 0


def test_every_negative_case_has_expected_output() -> None:
    missing = [
        f"{kind}/{c}"
        for kind, cases in (("negative", NEGATIVE), ("warning", WARNING))
        for c in cases
        if not (CASES / kind / c / "expected.txt").exists()
    ]
    assert missing == []
