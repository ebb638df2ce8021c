"""Conditions in source.where and share measures: equality, membership, and comparisons
(gt, ge, lt, le, ne, in, not_in). Expected values are worked out by hand, or for the real
ServiceNow excerpt independently with the csv module."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from csitools.measure.series import load_series
from csitools.problems import Problem
from tests.test_metrics import (
    DAY_FIRST,
    REAL_DAILY,
    REAL_DATA,
    one,
    real_last_rows,
    tickets,
    values,
    write,
)

# Five tickets in March 2026; INC5 has no reassignment count.
TICKETS = """number,opened_at,reassignment_count,priority,category
INC1,2026-03-02T09:00,0,1,Email
INC2,2026-03-03T09:00,1,2,Network
INC3,2026-03-04T09:00,2,3,Email
INC4,2026-03-05T09:00,5,4,Access
INC5,2026-03-06T09:00,?,3,
"""


def counted_where(tmp_path: Path, where: dict[str, Any]) -> float:
    source = tickets(write(tmp_path, TICKETS), time="opened_at", where=where, aggregate="count")
    series, problems = one(tmp_path, {**source, "measure": {"count": True}})
    assert problems == []
    return values(series).get("2026-03", 0.0)


@pytest.mark.parametrize(
    ("condition", "count"),
    [
        ({"reassignment_count": {"gt": 0}}, 3),  # INC2, INC3, INC4
        ({"reassignment_count": {"ge": 2}}, 2),  # INC3, INC4
        ({"reassignment_count": {"lt": 2}}, 2),  # INC1, INC2
        ({"reassignment_count": {"le": 0}}, 1),  # INC1
        ({"reassignment_count": {"ge": 1, "le": 2}}, 2),  # INC2, INC3: both must hold
        ({"reassignment_count": {"ne": 0}}, 3),  # INC5's empty cell matches nothing
        ({"category": {"ne": "Email"}}, 2),  # Network, Access; INC5 has no category
        ({"category": {"in": ["Email", "Access"]}}, 3),
        ({"category": {"not_in": ["Email"]}}, 2),  # INC5's empty cell matches nothing
        ({"priority": {"not_in": [1, 2]}}, 3),  # numbers compare as numbers
        ({"priority": {"in": [3]}, "category": "Email"}, 1),  # INC3: every filter holds
        ({"priority": [1, 2]}, 2),  # a list is membership, as before
    ],
)
def test_where_takes_comparisons(tmp_path: Path, condition: dict[str, Any], count: int) -> None:
    assert counted_where(tmp_path, condition) == count


def test_a_share_takes_the_same_conditions(tmp_path: Path) -> None:
    source = tickets(
        write(tmp_path, TICKETS),
        time="opened_at",
        measure={"share": {"reassignment_count": {"gt": 0}, "category": {"ne": "Access"}}},
    )
    series, problems = one(tmp_path, source)
    assert problems == []
    # INC2 and INC3 of five tickets: reassigned and not Access.
    assert values(series) == {"2026-03": 40.0}


def test_a_comparison_names_the_first_cell_that_is_not_a_number(tmp_path: Path) -> None:
    text = TICKETS.replace("INC3,2026-03-04T09:00,2,", "INC3,2026-03-04T09:00,two,")
    text = text.replace(",5,4,", ",5+,4,")
    source = tickets(write(tmp_path, text), time="opened_at", measure={"count": True})
    series, problems = one(tmp_path, {**source, "where": {"reassignment_count": {"ge": 1}}})
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            4,
            "column 'reassignment_count'",
            "'two' is not a number, and the condition 'ge: 1' compares numbers; write plain "
            "numbers like 1200 or 3.5 (no units or thousands separators) (and 1 more row)",
        )
    ]


def test_a_comparison_in_a_share_names_the_bad_cell_too(tmp_path: Path) -> None:
    text = TICKETS.replace(",1,2,Network", ",once,2,Network")
    source = tickets(
        write(tmp_path, text),
        time="opened_at",
        measure={"share": {"reassignment_count": {"lt": 1.5}}},
    )
    series, problems = one(tmp_path, source)
    assert series is None
    assert problems == [
        Problem(
            "kpis/data/data.csv",
            3,
            "column 'reassignment_count'",
            "'once' is not a number, and the condition 'lt: 1.5' compares numbers; write "
            "plain numbers like 1200 or 3.5 (no units or thousands separators)",
        )
    ]


@pytest.mark.skipif(not REAL_DATA.exists(), reason=f"the real data set is absent: {REAL_DATA}")
def test_real_servicenow_log_daily_reopen_and_reassignment_shares(tmp_path: Path) -> None:
    shutil.copyfile(REAL_DATA, tmp_path / "incidents.csv")
    common = REAL_DAILY
    reopened = {**common, "measure": {"share": {"reopen_count": {"gt": 0}}}}
    reassigned = {**common, "measure": {"share": {"reassignment_count": {"ge": 1}}}}
    series, problems = load_series({"reopened": reopened, "reassigned": reassigned}, tmp_path)
    assert problems == []

    last = real_last_rows()  # independently of csitools
    reopens: dict[str, list[bool]] = defaultdict(list)
    reassigns: dict[str, list[bool]] = defaultdict(list)
    for row in last.values():
        day = datetime.strptime(row["opened_at"], DAY_FIRST).date().isoformat()
        reopens[day].append(int(row["reopen_count"]) > 0)
        reassigns[day].append(int(row["reassignment_count"]) >= 1)
    share = {day: 100 * sum(r) / len(r) for day, r in reopens.items()}
    assert sorted(share) == ["2016-02-29", "2016-03-01", "2016-03-02"]
    assert 0 < min(share.values()) < 5  # a few reopened incidents each day: not a vacuous 0
    assert values(series["reopened"]) == pytest.approx(share, abs=1e-9, rel=0)
    expected = {day: 100 * sum(r) / len(r) for day, r in reassigns.items()}
    assert values(series["reassigned"]) == pytest.approx(expected, abs=1e-9, rel=0)
