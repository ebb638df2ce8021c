"""Sources beyond a ServiceNow CSV: Jira's CSV export (dates like 12/Mar/24 9:41 AM, a
column repeated once per label, a BOM and CRLF line ends) and Excel workbooks give the
same series as the same data in a plain CSV. The fixtures are written here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from csitools.measure.series import Series, load_series
from csitools.problems import Problem
from tests.test_metrics import values, write

JIRA_DATES = "%d/%b/%y %I:%M %p"

# Five issues: (key, type, created, resolved or None, labels, story points).
ISSUES = [
    ("CLM-101", "Bug", datetime(2024, 3, 1, 9, 15), datetime(2024, 3, 1, 17, 45), ["customer"], 3),
    (
        "CLM-102",
        "Bug",
        datetime(2024, 3, 4, 10, 0),
        datetime(2024, 3, 6, 10, 0),
        ["customer", "payments"],
        5,
    ),
    ("CLM-103", "Task", datetime(2024, 3, 5, 8, 0), datetime(2024, 3, 5, 12, 0), ["internal"], 1),
    ("CLM-104", "Bug", datetime(2024, 3, 12, 9, 41), datetime(2024, 4, 2, 13, 5), [], 8),
    (
        "CLM-105",
        "Bug",
        datetime(2024, 4, 3, 14, 30),
        None,
        ["customer", "regression", "payments"],
        2,
    ),
]
HEADER = [
    "Summary",
    "Issue key",
    "Issue Type",
    "Created",
    "Resolved",
    "Labels",
    "Labels",
    "Labels",
    "Story Points",
]


def rows(when: Any) -> list[list[Any]]:
    """The issues as rows, with ``when`` writing each timestamp."""
    out = []
    for key, kind, created, resolved, labels, points in ISSUES:
        cells = [f"Claims {key}", key, kind, when(created), when(resolved) if resolved else ""]
        out.append([*cells, *[*labels, "", "", ""][:3], points])
    return out


def jira_csv(issues: list[list[Any]]) -> bytes:
    """Jira's 'Export Excel CSV (all fields)': a BOM, CRLF, every field quoted as needed."""

    def line(cells: list[Any]) -> str:
        return ",".join(f'"{c}"' if " " in str(c) or "," in str(c) else str(c) for c in cells)

    text = "\r\n".join(line(r) for r in [HEADER, *issues]) + "\r\n"
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def plain_csv(issues: list[list[Any]]) -> str:
    return "\n".join(",".join(str(c) for c in r) for r in [HEADER, *issues]) + "\n"


def jira_date(day: datetime) -> str:
    return day.strftime(JIRA_DATES).replace(" 0", " ", 1)  # Jira writes 9:41, not 09:41


def iso(day: datetime) -> str:
    return day.isoformat(timespec="minutes")


