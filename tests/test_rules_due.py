"""A target after its due date (README, "Computed status"): judged on the last period
ending by the due date; what happened since is a flag beside the verdict. Cases are
data: the months of a KPI where higher is better, a target of 80 due 31 May 2026, the
latest complete month, and the whole verdict."""

from __future__ import annotations

from datetime import date

import pytest

from csitools.measure.due import AfterDue, judge_after_due
from csitools.measure.series import Point, Series
from tests.test_rules_health import point

DUE = date(2026, 5, 31)


def verdict(values: dict[str, float], latest: str | None) -> AfterDue:
    points = tuple(point(label, v) for label, v in values.items())
    series = Series("first-call-resolution", "x.csv", "month", points, len(points), 0)
    newest = next((p for p in points if p.period == latest), None)
    return judge_after_due(series, DUE, newest, lambda v: v >= 80)


def at(label: str, value: float) -> Point:
    return point(label, value)


@pytest.mark.parametrize(
    ("values", "latest", "expected"),
    [
        # met in May, held in June: no flag
        (
            {"2026-05": 81, "2026-06": 80},
            "2026-06",
            AfterDue("2026-05", at("2026-05", 81), None, None),
        ),
        # met in May, short in July (the latest): slipped, with July
        (
            {"2026-05": 81, "2026-06": 82, "2026-07": 79},
            "2026-07",
            AfterDue("2026-05", at("2026-05", 81), at("2026-07", 79), "slipped"),
        ),
        # a month after the latest complete one (not over yet) does not count
        (
            {"2026-05": 81, "2026-06": 82, "2026-07": 70},
            "2026-06",
            AfterDue("2026-05", at("2026-05", 81), None, None),
        ),
        # reached in April, before the due date, but short in May: missed, not "late"
        (
            {"2026-04": 85, "2026-05": 78},
            "2026-05",
            AfterDue("2026-05", at("2026-05", 78), None, None),
        ),
        # short in May, reached in June, short again in July: reached late, in June
        (
            {"2026-05": 78, "2026-06": 80, "2026-07": 79},
            "2026-07",
            AfterDue("2026-05", at("2026-05", 78), at("2026-06", 80), "reached-late"),
        ),
        # no value for May: nothing to judge (no-data), whatever came later
        ({"2026-04": 85, "2026-06": 90}, "2026-06", AfterDue("2026-05", None, None, None)),
    ],
)
def test_judged_by_the_due_date(
    values: dict[str, float], latest: str | None, expected: AfterDue
) -> None:
    assert verdict(values, latest) == expected
