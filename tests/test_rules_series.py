"""Reading a series, rule by rule (README, "KPI data"): a column the header repeats
serves only conditions, a gap is reported on the row where the reader sees the jump,
and bad periods are counted. Cases are data; the CSVs are written here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from csitools.measure.series import load_series
from csitools.problems import Problem
from tests.test_metrics import write

TICKETS = (
    "number,opened,closed,points,Labels,Labels\n"
    "INC1,2026-03-02 09:00,2026-03-02 17:00,3,customer,payments\n"
    "INC2,2026-03-03 09:00,2026-03-04 09:00,5,internal,\n"
)
RESOLUTION = {"duration": ["opened", "closed"], "unit": "hours"}


@pytest.mark.parametrize(
    ("role", "source"),
    [
        ("key", {"key": "Labels", "time": "closed", "measure": RESOLUTION}),
        ("order_by", {"key": "number", "order_by": "Labels", "measure": RESOLUTION}),
        ("time", {"time": "Labels", "measure": {"column": "points"}}),
        ("breakdown_by", {"time": "closed", "breakdown_by": "Labels", "measure": RESOLUTION}),
        ("measure.duration", {"time": "closed", "measure": {"duration": ["opened", "Labels"]}}),
        ("measure.open", {"measure": {"open": ["opened", "Labels"]}}),
        ("measure.age", {"measure": {"age": ["Labels", "closed"]}}),
        ("measure.column", {"time": "closed", "measure": {"column": "Labels"}}),
    ],
)
def test_a_repeated_column_serves_only_conditions(
    tmp_path: Path, role: str, source: dict[str, Any]
) -> None:
    path = write(tmp_path, TICKETS, "tickets.csv")
    full = {"csv": path, "period": "month", "aggregate": "median", **source}
    series, problems = load_series({"kpi": full}, tmp_path)
    assert series == {}
    assert problems == [
        Problem(
            path,
            1,
            "column 'Labels'",
            "column 'Labels' appears 2 times in the header (an export writes a list so, such "
            f"as Jira's Labels); KPI 'kpi' reads it as source.{role}, which needs one value "
            "per ticket: only where and share conditions read a repeated column",
        )
    ]


def one_problem(tmp_path: Path, text: str) -> Problem:
    path = write(tmp_path, text, "series.csv")
    _, problems = load_series({"kpi": {"csv": path}}, tmp_path)
    [problem] = problems
    return problem


def test_a_gap_is_reported_on_the_row_after_the_first_gap(tmp_path: Path) -> None:
    text = "period,value\n2026-01,1\n2026-03,1\n2026-04,1\n2026-06,1\n"
    assert one_problem(tmp_path, text) == Problem(
        "kpis/data/series.csv",
        3,  # 2026-03, after the missing February (not 2026-06, after May)
        "column 'period'",
        "KPI 'kpi' has no value for 2026-02 and 2026-05, inside its series from 2026-01 to "
        "2026-06; add the missing periods, or check that the export is complete (charts "
        "show the gap)",
        "warning",
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "period,value\nJan,1\nFeb,2\n",
            2,
            "'Jan' is not a period; write YYYY-MM, YYYY-MM-DD, YYYY-Www (ISO week) or "
            "YYYY-Qn, in the years 1970 to 2199 (and 1 more row)",
        ),
        (
            "period,value\n2026-01,1\n2026-01,2\n2026-02,1\n2026-02,3\n",
            3,
            "period '2026-01' is already on line 2 (and 1 more row); keep one row per period",
        ),
    ],
)
def test_bad_periods_are_reported_once_with_how_many_more(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    problem = one_problem(tmp_path, text)
    assert (problem.line, problem.json_path, problem.message) == (line, "column 'period'", message)


SERIES = "period,value\n2026-01,1\n2026-02,2\n"
COUNT = {"measure": {"column": "points"}, "aggregate": "count"}


def test_a_path_written_with_backslashes_is_read_as_the_same_file(tmp_path: Path) -> None:
    write(tmp_path, SERIES, "series.csv")
    series, problems = load_series({"kpi": {"csv": "kpis\\data\\series.csv"}}, tmp_path)
    assert problems == []
    assert [p.period for p in series["kpi"].points] == ["2026-01", "2026-02"]


def test_every_kpi_is_read_whatever_went_wrong_with_the_ones_before(tmp_path: Path) -> None:
    """A path leading outside, a file missing, a KPI that names no column of its file: each
    is a problem of its own, and the next KPI is still read."""
    good = write(tmp_path, SERIES, "series.csv")
    tickets = write(tmp_path, TICKETS, "tickets.csv")
    sources: dict[str, dict[str, Any]] = {
        "outside": {"csv": "../elsewhere.csv"},
        "missing": {"csv": "kpis/data/missing.csv"},
        "no-column": {"csv": tickets, "period": "month", "time": "resolved_at", **COUNT},
        "good": {"csv": good},
    }
    series, problems = load_series(sources, tmp_path)
    assert list(series) == ["good"]
    assert [(p.path, p.line, p.json_path) for p in problems] == [
        ("../elsewhere.csv", 0, "$"),
        ("kpis/data/missing.csv", 0, "$"),
        (tickets, 1, "column 'resolved_at'"),
    ]


def test_a_source_the_schema_would_refuse_gets_a_message_not_a_traceback(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, TICKETS, "tickets.csv")
    series, problems = load_series({"kpi": {"csv": path, "time": "closed", **COUNT}}, tmp_path)
    assert series == {}
    assert problems == [
        Problem(path, 0, "$", "KPI 'kpi' cannot be computed from this file: 'period'")
    ]


def test_each_kpi_s_series_keeps_its_own_spelling_of_the_path(tmp_path: Path) -> None:
    """Two KPIs read one ticket export, one of them through kpis/data/../data/."""
    path = write(tmp_path, TICKETS, "tickets.csv")
    other = "kpis/data/../data/tickets.csv"
    by_label = {"time": "closed", "breakdown_by": "number", **COUNT}
    sources = {
        "count": {"csv": path, "period": "month", "time": "closed", **COUNT},
        "by-label": {"csv": other, "period": "week", **by_label},
    }
    series, problems = load_series(sources, tmp_path)
    assert problems == []
    count, grouped = series["count"], series["by-label"]
    assert (count.kpi, count.source, count.granularity, count.groups) == (
        "count",
        path,
        "month",
        None,
    )
    assert (grouped.kpi, grouped.source, grouped.granularity) == ("by-label", other, "week")
    assert grouped.groups is not None
    assert [(p.period, p.value) for p in count.points] == [("2026-03", 2.0)]
