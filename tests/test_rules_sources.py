"""A KPI's data source (``csi validate``): the columns each kind of source names are in
the file's header, each missing one reported once, at the line that first names it;
the path stays inside the repository, names a file, and a sheet only for a workbook.
Each case adds a KPI ``tickets`` (its ``source.csv`` on line 12) and its data file to the
base register of tests/cases, and states the exact output."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.test_rules_checks import validate_with

KPI = """\
id: tickets
name: Email incidents
unit: hours
direction: decrease
type: process
indicator: lagging
perspective: internal
owner: dave
review_cadence: monthly
baseline: {{value: 5, period: 2025-12}}
source:
  csv: {csv}
"""


def kpi(source: str = "", csv: str = "kpis/data/tickets.csv") -> tuple[str, str]:
    """The KPI file, its source's other lines (from line 13) after ``csv``."""
    return "kpis/tickets.yaml", KPI.format(csv=csv) + source


def missing(line: int, where: str, column: str, header: str, near: str = "") -> str:
    """The problem of a column the header does not hold (``near``: the one suggested)."""
    mean = f" (did you mean {near!r}?)" if near else ""
    return (
        f"kpis/tickets.yaml:{line}: $.source.{where}: column {column!r} is not in "
        f"kpis/data/tickets.csv{mean}; its columns are: {header.replace(',', ', ')}"
    )


DURATION = """\
  key: number
  order_by: sys_mod_count
  time: resolved_at
  period: month
  where: {contact_type: email}
  breakdown_by: assignment_group
  measure:
    duration: [opened_at, resolved_at]
  aggregate: median
"""
SHARE = """\
  time: resolved_at
  period: month
  measure:
    share: {reopen_count: {gt: 0}}
  aggregate: mean
"""
OPEN = """\
  period: month
  measure:
    open: [opened_at, resolved_at]
  aggregate: count
"""
AGE = OPEN.replace("open:", "age:").replace("count", "p90")
COLUMN = """\
  time: resolved_at
  period: month
  measure:
    column: score
  aggregate: mean
"""


@pytest.mark.parametrize(
    ("source", "header", "problems"),
    [
        # A ticket export's columns, in the order of the source's keys; resolved_at,
        # named by time and again by the duration, is missing once, where time names it.
        (
            DURATION,
            "number,opened_at",
            [
                (14, "order_by", "sys_mod_count"),
                (15, "time", "resolved_at", "opened_at"),
                (17, "where.contact_type", "contact_type"),
                (18, "breakdown_by", "assignment_group"),
            ],
        ),
        (
            DURATION,
            "sys_mod_count,resolved_at,opened_at,contact_type,assignment_group",
            [(13, "key", "number")],
        ),
        (
            DURATION,
            "number,sys_mod_count,resolved_at,contact_type,assignment_group",
            [(20, "measure.duration[0]", "opened_at", "resolved_at")],
        ),
        (SHARE, "number,resolved_at", [(16, "measure.share.reopen_count", "reopen_count")]),
        (OPEN, "number,opened_at", [(15, "measure.open[1]", "resolved_at", "opened_at")]),
        (AGE, "number,resolved_at", [(15, "measure.age[0]", "opened_at", "resolved_at")]),
        (COLUMN, "number,resolved_at", [(16, "measure.column", "score")]),
        # A time series needs period and value, named by the path itself.
        ("", "month,value", [(12, "csv", "period")]),
        ("", "period,amount", [(12, "csv", "value")]),
    ],
    ids=["ticket", "key", "duration", "share", "open", "age", "column", "period", "value"],
)
def test_each_column_a_source_names_is_in_the_header(
    source: str,
    header: str,
    problems: list[tuple[int, str, str] | tuple[int, str, str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = [kpi(source), ("kpis/data/tickets.csv", header + "\n")]
    assert validate_with(files, tmp_path, monkeypatch) == [
        *(missing(*problem[:3], header, *problem[3:]) for problem in problems),
        f"7 files checked, {len(problems)} problem{'s' if len(problems) > 1 else ''}",
    ]


@pytest.mark.parametrize(
    ("csv", "why"),
    [
        (
            "/srv/exports/tickets.csv",
            "is an absolute path; write it relative to the repository root",
        ),
        (
            "\\\\fileserver\\exports\\tickets.csv",
            "is an absolute path; write it relative to the repository root",
        ),
        ("C:/exports/tickets.csv", "is an absolute path; write it relative to the repository root"),
        (
            "kpis/../../tickets.csv",
            "leads outside the repository (after resolving .. and links); keep metric data "
            "inside it, e.g. under kpis/data/",
        ),
        ("kpis/data/exports.csv", "is a folder, not a file; name the CSV file inside it"),
        ("kpis/data/tickets-2025.csv", "does not exist; add the file or fix the path"),
    ],
    ids=["absolute", "unc", "drive-letter", "outside", "folder", "missing"],
)
def test_the_path_names_a_file_inside_the_repository(
    csv: str, why: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "repo/kpis/data/exports.csv").mkdir(parents=True)
    files = [kpi(csv=csv), ("kpis/data/tickets.csv", "period,value\n")]
    assert validate_with(files, tmp_path, monkeypatch) == [
        f"kpis/tickets.yaml:12: $.source.csv: {csv!r} {why}",
        "7 files checked, 1 problem",
    ]


def test_an_empty_file_is_named_once_by_the_metrics_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [kpi(), ("kpis/data/tickets.csv", "")]
    assert validate_with(files, tmp_path, monkeypatch) == [
        "kpis/data/tickets.csv:0: $: the file is empty; write a header line (period,value "
        "for a time series, or the export's column names) and the data below it",
        "7 files checked, 1 problem",
    ]


def test_a_header_after_a_byte_order_mark_names_its_first_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [kpi(), ("kpis/data/tickets.csv", "\ufeffperiod,value\n2025-12,5\n")]
    assert validate_with(files, tmp_path, monkeypatch) == ["7 files checked, 0 problems"]


@pytest.mark.parametrize(
    ("csv", "problems"),
    [
        ("kpis/data/tickets.xlsx", []),
        (
            "kpis/data/tickets.csv",
            [
                "kpis/tickets.yaml:13: $.source.sheet: source.sheet names a sheet, but "
                "kpis/data/tickets.csv is not an Excel workbook (.xlsx); remove sheet"
            ],
        ),
    ],
    ids=["workbook", "csv"],
)
def test_a_sheet_is_named_for_a_workbook_only(
    csv: str, problems: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Monthly"
    sheet.append(["period", "value"])
    sheet.append(["2025-12", 5])
    (tmp_path / "repo/kpis/data").mkdir(parents=True)
    book.save(tmp_path / "repo/kpis/data/tickets.xlsx")
    files = [kpi("  sheet: Monthly\n", csv), ("kpis/data/tickets.csv", "period,value\n2025-12,5\n")]
    assert validate_with(files, tmp_path, monkeypatch) == [
        *problems,
        f"7 files checked, {len(problems)} problem{'' if len(problems) == 1 else 's'}",
    ]
