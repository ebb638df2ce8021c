"""`csi validate` over the case folders: each negative case breaks one rule and its
expected.txt holds the exact output; each warning case gets advice only (exit 0), its
expected.txt the exact output too. Add a case by adding a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from tests.conftest import CASES, materialise

NEGATIVE = sorted(p.name for p in (CASES / "negative").iterdir() if p.is_dir())
POSITIVE = sorted(p.name for p in (CASES / "positive").iterdir() if p.is_dir())
WARNING = sorted(p.name for p in (CASES / "warning").iterdir() if p.is_dir())


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


@pytest.mark.parametrize("case", WARNING)
def test_warning_case_reports_exact_advice_and_passes(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialise(CASES / "warning" / case, tmp_path / "repo")
    result = run_validate(repo, monkeypatch)
    expected = (CASES / "warning" / case / "expected.txt").read_text(encoding="utf-8")
    assert result.output == expected
    assert ": warning: " in expected and ", 0 problems, " in expected
    assert result.exit_code == 0


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
    missing = [
        f"{kind}/{c}"
        for kind, cases in (("negative", NEGATIVE), ("warning", WARNING))
        for c in cases
        if not (CASES / kind / c / "expected.txt").exists()
    ]
    assert missing == []
