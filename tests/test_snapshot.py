"""Snapshot measures: the tickets open at each period's end, and their age. Expected
values are worked out by hand in the comments, or for the real ServiceNow excerpt
independently with the csv module and datetime."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from csitools.measure.series import load_series
from tests.test_metrics import (
    DAY_FIRST,
    REAL_DAILY,
    REAL_DATA,
    counted,
    one,
    real_last_rows,
    values,
    write,
)

# An event log, the last row per number by sys_mod_count counting:
#   INC1 opened 1 Mar 10:00, resolved 3 Mar 09:00 (its first row was not resolved yet)
#   INC2 opened 1 Mar 12:00, resolved 2 Mar 08:00, reopened, resolved again 5 Mar 15:00
#   INC3 opened 2 Mar 09:00, resolved 2 Mar 17:00, reopened and not resolved since
#   INC4 opened and resolved in the evening of 4 Mar: never open at a day's end
#   INC5 opened 6 Mar 08:00, not resolved: the newest timestamp in the export
LOG = """number,sys_mod_count,opened_at,resolved_at,reopen_count,category
INC1,0,2026-03-01T10:00,?,0,Email
INC2,0,2026-03-01T12:00,2026-03-02T08:00,0,Email
INC1,1,2026-03-01T10:00,2026-03-03T09:00,0,Email
INC2,1,2026-03-01T12:00,?,1,Email
INC3,0,2026-03-02T09:00,2026-03-02T17:00,0,Email
INC2,2,2026-03-01T12:00,2026-03-05T15:00,1,Email
INC3,1,2026-03-02T09:00,?,1,Email
INC4,0,2026-03-04T23:00,2026-03-04T23:30,0,Email
INC5,0,2026-03-06T08:00,?,0,Access
"""
EVENTS = {"key": "number", "order_by": "sys_mod_count", "period": "day"}


def backlog(tmp_path: Path, **source: Any) -> dict[str, float]:
    series, problems = one(tmp_path, {"csv": write(tmp_path, LOG), **EVENTS, **source})
    assert problems == []
    return values(series)


def test_open_tickets_at_each_days_end_count_reopened_tickets_by_their_last_row(
    tmp_path: Path,
) -> None:
    # End of 1 Mar: INC1, INC2. 2 Mar: INC1-3. 3 Mar: INC2, INC3 (INC1 resolved at 09:00).
    # 4 Mar: INC2, INC3. 5 Mar: INC3 (INC2 resolved at 15:00). 6 Mar: INC3, INC5.
    got = backlog(tmp_path, measure={"open": ["opened_at", "resolved_at"]}, aggregate="count")
    assert got == {
        "2026-03-01": 2,
        "2026-03-02": 3,
        "2026-03-03": 2,
        "2026-03-04": 2,
        "2026-03-05": 1,
        "2026-03-06": 2,
    }


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        # Ages in hours at each day's end: 1 Mar INC1 14, INC2 12; 2 Mar 38, 36, INC3 15;
        # 3 Mar 60, 39; 4 Mar 84, 63; 5 Mar 87; 6 Mar 111, INC5 16.
        ("mean", [13, 89 / 3, 49.5, 73.5, 87, 63.5]),
        ("median", [13, 36, 49.5, 73.5, 87, 63.5]),
        # p90 between the closest ranks: 12 + 0.9 * (14 - 12); 36 + 0.8 * (38 - 36); ...
        ("p90", [13.8, 37.6, 57.9, 81.9, 87, 101.5]),
    ],
)
def test_age_of_the_open_tickets_at_each_days_end(
    tmp_path: Path, how: str, expected: list[float]
) -> None:
    measure = {"age": ["opened_at", "resolved_at"], "unit": "hours"}
    got = backlog(tmp_path, measure=measure, aggregate=how)
    assert list(got) == [f"2026-03-0{day}" for day in range(1, 7)]
    assert list(got.values()) == pytest.approx(expected, abs=1e-9, rel=0)


def test_ages_are_in_days_unless_a_unit_is_given(tmp_path: Path) -> None:
    got = backlog(tmp_path, measure={"age": ["opened_at", "resolved_at"]}, aggregate="median")
    assert got["2026-03-05"] == pytest.approx(87 / 24, abs=1e-12, rel=0)


def test_filters_choose_the_tickets_and_the_export_still_ends_at_its_newest_timestamp(
    tmp_path: Path,
) -> None:
    # INC5 (Access) is filtered out, but its opening on 6 Mar is still the export's
    # newest timestamp: 6 Mar counts, with INC3 alone.
    got = backlog(
        tmp_path,
        measure={"open": ["opened_at", "resolved_at"]},
        aggregate="count",
        where={"category": "Email"},
    )
    assert got["2026-03-06"] == 1
    assert list(got)[-1] == "2026-03-06"


def test_a_ticket_resolved_before_it_opened_is_skipped(tmp_path: Path) -> None:
    text = LOG + "INC6,0,2026-03-03T10:00,2026-03-03T09:00,0,Email\n"
    source = {"csv": write(tmp_path, text), **EVENTS, "aggregate": "count"}
    series, problems = one(tmp_path, {**source, "measure": {"open": ["opened_at", "resolved_at"]}})
    assert problems == []
    assert values(series)["2026-03-03"] == 2
    assert counted(series) == (5, 1)  # INC1-5 count; INC6 is left out


def test_a_monthly_backlog_with_a_month_nothing_was_open(tmp_path: Path) -> None:
    # A opened 10 Jan, resolved 2 Feb: open at the end of January. Nothing is open at the
    # end of February. B opened 5 Mar, open since: March counts 1; its age on 1 Apr is 27
    # days, and February has no age at all (nothing open).
    text = "id,opened,resolved\nA,2026-01-10T00:00,2026-02-02T00:00\nB,2026-03-05T00:00,\n"
    path = write(tmp_path, text)
    count = {"csv": path, "period": "month", "aggregate": "count"}
    count["measure"] = {"open": ["opened", "resolved"]}
    age = {**count, "aggregate": "mean", "measure": {"age": ["opened", "resolved"]}}
    series, problems = load_series({"count": count, "age": age}, tmp_path)
    assert problems == []
    assert values(series["count"]) == {"2026-01": 1, "2026-02": 0, "2026-03": 1}
    assert values(series["age"]) == {"2026-01": 22, "2026-03": 27}


def p90(values_: list[float]) -> float:
    """Linear interpolation between the closest ranks, written out."""
    ordered = sorted(values_)
    h = (len(ordered) - 1) * 0.9
    low = int(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


@pytest.mark.skipif(not REAL_DATA.exists(), reason=f"the real data set is absent: {REAL_DATA}")
def test_real_servicenow_log_open_incidents_and_their_p90_age_at_each_days_end(
    tmp_path: Path,
) -> None:
    shutil.copyfile(REAL_DATA, tmp_path / "incidents.csv")
    common = {key: REAL_DAILY[key] for key in ("csv", "key", "order_by", "timestamp_format")}
    common["period"] = "day"
    columns = ["opened_at", "resolved_at"]
    open_ = {**common, "measure": {"open": columns}, "aggregate": "count"}
    age = {**common, "measure": {"age": columns, "unit": "days"}, "aggregate": "p90"}
    series, problems = load_series({"open": open_, "age": age}, tmp_path)
    assert problems == []

    # Independently: each incident's last row; every day from the first opening to the
    # day of the newest timestamp; open at a day's end = opened at or before midnight
    # and resolved empty ('?') or after it.
    tickets = []
    for row in real_last_rows().values():
        opened = datetime.strptime(row["opened_at"], DAY_FIRST)
        resolved = (
            None if row["resolved_at"] == "?" else datetime.strptime(row["resolved_at"], DAY_FIRST)
        )
        tickets.append((opened, resolved))
    newest = max(max(o, r or o) for o, r in tickets)
    day = min(o for o, _ in tickets).date()
    expected_open, expected_age = {}, {}
    while day <= newest.date():
        end = datetime.combine(day + timedelta(days=1), datetime.min.time())
        ages = [
            (end - o).total_seconds() / 86400
            for o, r in tickets
            if o <= end and (r is None or r > end)
        ]
        expected_open[day.isoformat()] = len(ages)
        if ages:
            expected_age[day.isoformat()] = p90(ages)
        day += timedelta(days=1)

    assert len(expected_open) == 337  # 29 Feb 2016 to 30 Jan 2017
    assert expected_open["2016-03-01"] > 100  # the excerpt's busy days: not a vacuous check
    assert values(series["open"]) == expected_open
    assert values(series["age"]) == pytest.approx(expected_age, abs=1e-9, rel=0)
