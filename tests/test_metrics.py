"""csitools.measure.series: KPI data CSVs -> per-period series, told as the users' stories.

Expected values are worked out by hand in the comments (or, for the real ServiceNow
excerpt, independently with the csv module and datetime.strptime)."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow.csv
import pytest

from csitools.measure import csvdata
from csitools.measure.series import Point, Series, latest_complete, load_series, period_bounds
from csitools.problems import Problem

REAL_DATA = Path("/work/shared/data/servicenow-incident-event-log.csv")
DAY_FIRST = "%d-%m-%Y %H:%M"


def write(root: Path, text: str | bytes, name: str = "data.csv") -> str:
    """Write a CSV under kpis/data/ and return its path as a KPI would write it."""
    path = root / "kpis" / "data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return f"kpis/data/{name}"


def one(root: Path, source: dict[str, Any]) -> tuple[Series | None, list[Problem]]:
    series, problems = load_series({"kpi": source}, root)
    return series.get("kpi"), problems


def values(series: Series | None) -> dict[str, float]:
    assert series is not None
    return {point.period: point.value for point in series.points}


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems that are not warnings (such as a gap in the periods)."""
    return [p for p in problems if p.is_error]


def counted(series: Series | None) -> tuple[int, int]:
    """(rows that counted, rows skipped)."""
    assert series is not None
    return series.rows, series.skipped


def tickets(csv_path: str, **source: Any) -> dict[str, Any]:
    return {"csv": csv_path, "period": "month", "aggregate": "mean", **source}


# -- time series ------------------------------------------------------------------------


def test_a_monthly_time_series_becomes_points_sorted_by_period(tmp_path: Path) -> None:
    path = write(tmp_path, "period,value\n2026-02,12.5\n2026-01,10\n2026-03,9\n")
    series, problems = one(tmp_path, {"csv": path})
    assert problems == []
    assert series == Series(
        kpi="kpi",
        source="kpis/data/data.csv",
        granularity="month",
        points=(
            Point("2026-01", date(2026, 1, 1), date(2026, 2, 1), 10.0),
            Point("2026-02", date(2026, 2, 1), date(2026, 3, 1), 12.5),
            Point("2026-03", date(2026, 3, 1), date(2026, 4, 1), 9.0),
        ),
        rows=3,
        skipped=0,
    )


@pytest.mark.parametrize(
    ("label", "granularity", "start", "end"),
    [
        ("2026-03-15", "day", date(2026, 3, 15), date(2026, 3, 16)),
        ("2026-W07", "week", date(2026, 2, 9), date(2026, 2, 16)),  # ISO week 1 = Dec 29
        ("2026-W01", "week", date(2025, 12, 29), date(2026, 1, 5)),
        ("2026-03", "month", date(2026, 3, 1), date(2026, 4, 1)),
        ("2026-12", "month", date(2026, 12, 1), date(2027, 1, 1)),
        ("2026-Q1", "quarter", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026-Q4", "quarter", date(2026, 10, 1), date(2027, 1, 1)),
    ],
)
def test_each_period_format_is_read_with_its_bounds(
    tmp_path: Path, label: str, granularity: str, start: date, end: date
) -> None:
    assert period_bounds(label) == (granularity, start, end)
    series, problems = one(tmp_path, {"csv": write(tmp_path, f"period,value\n{label},4\n")})
    assert problems == []
    assert series is not None
    assert series.granularity == granularity
    assert series.points == (Point(label, start, end, 4.0),)


@pytest.mark.parametrize(
    "label", ["2026-13", "2026-02-30", "2025-W53", "2026-Q5", "March", "", "9999-12", "0001-01"]
)
def test_period_bounds_rejects_what_is_not_a_period(label: str) -> None:
    with pytest.raises(ValueError):
        period_bounds(label)


def test_a_period_without_a_value_is_skipped_not_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "period,value\n2026-01,10\n2026-02,\n2026-03,?\n2026-04,NULL\n")
    series, problems = one(tmp_path, {"csv": path})
    assert problems == []
    assert values(series) == {"2026-01": 10.0}
    assert counted(series) == (1, 3)


