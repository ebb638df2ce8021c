"""breakdown_by: a ticket KPI per value of a column, and the top contributors of the
latest period with their trend (on the KPI page and in csi status --format json)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from csitools.measure.breakdown import Contributor, Contributors
from csitools.measure.status import assess_kpi
from csitools.register.model import Baseline, Kpi
from csitools.reporting.status import status_dict
from tests.test_metrics import DAY_FIRST, REAL_DAILY, REAL_DATA, one, real_last_rows, write
from tests.test_snapshot import EVENTS, LOG


def kpi(source: dict[str, Any]) -> Kpi:
    return Kpi(
        id="kpi",
        name="A ticket KPI",
        unit="tickets",
        direction="decrease",
        type="process",
        indicator="lagging",
        perspective="internal",
        owner="dave",
        review_cadence="monthly",
        baseline=Baseline(1.0, "2026-01"),
        source=source,
        path="kpis/kpi.yaml",
    )


def top(tmp_path: Path, text: str, source: dict[str, Any], as_of: date) -> Contributors | None:
    source = {"csv": write(tmp_path, text), **source}
    series, problems = one(tmp_path, source)
    assert problems == []
    return assess_kpi(kpi(source), series, as_of).breakdown


# Six tickets over two months; the last has no team.
TICKETS = """number,opened_at,resolved_at,team
A1,2026-01-05T09:00,2026-01-05T13:00,Network
A2,2026-01-06T09:00,2026-01-06T10:00,Desk
B1,2026-02-02T09:00,2026-02-02T11:00,Desk
B2,2026-02-03T09:00,2026-02-03T15:00,Network
B3,2026-02-04T09:00,2026-02-04T17:00,Network
B4,2026-02-05T09:00,2026-02-05T10:00,
"""


def test_mean_resolution_hours_per_team_ranked_by_tickets(tmp_path: Path) -> None:
    source = {
        "time": "opened_at",
        "period": "month",
        "measure": {"duration": ["opened_at", "resolved_at"]},
        "aggregate": "mean",
        "breakdown_by": "team",
    }
    # February: Network 2 tickets (6 h, 8 h: mean 7), Desk 1 (2 h), no team 1 (1 h);
    # January: Network 4 h, Desk 1 h.
    assert top(tmp_path, TICKETS, source, date(2026, 3, 1)) == Contributors(
        "team",
        "2026-02",
        (
            Contributor("Network", 2, 7.0, (("2026-01", 4.0), ("2026-02", 7.0))),
            Contributor("(empty)", 1, 1.0, (("2026-01", None), ("2026-02", 1.0))),
            Contributor("Desk", 1, 2.0, (("2026-01", 1.0), ("2026-02", 2.0))),
        ),
    )
    # As of February, January is the latest complete period.
    january = top(tmp_path, TICKETS, source, date(2026, 2, 10))
    assert january is not None
    assert [(c.group, c.tickets, c.trend) for c in january.contributors] == [
        ("Desk", 1, (("2026-01", 1.0),)),
        ("Network", 1, (("2026-01", 4.0),)),
    ]


def test_the_backlog_per_group_at_each_days_end(tmp_path: Path) -> None:
    # From test_snapshot's log: at the end of 6 Mar, INC3 (Email) and INC5 (Access) are
    # open; at the end of 5 Mar only INC3; at the end of 2 Mar INC1-3, all Email.
    source = {**EVENTS, "measure": {"open": ["opened_at", "resolved_at"]}, "aggregate": "count"}
    got = top(tmp_path, LOG, {**source, "breakdown_by": "category"}, date(2026, 3, 7))
    assert got is not None
    assert got.period == "2026-03-06"
    trend = (("2026-03-01", 2.0), ("2026-03-02", 3.0), ("2026-03-03", 2.0))
    trend += (("2026-03-04", 2.0), ("2026-03-05", 1.0), ("2026-03-06", 1.0))
    assert got.contributors == (
        Contributor("Access", 1, 1.0, (*((p, None) for p, _ in trend[:-1]), ("2026-03-06", 1.0))),
        Contributor("Email", 1, 1.0, trend),
    )


def test_the_age_of_the_backlog_per_group(tmp_path: Path) -> None:
    # End of 6 Mar (7 Mar 00:00): INC3 (Email) is 111 h old, INC5 (Access) 16 h.
    source = {**EVENTS, "measure": {"age": ["opened_at", "resolved_at"], "unit": "hours"}}
    got = top(
        tmp_path, LOG, {**source, "aggregate": "p90", "breakdown_by": "category"}, date(2026, 3, 7)
    )
    assert got is not None
    assert [(c.group, c.tickets, c.value) for c in got.contributors] == [
        ("Access", 1, 16.0),
        ("Email", 1, 111.0),
    ]


@pytest.mark.skipif(not REAL_DATA.exists(), reason=f"the real data set is absent: {REAL_DATA}")
def test_real_servicenow_log_top_assignment_groups_of_one_day(tmp_path: Path) -> None:
    shutil.copyfile(REAL_DATA, tmp_path / "incidents.csv")
    source = {**REAL_DAILY, "measure": {"count": True}, "aggregate": "count"}
    source["breakdown_by"] = "assignment_group"
    series, problems = one(tmp_path, source)
    assert problems == []
    got = assess_kpi(kpi(source), series, date(2016, 3, 2)).breakdown  # 1 Mar is the latest

    # Independently: the incidents opened on 1 Mar 2016 (their last row), per group.
    opened = Counter(
        row["assignment_group"]
        for row in real_last_rows().values()
        if datetime.strptime(row["opened_at"], DAY_FIRST).date() == date(2016, 3, 1)
    )
    expected = sorted(opened.items(), key=lambda item: (-item[1], item[0]))[:5]
    assert expected[0][1] > expected[-1][1]  # a real ranking, not a tie of five
    assert got is not None and got.period == "2016-03-01"
    assert [(c.group, c.tickets, c.value) for c in got.contributors] == [
        (group, n, float(n)) for group, n in expected
    ]
    day_before = Counter(
        row["assignment_group"]
        for row in real_last_rows().values()
        if datetime.strptime(row["opened_at"], DAY_FIRST).date() == date(2016, 2, 29)
    )
    assert [c.trend for c in got.contributors] == [
        (("2016-02-29", float(day_before[g]) if day_before[g] else None), ("2016-03-01", float(n)))
        for g, n in expected
    ]


def test_status_json_names_the_top_contributors(tmp_path: Path) -> None:
    source = {
        "time": "opened_at",
        "period": "month",
        "measure": {"count": True},
        "aggregate": "count",
        "breakdown_by": "team",
    }
    csv_path = write(tmp_path, TICKETS)
    series, _ = one(tmp_path, {"csv": csv_path, **source})
    ks = assess_kpi(kpi({"csv": csv_path, **source}), series, date(2026, 3, 1))
    from csitools.measure.status import RegisterStatus

    payload = status_dict(RegisterStatus(date(2026, 3, 1), (), {"kpi": ks}, ()))
    assert json.loads(json.dumps(payload["kpis"][0]["breakdown"])) == {
        "by": "team",
        "period": "2026-02",
        "top": [
            {
                "group": "Network",
                "tickets": 2,
                "value": 2.0,
                "trend": [{"period": "2026-01", "value": 1.0}, {"period": "2026-02", "value": 2.0}],
            },
            {
                "group": "(empty)",
                "tickets": 1,
                "value": 1.0,
                "trend": [
                    {"period": "2026-01", "value": None},
                    {"period": "2026-02", "value": 1.0},
                ],
            },
            {
                "group": "Desk",
                "tickets": 1,
                "value": 1.0,
                "trend": [{"period": "2026-01", "value": 1.0}, {"period": "2026-02", "value": 1.0}],
            },
        ],
    }
