"""`csi validate` over the case folders: each negative case breaks one rule and its
expected.txt holds the exact output. Add a case by adding a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from tests.conftest import CASES, materialise

NEGATIVE = sorted(p.name for p in (CASES / "negative").iterdir() if p.is_dir())
POSITIVE = sorted(p.name for p in (CASES / "positive").iterdir() if p.is_dir())


def run_validate(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str):
    monkeypatch.chdir(repo)
    return CliRunner().invoke(main, ["validate", *args])


@pytest.mark.parametrize("case", NEGATIVE)
def test_negative_case_reports_exact_problems(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialise(CASES / "negative" / case, tmp_path / "repo")
    result = run_validate(repo, monkeypatch)
    expected = (CASES / "negative" / case / "expected.txt").read_text(encoding="utf-8")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.output == expected
    assert result.exit_code == 1


@pytest.mark.parametrize("case", POSITIVE)
def test_positive_case_is_clean(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = materialise(CASES / "positive" / case, tmp_path / "repo")
    result = run_validate(repo, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.output.endswith(" checked, 0 problems\n")


def test_base_register_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = materialise(None, tmp_path / "repo")
    result = run_validate(repo, monkeypatch)
    assert result.output == "6 files checked, 0 problems\n"
    assert result.exit_code == 0


def test_every_negative_case_has_expected_output() -> None:
    missing = [c for c in NEGATIVE if not (CASES / "negative" / c / "expected.txt").exists()]
    assert missing == []