def test_mixing_months_and_days_in_one_file_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "period,value\n2026-01,1\n2026-02,2\n2026-03-01,3\n2026-Q2,4\n")
    series, problems = one(tmp_path, {"csv": path})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            4,
            "column 'period'",
            "'2026-03-01' is a day but '2026-01' on line 2 is a month (and 1 more row); a file "
            "holds one granularity: split it, or write every period as a month",
        )
    ]


def test_a_period_written_twice_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "period,value\n2026-01,1\n2026-02,2\n2026-01,3\n")
    series, problems = one(tmp_path, {"csv": path})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            4,
            "column 'period'",
            "period '2026-01' is already on line 2; keep one row per period",
        )
    ]


def test_a_value_that_is_not_a_number_gives_its_line_and_how_many_more(tmp_path: Path) -> None:
    path = write(tmp_path, "period,value\n2026-01,1\n2026-02,1 200\n2026-03,n/a\n2026-04,5%\n")
    series, problems = one(tmp_path, {"csv": path})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            3,
            "column 'value'",
            "'1 200' is not a number; write plain numbers like 1200 or 3.5 (no units or "
            "thousands separators) (and 2 more rows)",
        )
    ]


def test_a_label_that_is_not_a_period_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "period,value\n2026-01,1\nFeb 2026,2\n")
    series, problems = one(tmp_path, {"csv": path})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            3,
            "column 'period'",
            "'Feb 2026' is not a period; write YYYY-MM, YYYY-MM-DD, YYYY-Www (ISO week) or "
            "YYYY-Qn, in the years 1970 to 2199",
        )
    ]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_an_empty_file_is_a_problem(tmp_path: Path, content: bytes) -> None:
    series, problems = one(tmp_path, {"csv": write(tmp_path, content)})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            0,
            "$",
            "the file is empty; write a header line (period,value for a time series, or the "
            "export's column names) and the data below it",
        )
    ]


def test_a_file_with_only_a_header_is_a_problem(tmp_path: Path) -> None:
    series, problems = one(tmp_path, {"csv": write(tmp_path, "period,value\n")})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            0,
            "$",
            "the file has a header but no data rows; add the data below line 1",
        )
    ]


def test_a_missing_column_lists_the_columns_there_are(tmp_path: Path) -> None:
    series, problems = one(tmp_path, {"csv": write(tmp_path, "period,amount\n2026-01,3\n")})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            1,
            "column 'value'",
            "column 'value' is not in the header (KPI 'kpi' reads it); the columns are: "
            "period, amount",
        )
    ]


def test_a_file_that_does_not_exist_is_a_problem(tmp_path: Path) -> None:
    series, problems = one(tmp_path, {"csv": "kpis/data/nowhere.csv"})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/nowhere.csv",
            0,
            "$",
            "the file does not exist (read by KPI 'kpi'); add it or fix source.csv",
        )
    ]


def test_a_path_leaving_the_repository_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    write(tmp_path, "period,value\n2026-01,1\n", "secret.csv")
    series, problems = one(root, {"csv": "../kpis/data/secret.csv"})
    assert series is None
    assert problems == [
        Problem(
            "../kpis/data/secret.csv",
            0,
            "$",
            "the path leads outside the repository (after resolving .. and links), so it is "
            "not read; keep metric data inside it, e.g. under kpis/data/",
        )
    ]


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    path = write(tmp_path, b"period,value\n2026-01,1\n2026-02,2\xe9\n")  # Latin-1 export
    series, problems = one(tmp_path, {"csv": path})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            3,
            "$",
            "the byte b'\\xe9' is not UTF-8; save the file as UTF-8 (e.g. 'CSV UTF-8')",
        )
    ]


