"""The sample register is what a new user sees first: it validates clean, shows every
health value, and carries the ITIL literature's worked examples with the right
numbers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from csitools.validation import validate_repository
from tests.conftest import REPO, Golden

AS_OF = date(2026, 11, 23)
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def sample():
    return validate_repository(REPO, AS_OF)


def test_sample_register_validates_clean(sample) -> None:
    assert [str(p) for p in sample.problems] == []
    assert len(sample.register.improvements) >= 12
    assert len(sample.register.kpis) >= 8
    statuses = {i.status for i in sample.register.improvements}
    assert statuses == {
        "proposed", "approved", "in-progress", "measuring", "completed", "deferred", "rejected"
    }  # fmt: skip


def test_sample_shows_every_health_value(sample) -> None:
    healths = {s.health for s in sample.status.improvements}
    assert {"achieved", "on-track", "at-risk", "missed", "regressed", "no-data"} <= healths


def test_email_help_desk_worked_example(sample) -> None:
    """16 h -> 8 h measured 9 h: p = 0.875; 3.2 -> 4.2 measured 4.0: p = 0.8;
    partially met; the second cycle starts from 9 h and 4.0."""
    s = next(s for s in sample.status.improvements if s.id == "CSI-0003")
    first = s.outcomes[0]
    assert first.progress == {"email-resolution-time": 0.875, "email-satisfaction": 0.8}
    assert first.measured == {"email-resolution-time": 9.0, "email-satisfaction": 4.0}
    assert first.computed == first.recorded == "partially-met"
    assert [(t.kpi, t.baseline, t.baseline_from) for t in s.targets] == [
        ("email-resolution-time", 9.0, "cycle 1"),
        ("email-satisfaction", 4.0, "cycle 1"),
    ]


def test_first_call_resolution_worked_example(sample) -> None:
    """65% -> 85%: a year later still 65%, not met; the saving is 33.5 M USD a year."""
    imp = sample.register.improvement("CSI-0001")
    assert imp is not None and imp.financial is not None
    assert imp.financial.amount == 33_500_000
    calls, l1, l2, l3 = 2_500_000, 18, 37, 60
    today = calls * l1 + calls * 0.35 * l2 + calls * 0.35 / 2 * l3
    target = calls * l1 + calls * 0.15 * l2 + calls * 0.15 / 2 * l3
    assert (today, target, today - target) == (103_625_000, 70_125_000, 33_500_000)
    s = next(s for s in sample.status.improvements if s.id == "CSI-0001")
    assert s.outcomes[0].computed == "not-met"
    assert s.outcomes[0].progress == {"first-call-resolution": 0.0}


def test_status_json_matches_golden(monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    """The machine output of `csi status` on the sample, reviewed when it changes."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["status", "--as-of", "2026-11-23", "--format", "json"])
    assert result.exit_code == 0, result.output
    if not golden.update:  # the parsed JSON first: its diff is easier to read
        expected = golden.path("status-sample.json").read_text()
        assert json.loads(result.output) == json.loads(expected)
    golden.check("status-sample.json", result.output)


def test_status_table_fits_100_columns_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["status", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "\x1b[" not in result.output  # not a terminal: no colour
    assert lines[0].split() == ["ID", "TITLE", "STATUS", "HEALTH", "SCORE", "LANE", "DUE", "FLAGS"]
    assert lines[-2:] == [
        "15 improvements as of 2026-11-23",
        "2 achieved, 1 sustained, 4 on-track, 1 at-risk, 2 no-data, 1 missed, 1 regressed, "
        "3 not measured",
    ]


def test_status_unknown_id_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["status", "CSI-9999"])
    assert result.exit_code == 2
    assert "Error: no improvement CSI-9999 in the register" in result.output


def test_status_csv_has_one_row_per_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(
        main, ["status", "CSI-0003", "--format", "csv", "--as-of", "2026-11-23"]
    )
    rows = result.output.splitlines()
    assert rows[0].startswith(
        "id,title,status,health,score,lane,expected_annual,realised_annual,running_annual,"
        "roi_expected,roi_realised,payback_months_expected,payback_months_realised,"
        "realised_from,cycle,flags,next_due,kpi,"
    )
    assert [r.split(",")[17] for r in rows[1:]] == ["email-resolution-time", "email-satisfaction"]