def workbook(path: Path, issues: list[list[Any]], sheet: str = "Issues") -> str:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"  # the first sheet is not the data: source.sheet chooses
    notes.append(["Exported from Jira for the claims platform board"])
    data = book.create_sheet(sheet)
    data.append(HEADER)
    for row in issues:
        data.append([None if c == "" else c for c in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return f"kpis/data/{path.name}"


KPIS = {
    # Median hours to resolve customer-facing bugs, per month of resolution.
    "bugs": {
        "time": "Resolved",
        "period": "month",
        "where": {"Issue Type": "Bug", "Labels": "customer"},
        "measure": {"duration": ["Created", "Resolved"], "unit": "hours"},
        "aggregate": "median",
    },
    # Story points of issues with no payments label, per month of creation.
    "points": {
        "time": "Created",
        "period": "month",
        "where": {"Labels": {"not_in": ["payments"]}},
        "measure": {"column": "Story Points"},
        "aggregate": "sum",
    },
    # Open issues at each month's end.
    "open": {"period": "month", "measure": {"open": ["Created", "Resolved"]}, "aggregate": "count"},
}


def read(root: Path, path: str, **extra: Any) -> dict[str, Series]:
    sources = {kpi: {"csv": path, **source, **extra} for kpi, source in KPIS.items()}
    series, problems = load_series(sources, root)
    assert problems == []
    return series


def test_a_jira_export_gives_the_series_of_its_plain_csv_twin(tmp_path: Path) -> None:
    jira = read(
        tmp_path,
        write(tmp_path, jira_csv(rows(jira_date)), "jira.csv"),
        timestamp_format=JIRA_DATES,
    )
    twin = read(tmp_path, write(tmp_path, plain_csv(rows(iso)), "twin.csv"))
    assert {k: s.points for k, s in jira.items()} == {k: s.points for k, s in twin.items()}
    # By hand: customer bugs resolved in March are CLM-101 (8.5 h) and CLM-102 (48 h);
    # CLM-104 has no label. Points without payments: CLM-101 3, CLM-103 1 in March;
    # CLM-105 is labelled payments in its third Labels column, and CLM-104 has no label
    # at all (an empty cell meets no condition, not_in included).
    assert values(jira["bugs"]) == {"2024-03": 28.25}
    assert values(jira["points"]) == {"2024-03": 4.0}
    # Open at the end of March: CLM-104; of April: CLM-105 (CLM-104 resolved 2 April).
    assert values(jira["open"]) == {"2024-03": 1.0, "2024-04": 1.0}


def test_a_workbook_gives_the_series_of_its_csv_twin(tmp_path: Path) -> None:
    twin = read(tmp_path, write(tmp_path, plain_csv(rows(iso)), "twin.csv"))
    # Real date cells and numbers in the sheet.
    book = read(
        tmp_path, workbook(tmp_path / "kpis/data/issues.xlsx", rows(lambda d: d)), sheet="Issues"
    )
    assert {k: s.points for k, s in book.items()} == {k: s.points for k, s in twin.items()}
    # Dates written as text, in Jira's form: the same again with timestamp_format.
    text = workbook(tmp_path / "kpis/data/text.xlsx", rows(jira_date))
    assert {
        k: s.points
        for k, s in read(tmp_path, text, sheet="Issues", timestamp_format=JIRA_DATES).items()
    } == {k: s.points for k, s in twin.items()}


def test_real_dates_in_a_workbook_follow_the_kpis_timestamp_format(tmp_path: Path) -> None:
    # A KPI copied from a ServiceNow CSV keeps its day-first format: date cells still read.
    path = workbook(tmp_path / "kpis/data/issues.xlsx", rows(lambda d: d))
    series = read(tmp_path, path, sheet="Issues", timestamp_format="%d-%m-%Y %H:%M")
    assert values(series["bugs"]) == {"2024-03": 28.25}


def one_problem(root: Path, source: dict[str, Any]) -> Problem:
    series, problems = load_series({"kpi": source}, root)
    assert series == {}
    [problem] = problems
    return problem


def test_a_malformed_jira_date_is_named_with_its_line(tmp_path: Path) -> None:
    issues = rows(jira_date)
    issues[2][3] = "31/Feb/24 9:41 AM"  # CLM-103, line 4
    issues[3][3] = "12/Mrz/24 9:41 AM"  # a German month name
    path = write(tmp_path, jira_csv(issues), "jira.csv")
    assert one_problem(
        tmp_path, {"csv": path, **KPIS["points"], "timestamp_format": JIRA_DATES}
    ) == Problem(
        "kpis/data/jira.csv",
        4,
        "column 'Created'",
        "'31/Feb/24 9:41 AM' is not a timestamp in the format '%d/%b/%y %I:%M %p'; fix the "
        "cell or source.timestamp_format (and 1 more row)",
    )


def test_a_sheet_the_workbook_does_not_have(tmp_path: Path) -> None:
    path = workbook(tmp_path / "kpis/data/issues.xlsx", rows(lambda d: d))
    assert one_problem(tmp_path, {"csv": path, **KPIS["open"], "sheet": "Incidents"}) == Problem(
        "kpis/data/issues.xlsx",
        0,
        "$",
        "the workbook has no sheet 'Incidents' (KPI 'kpi' reads it); its sheets are 'Notes', "
        "'Issues': fix source.sheet",
    )


def test_a_bad_cell_in_a_workbook_gives_its_row(tmp_path: Path) -> None:
    issues = rows(lambda d: d)
    issues[2][8] = "five"  # CLM-103: row 4 of the sheet (the header is row 1)
    path = workbook(tmp_path / "kpis/data/issues.xlsx", issues)
    assert one_problem(tmp_path, {"csv": path, **KPIS["points"], "sheet": "Issues"}) == Problem(
        "kpis/data/issues.xlsx",
        4,
        "column 'Story Points'",
        "'five' is not a number; write plain numbers like 1200 or 3.5 (no units or "
        "thousands separators)",
    )


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = write(tmp_path, "number,opened\nINC1,2026-01-01\n", "export.xlsx")
    problem = one_problem(tmp_path, {"csv": path, **KPIS["open"]})
    assert (problem.path, problem.line, problem.json_path) == ("kpis/data/export.xlsx", 0, "$")
    assert problem.message.startswith("the file cannot be read as an Excel workbook (")
    assert problem.message.endswith("); save it as .xlsx again")


def test_a_repeated_column_cannot_be_a_tickets_time_or_measure(tmp_path: Path) -> None:
    path = write(tmp_path, jira_csv(rows(jira_date)), "jira.csv")
    source = {**KPIS["bugs"], "breakdown_by": "Labels", "timestamp_format": JIRA_DATES}
    assert one_problem(tmp_path, {"csv": path, **source}) == Problem(
        "kpis/data/jira.csv",
        1,
        "column 'Labels'",
        "column 'Labels' appears 3 times in the header (an export writes a list so, such as "
        "Jira's Labels); KPI 'kpi' reads it as source.breakdown_by, which needs one value per "
        "ticket: only where and share conditions read a repeated column",
    )


@pytest.mark.parametrize(
    ("condition", "points"),
    [
        ({"in": ["regression", "internal"]}, {"2024-03": 1.0, "2024-04": 2.0}),  # CLM-103, 105
        ({"ne": "customer"}, {"2024-03": 1.0}),  # CLM-103; CLM-104 has no labels at all
        ("payments", {"2024-03": 5.0, "2024-04": 2.0}),  # in the second or the third copy
    ],
)
def test_conditions_on_a_repeated_column_look_at_every_copy(
    tmp_path: Path, condition: Any, points: dict[str, float]
) -> None:
    path = write(tmp_path, jira_csv(rows(jira_date)), "jira.csv")
    source = {**KPIS["points"], "where": {"Labels": condition}, "timestamp_format": JIRA_DATES}
    series, problems = load_series({"kpi": {"csv": path, **source}}, tmp_path)
    assert problems == []
    assert values(series["kpi"]) == points