def test_a_ragged_row_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "period,value\n2026-01,1\n2026-02\n2026-03,3\n2026-04,4,x\n")
    series, problems = one(tmp_path, {"csv": path})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            3,
            "$",
            "this row has 1 field but the header has 2 (and 1 more row); give every row one "
            "value per column, and quote values that contain commas",
        )
    ]


def test_a_ragged_row_after_a_multi_line_value_and_blank_lines_gives_its_physical_line(
    tmp_path: Path,
) -> None:
    text = 'period,value\n2026-01,"1"\n\n\n2026-02,"2\n"\n2026-03\n'  # 2026-03 on line 7
    series, problems = one(tmp_path, {"csv": write(tmp_path, text)})
    assert series is None
    assert [(p.line, p.message[:40]) for p in problems] == [
        (7, "this row has 1 field but the header has ")
    ]


def test_a_bad_cell_after_a_multi_line_description_gives_its_physical_line(
    tmp_path: Path,
) -> None:
    # ServiceNow exports keep line breaks of descriptions inside quotes; editors count them.
    text = TICKETS.replace(
        "T2,Email,3 - Moderate,", 'T2,"Email\nlong\n\nstory",3 - Moderate,'
    )  # T2 spans lines 3-6
    text = text.replace("2026-03-10 09:00", "10/03/2026 9am")  # T4, now on line 8
    text = text.replace("T4,", "\nT4,")  # a blank line before it: line 9
    path = write(tmp_path, text)
    source = tickets(path, **resolution(time="opened_at"))
    series, problems = one(tmp_path, source)
    assert series is None
    assert [(p.line, p.json_path, p.message[:30]) for p in problems] == [
        (9, "column 'opened_at'", "'10/03/2026 9am' is not an ISO")
    ]
    assert path.endswith("data.csv") and text.splitlines()[8].startswith("T4,")


def test_a_spreadsheet_export_with_bom_crlf_and_quotes_reads_fine(tmp_path: Path) -> None:
    path = write(tmp_path, b'\xef\xbb\xbfperiod,value\r\n"2026-01","1.5"\r\n2026-02, 2 \r\n')
    series, problems = one(tmp_path, {"csv": path})
    assert problems == []
    assert values(series) == {"2026-01": 1.5, "2026-02": 2.0}


# -- latest complete period -------------------------------------------------------------


def monthly() -> Series:
    points = tuple(
        Point(f"2026-{m:02d}", date(2026, m, 1), date(2026, m + 1, 1), float(m)) for m in (1, 2, 3)
    )
    return Series("kpi", "kpis/data/data.csv", "month", points, 3, 0)


def test_the_month_containing_as_of_is_not_complete_yet() -> None:
    assert latest_complete(monthly(), date(2026, 3, 15)) == monthly().points[1]  # February


def test_on_the_first_of_the_next_month_the_month_is_complete() -> None:
    assert latest_complete(monthly(), date(2026, 4, 1)) == monthly().points[2]  # March
    assert latest_complete(monthly(), date(2026, 3, 31)) == monthly().points[1]


def test_a_partial_export_counts_the_current_period() -> None:
    assert latest_complete(monthly(), date(2026, 3, 15), partial=True) == monthly().points[2]
    assert latest_complete(monthly(), date(2026, 3, 1), partial=True) == monthly().points[2]
    assert latest_complete(monthly(), date(2026, 2, 28), partial=True) == monthly().points[1]


def test_before_any_complete_period_there_is_none() -> None:
    assert latest_complete(monthly(), date(2026, 1, 31)) is None
    assert latest_complete(monthly(), date(2025, 12, 31), partial=True) is None


# -- ticket exports ---------------------------------------------------------------------

# One row per ticket, ISO timestamps. Hours to resolve: T1 2, T2 4, T3 24 (all resolved in
# March), T4 not resolved, T5 6 (April).
TICKETS = """\
number,category,priority,made_sla,reassignments,csat,opened_at,resolved_at
T1,Email,2 - High,TRUE,0,5,2026-03-01 08:00,2026-03-01 10:00
T2,Email,3 - Moderate,FALSE,1,4,2026-03-02T08:00,2026-03-02T12:00
T3,Network,1 - Critical,true,2,?,2026-03-03,2026-03-04
T4,Email,3 - Moderate,0,0,,2026-03-10 09:00,?
T5,Network,2 - High,1,0,2,2026-04-01 00:00,2026-04-01 06:00
"""


