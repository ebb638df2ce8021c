"""Gaps: a period with no value inside a KPI's series is a warning naming the periods;
the register still validates, the KPI page and the review pack name them, and charts
leave them open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from csitools.measure.series import load_series
from csitools.problems import Problem
from csitools.publish.charts.drawing import _runs
from csitools.publish.charts.specs import kpi_spec
from csitools.publish.pages import build_pages
from csitools.reporting.status import status_dict
from csitools.validation import validate_repository
from tests.test_metrics import one, write

# The base register's email resolution series with March and April 2026 deleted.
SERIES = "period,value\n2025-12,16\n2026-01,14\n2026-02,11\n2026-05,8.5\n2026-06,8.7\n"


def test_a_time_series_with_two_months_deleted_is_a_warning_naming_them(
    register_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = register_dir()
    (repo / "kpis" / "data" / "email-resolution-time.csv").write_text(SERIES)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["validate"])
    assert result.output == (
        "kpis/data/email-resolution-time.csv:5: column 'period': warning: KPI "
        "'email-resolution-time' has no value for 2026-03 and 2026-04, inside its series from "
        "2025-12 to 2026-06; add the missing periods, or check that the export is complete "
        "(charts show the gap)\n"
        "6 files checked, 0 problems, 1 warning\n"
    )
    assert result.exit_code == 0


def test_a_ticket_export_with_a_month_without_tickets(tmp_path: Path) -> None:
    text = "id,opened\nA,2026-01-05T09:00\nB,2026-03-02T09:00\nC,2026-04-01T09:00\n"
    source = {"csv": write(tmp_path, text), "time": "opened", "period": "month"}
    series, problems = one(tmp_path, {**source, "measure": {"count": True}, "aggregate": "count"})
    assert series is not None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            0,
            "$",
            "KPI 'kpi' has no value for 2026-02, inside its series from 2026-01 to 2026-04; add "
            "the missing period, or check that the export is complete (charts show the gap)",
            "warning",
        )
    ]


def test_many_missing_periods_are_counted_after_the_first_six(tmp_path: Path) -> None:
    rows = "".join(f"2026-W{week:02d},1\n" for week in (1, 2, 11, 12))
    _, problems = one(tmp_path, {"csv": write(tmp_path, "period,value\n" + rows)})
    [warning] = problems
    assert warning.line == 4  # 2026-W11, the first row after the gap
    assert (
        "no value for 2026-W03, 2026-W04, 2026-W05, 2026-W06, 2026-W07, 2026-W08 and 2 more,"
        in (warning.message)
    )


def test_a_snapshot_measure_has_no_gaps(tmp_path: Path) -> None:
    # Nothing is open at the end of February: the age has no value then, which is a fact
    # about the backlog, not a gap in the export.
    text = "id,opened,resolved\nA,2026-01-10T00:00,2026-02-02T00:00\nB,2026-03-05T00:00,\n"
    source = {"csv": write(tmp_path, text), "period": "month", "aggregate": "mean"}
    series, problems = load_series(
        {"age": {**source, "measure": {"age": ["opened", "resolved"]}}}, tmp_path
    )
    assert problems == []
    assert [p.period for p in series["age"].points] == ["2026-01", "2026-03"]


def test_the_kpi_page_the_review_pack_and_the_status_name_the_gaps(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    (repo / "kpis" / "data" / "email-resolution-time.csv").write_text(SERIES)
    result = validate_repository(repo, date(2026, 7, 15))
    ks = result.status.kpis["email-resolution-time"]
    assert ks.gaps == ("2026-03", "2026-04")
    kpis = {k["id"]: k for k in status_dict(result.status)["kpis"]}
    assert kpis["email-resolution-time"]["gaps"] == ["2026-03", "2026-04"]
    assert kpis["email-satisfaction"]["gaps"] == []
    # As of mid-April, only March is known to be missing: February is the latest value.
    earlier = validate_repository(repo, date(2026, 4, 15)).status.kpis["email-resolution-time"]
    assert earlier.gaps == ()

    pages = build_pages(result.register, result.status, {})
    assert (
        "| Gaps in the data | no value for 2026-03 and 2026-04: the chart leaves them open |"
        in pages["kpis/email-resolution-time.md"]
    )
    review = pages["review.md"]
    section = review[review.index("## Gaps in the data") : review.index("## Threshold breaches")]
    link = "[Mean time to resolve email incidents](kpis/email-resolution-time.md)"
    assert f"| {link} | 2026-03 and 2026-04 |" in section

    spec = kpi_spec(
        result.register.kpis["email-resolution-time"],
        result.series["email-resolution-time"],
        [],
        date(2026, 7, 15),
    )
    assert spec.alt.endswith(
        "; no value for 2026-03 and 2026-04, left open; action threshold 20 hours."
    )


def test_the_chart_line_breaks_at_each_gap() -> None:
    assert _runs(["2026-01", "2026-02", "2026-05", "2026-06", "2026-08"]) == [
        range(0, 2),
        range(2, 4),
        range(4, 5),
    ]
    assert _runs(["2026-W52", "2026-W53", "2027-W01"]) == [range(0, 3)]  # 2026 has 53 weeks
    assert _runs(["2025-W52", "2026-W01"]) == [range(0, 2)]  # 2025 has 52
    assert _runs([]) == []