def resolution(**extra: Any) -> dict[str, Any]:
    measure = {"duration": ["opened_at", "resolved_at"], **extra.pop("measure", {})}
    return {"time": "resolved_at", "measure": measure, **extra}


@pytest.mark.parametrize(
    ("aggregate", "unit", "expected"),
    [
        # March: [2, 4, 24] hours; April: [6].
        ("mean", None, {"2026-03": 10.0, "2026-04": 6.0}),
        ("median", None, {"2026-03": 4.0, "2026-04": 6.0}),
        # p90 of [2, 4, 24]: rank 0.9 * 2 = 1.8 -> 4 + 0.8 * (24 - 4) = 20.
        ("p90", "hours", {"2026-03": 20.0, "2026-04": 6.0}),
        ("sum", "hours", {"2026-03": 30.0, "2026-04": 6.0}),
        ("count", "hours", {"2026-03": 3.0, "2026-04": 1.0}),
        ("mean", "days", {"2026-03": 10 / 24, "2026-04": 6 / 24}),
        ("median", "minutes", {"2026-03": 240.0, "2026-04": 360.0}),
    ],
)
def test_time_to_resolve_per_month(
    tmp_path: Path, aggregate: str, unit: str | None, expected: dict[str, float]
) -> None:
    measure = {"unit": unit} if unit else {}
    source = tickets(write(tmp_path, TICKETS), aggregate=aggregate, **resolution(measure=measure))
    series, problems = one(tmp_path, source)
    assert problems == []
    assert values(series) == pytest.approx(expected, abs=1e-12)
    assert counted(series) == (4, 1)  # T4 unresolved


def test_an_unresolved_ticket_placed_by_opening_is_skipped_for_its_duration(
    tmp_path: Path,
) -> None:
    source = tickets(write(tmp_path, TICKETS), **resolution(time="opened_at"))
    series, problems = one(tmp_path, source)
    assert problems == []
    assert values(series) == {"2026-03": 10.0, "2026-04": 6.0}
    assert counted(series) == (4, 1)


def test_a_ticket_resolved_before_it_opened_is_skipped_for_its_duration(
    tmp_path: Path,
) -> None:
    # T2 resolved at 06:00, two hours before it opened: left out of March's mean.
    text = TICKETS.replace("2026-03-02T08:00,2026-03-02T12:00", "2026-03-02T08:00,2026-03-02T06:00")
    source = tickets(write(tmp_path, text), **resolution(time="opened_at"))
    series, problems = one(tmp_path, source)
    assert problems == []
    assert values(series) == {"2026-03": (2.0 + 24.0) / 2, "2026-04": 6.0}
    assert counted(series) == (3, 2)  # T2 backwards, T4 unresolved


def test_share_of_tickets_that_made_their_sla_compares_booleans(tmp_path: Path) -> None:
    # By opening month: March T1 TRUE, T2 FALSE, T3 true, T4 0 -> 2 of 4; April T5 1 -> 1 of 1.
    measure = {"share": {"made_sla": True}}
    source = tickets(write(tmp_path, TICKETS), time="opened_at", measure=measure)
    series, problems = one(tmp_path, source)
    assert problems == []
    assert values(series) == {"2026-03": 50.0, "2026-04": 100.0}
    assert counted(series) == (5, 0)


def test_share_matching_all_conditions_with_membership(tmp_path: Path) -> None:
    # High or critical *and* SLA made: Q1 T1 and T3 of T1-T4 -> 50 %; Q2 T5 -> 100 %.
    share = {"priority": ["1 - Critical", "2 - High"], "made_sla": True}
    source = tickets(
        write(tmp_path, TICKETS), time="opened_at", period="quarter", measure={"share": share}
    )
    series, problems = one(tmp_path, source)
    assert problems == []
    assert values(series) == {"2026-Q1": 50.0, "2026-Q2": 100.0}


def test_count_of_tickets_per_iso_week_and_per_day(tmp_path: Path) -> None:
    path = write(tmp_path, TICKETS)
    # Opened 2026-03-01 (a Sunday: week 09), 03-02 and 03-03 (week 10), 03-10 (week 11),
    # 04-01 (week 14).
    source = tickets(path, time="opened_at", period="week", measure={"count": True})
    series, _ = one(tmp_path, {**source, "aggregate": "count"})
    assert values(series) == {"2026-W09": 1.0, "2026-W10": 2.0, "2026-W11": 1.0, "2026-W14": 1.0}
    assert series is not None
    assert series.points[0] == Point("2026-W09", date(2026, 2, 23), date(2026, 3, 2), 1.0)
    series, _ = one(tmp_path, {**source, "period": "day", "aggregate": "sum"})
    assert values(series) == {
        "2026-03-01": 1.0,
        "2026-03-02": 1.0,
        "2026-03-03": 1.0,
        "2026-03-10": 1.0,
        "2026-04-01": 1.0,
    }


def test_a_numeric_column_such_as_csat_skips_empty_scores(tmp_path: Path) -> None:
    # Q1: T1 5, T2 4, T3 '?' and T4 '' skipped -> 4.5; Q2: T5 2.
    source = tickets(
        write(tmp_path, TICKETS), time="opened_at", period="quarter", measure={"column": "csat"}
    )
    series, problems = one(tmp_path, source)
    assert problems == []
    assert values(series) == {"2026-Q1": 4.5, "2026-Q2": 2.0}
    assert counted(series) == (3, 2)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"category": "Email"}, {"2026-03": 2}),  # T1, T2, T4 (unresolved)
        ({"category": ["Email", "Network"]}, {"2026-03": 3, "2026-04": 1}),
        ({"made_sla": False}, {"2026-03": 1}),  # T2 FALSE, T4 0 (unresolved)
        ({"made_sla": [True]}, {"2026-03": 2, "2026-04": 1}),  # T1, T3 true, T5 1
        ({"reassignments": 0}, {"2026-03": 1, "2026-04": 1}),  # T1, T4, T5
        ({"reassignments": [1, 2], "category": "Email"}, {"2026-03": 1}),  # T2
        ({"category": "email"}, {}),  # strings compare exactly
    ],
)
def test_where_filters_are_equality_and_membership(
    tmp_path: Path, where: dict[str, Any], expected: dict[str, int]
) -> None:
    source = tickets(write(tmp_path, TICKETS), where=where, aggregate="count", **resolution())
    series, problems = one(tmp_path, source)
    assert problems == []
    assert values(series) == expected


# An event log, day-first: INC1's rows come out of order and its sys_mod_count passes 9,
# so text order ('9' > '10') would keep the wrong row; INC2 is resolved in its last row.
EVENTS = """\
number,sys_mod_count,incident_state,category,made_sla,opened_at,resolved_at,sys_updated_at
INC1,9,Resolved,Email,TRUE,28-02-2016 22:00,29-02-2016 02:00,29-02-2016 02:00
INC1,10,Closed,Network,FALSE,28-02-2016 22:00,29-02-2016 06:00,01-03-2016 09:00
INC1,2,Active,Email,TRUE,28-02-2016 22:00,?,28-02-2016 23:00
INC2,0,New,Email,TRUE,01-03-2016 10:00,?,01-03-2016 10:00
INC2,1,Resolved,Email,TRUE,01-03-2016 10:00,01-03-2016 13:30,01-03-2016 13:30
INC3,0,New,Email,FALSE,01-03-2016 11:00,?,01-03-2016 11:00
"""


def events(**extra: Any) -> dict[str, Any]:
    return {"key": "number", "timestamp_format": DAY_FIRST, "period": "day", **extra}


def test_an_event_log_keeps_each_tickets_last_row_by_numeric_order(tmp_path: Path) -> None:
    # INC1 keeps row 10: 8 h, category Network. INC2 keeps row 1: 3.5 h. INC3 unresolved.
    source = tickets(
        write(tmp_path, EVENTS), **events(order_by="sys_mod_count", **resolution(time="opened_at"))
    )
    series, problems = one(tmp_path, source)
    assert errors(problems) == []  # 29 Feb 2016 has no ticket: a gap, a warning only
    assert values(series) == {"2016-02-28": 8.0, "2016-03-01": 3.5}
    assert counted(series) == (2, 1)


def test_filters_apply_to_the_final_state_of_each_ticket(tmp_path: Path) -> None:
    # INC1 ends in Network; filtering before keep-last would have found its Email rows.
    where = {"category": "Email"}
    source = tickets(
        write(tmp_path, EVENTS),
        **events(order_by="sys_mod_count", where=where, **resolution(time="opened_at")),
    )
    series, _ = one(tmp_path, source)
    assert values(series) == {"2016-03-01": 3.5}


def test_an_event_log_ordered_by_a_day_first_timestamp(tmp_path: Path) -> None:
    # As text '29-02-2016 02:00' > '01-03-2016 09:00'; as time INC1's Closed row is last.
    measure = {"share": {"incident_state": "Closed"}}
    source = tickets(
        write(tmp_path, EVENTS),
        **events(order_by="sys_updated_at", time="opened_at", measure=measure),
    )
    series, problems = one(tmp_path, source)
    assert errors(problems) == []  # 29 Feb 2016 has no ticket: a gap, a warning only
    assert values(series) == {"2016-02-28": 100.0, "2016-03-01": 0.0}


def test_without_order_by_the_last_row_in_the_file_wins(tmp_path: Path) -> None:
    # INC1's last row in the file is mod 2: still active, not resolved -> skipped.
    source = tickets(write(tmp_path, EVENTS), **events(**resolution(time="opened_at")))
    series, _ = one(tmp_path, source)
    assert values(series) == {"2016-03-01": 3.5}
    assert counted(series) == (1, 2)


def test_an_event_log_ordered_by_text_keeps_the_greatest_text(tmp_path: Path) -> None:
    # incident_state as text: INC1 'Resolved' (row 9: 4 h) beats 'Closed' and 'Active'.
    source = tickets(
        write(tmp_path, EVENTS), **events(order_by="incident_state", **resolution(time="opened_at"))
    )
    series, problems = one(tmp_path, source)
    assert errors(problems) == []  # 29 Feb 2016 has no ticket: a gap, a warning only
    assert values(series) == {"2016-02-28": 4.0, "2016-03-01": 3.5}


def test_a_row_without_its_key_is_skipped(tmp_path: Path) -> None:
    text = EVENTS + "?,0,New,Email,TRUE,01-03-2016 12:00,01-03-2016 13:00,01-03-2016 13:00\n"
    source = tickets(
        write(tmp_path, text), **events(order_by="sys_mod_count", **resolution(time="opened_at"))
    )
    series, _ = one(tmp_path, source)
    assert values(series) == {"2016-02-28": 8.0, "2016-03-01": 3.5}
    assert counted(series) == (2, 2)  # INC3 unresolved, and the row without a number


def test_timestamps_with_offsets_become_utc(tmp_path: Path) -> None:
    text = "id,opened_at,resolved_at\nA,2026-03-31T23:00+02:00,2026-04-01T01:00Z\n"
    text += "B,2026-04-02T10:00:00,2026-04-02T10:30:00\n"
    source = tickets(write(tmp_path, text), **resolution(time="opened_at"))
    series, problems = one(tmp_path, source)
    assert problems == []
    # A: opened 21:00 UTC on March 31, resolved 01:00 UTC -> 4 h; B: 0.5 h.
    assert values(series) == {"2026-03": 4.0, "2026-04": 0.5}


def test_a_csv_is_read_once_with_only_the_columns_its_kpis_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    real_read = pyarrow.csv.read_csv

    def counting_read(*args: Any, **kwargs: Any) -> Any:
        calls.append(list(kwargs["convert_options"].include_columns))
        return real_read(*args, **kwargs)

    monkeypatch.setattr(csvdata.pacsv, "read_csv", counting_read)
    path = write(tmp_path, TICKETS)
    sla = tickets(path, time="opened_at", measure={"share": {"made_sla": True}})
    mttr = tickets(path, where={"category": "Email"}, **resolution())
    series, problems = load_series({"sla": sla, "mttr": mttr}, tmp_path)
    assert problems == []
    assert sorted(series) == ["mttr", "sla"]
    assert calls == [["opened_at", "made_sla", "resolved_at", "category"]]


# -- bad ticket data --------------------------------------------------------------------


def test_an_impossible_or_misformatted_date_gives_its_line(tmp_path: Path) -> None:
    # 31-02 is rolled over to March 2 by arrow's strptime; it must be caught all the same.
    text = EVENTS + "INC4,0,New,Email,TRUE,31-02-2016 10:00,?,x\n"  # line 8
    text += "INC5,0,New,Email,TRUE,2016-03-01,?,x\n"  # ISO, not day-first
    source = tickets(write(tmp_path, text), **events(**resolution(time="opened_at")))
    series, problems = one(tmp_path, source)
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            8,
            "column 'opened_at'",
            "'31-02-2016 10:00' is not a timestamp in the format '%d-%m-%Y %H:%M'; fix the "
            "cell or source.timestamp_format (and 1 more row)",
        )
    ]


def test_a_day_first_date_without_timestamp_format_suggests_one(tmp_path: Path) -> None:
    source = tickets(write(tmp_path, TICKETS.replace("2026-03-10 09:00", "10-03-2026 09:00")))
    series, problems = one(tmp_path, {**source, **resolution(time="opened_at")})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            5,
            "column 'opened_at'",
            "'10-03-2026 09:00' is not an ISO 8601 timestamp such as 2026-03-15T10:30; fix the "
            "cell, or give source.timestamp_format (such as '%d-%m-%Y %H:%M')",
        )
    ]


def test_a_score_that_is_not_a_number(tmp_path: Path) -> None:
    source = tickets(
        write(tmp_path, TICKETS.replace(",5,2026", ",five,2026")),
        time="opened_at",
        measure={"column": "csat"},
    )
    series, problems = one(tmp_path, source)
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            2,
            "column 'csat'",
            "'five' is not a number; write plain numbers like 1200 or 3.5 (no units or "
            "thousands separators)",
        )
    ]


def test_kpis_sharing_a_bad_cell_report_it_once(tmp_path: Path) -> None:
    path = write(tmp_path, TICKETS.replace("2026-03-10 09:00", "soon"))
    count = tickets(path, time="opened_at", measure={"count": True})
    share = tickets(path, time="opened_at", measure={"share": {"category": "Email"}})
    series, problems = load_series({"count": count, "share": share}, tmp_path)
    assert series == {}
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            5,
            "column 'opened_at'",
            "'soon' is not an ISO 8601 timestamp such as 2026-03-15T10:30; fix the cell, or "
            "give source.timestamp_format (such as '%d-%m-%Y %H:%M')",
        )
    ]


def test_a_cell_that_is_not_a_boolean_where_one_is_compared(tmp_path: Path) -> None:
    source = tickets(
        write(tmp_path, TICKETS.replace("FALSE", "no")),
        time="opened_at",
        measure={"share": {"made_sla": True}},
    )
    series, problems = one(tmp_path, source)
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            3,
            "column 'made_sla'",
            "'no' is not a boolean; write TRUE/FALSE, true/false or 1/0",
        )
    ]


def test_a_missing_ticket_column_is_named_once_per_column(tmp_path: Path) -> None:
    source = tickets(write(tmp_path, TICKETS), where={"team": "A"}, **resolution(time="closed"))
    series, problems = one(tmp_path, source)
    assert series is None
    columns = "number, category, priority, made_sla, reassignments, csat, opened_at, resolved_at"
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            1,
            f"column {name!r}",
            f"column {name!r} is not in the header (KPI 'kpi' reads it); the columns are: "
            + columns,
        )
        for name in ("closed", "team")
    ]


def test_a_measure_must_say_what_to_measure(tmp_path: Path) -> None:
    source = tickets(write(tmp_path, TICKETS), time="opened_at", measure={"unit": "hours"})
    series, problems = one(tmp_path, source)
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            0,
            "$",
            "KPI 'kpi': source.measure needs exactly one of duration, share, count, column, "
            "open or age (it has none)",
        )
    ]


# -- the real ServiceNow excerpt --------------------------------------------------------


REAL_DAILY = {
    "csv": "incidents.csv",
    "key": "number",
    "order_by": "sys_mod_count",
    "time": "opened_at",
    "timestamp_format": DAY_FIRST,
    "period": "day",
    "aggregate": "mean",
}
"""The real excerpt copied to incidents.csv, its last row per incident, per opening day."""


def real_last_rows() -> dict[str, dict[str, str]]:
    """The real excerpt's last row per incident, worked out without csitools: the csv
    module and the highest sys_mod_count (a later row wins a tie, as in the file)."""
    with REAL_DATA.open(encoding="utf-8", newline="") as f:
        last: dict[str, dict[str, str]] = {}
        for row in csv.DictReader(f):
            kept = last.get(row["number"])
            if kept is None or int(row["sys_mod_count"]) >= int(kept["sys_mod_count"]):
                last[row["number"]] = row
    return last


@pytest.mark.skipif(not REAL_DATA.exists(), reason=f"the real data set is absent: {REAL_DATA}")
def test_real_servicenow_log_daily_resolution_hours_and_sla_share(tmp_path: Path) -> None:
    shutil.copyfile(REAL_DATA, tmp_path / "incidents.csv")
    # Placed by opened_at: the excerpt was cut by opening date (2016-02-29 to 03-02), so each
    # opening day holds all of its incidents; by resolved_at the later days would only hold
    # the few incidents opened in the window, and unresolved ones would have no day at all.
    common = REAL_DAILY
    mttr = {**common, "measure": {"duration": ["opened_at", "resolved_at"], "unit": "hours"}}
    sla = {**common, "measure": {"share": {"made_sla": True}}}
    series, problems = load_series({"mttr": mttr, "sla": sla}, tmp_path)
    assert problems == []

    # Independently: the csv module, datetime.strptime, the highest sys_mod_count per
    # incident (a later row wins a tie, as in the file).
    last = real_last_rows()
    hours: dict[str, list[float]] = defaultdict(list)
    made: dict[str, list[bool]] = defaultdict(list)
    for row in last.values():
        opened = datetime.strptime(row["opened_at"], DAY_FIRST)
        day = opened.date().isoformat()
        made[day].append(row["made_sla"] == "TRUE")
        if row["resolved_at"] != "?":
            resolved = datetime.strptime(row["resolved_at"], DAY_FIRST)
            hours[day].append((resolved - opened).total_seconds() / 3600)
    expected_mttr = {day: sum(h) / len(h) for day, h in hours.items()}
    expected_sla = {day: 100 * sum(m) / len(m) for day, m in made.items()}

    assert sorted(expected_mttr) == ["2016-02-29", "2016-03-01", "2016-03-02"]
    assert values(series["mttr"]) == pytest.approx(expected_mttr, abs=1e-9, rel=0)
    assert values(series["sla"]) == pytest.approx(expected_sla, abs=1e-9, rel=0)
    unresolved = sum(row["resolved_at"] == "?" for row in last.values())
    assert (series["mttr"].rows, series["mttr"].skipped) == (len(last) - unresolved, unresolved)
    assert (series["sla"].rows, series["sla"].skipped) == (len(last), 0)
