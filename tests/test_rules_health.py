"""The arithmetic of health, one rule per test, at its boundaries (README, "Computed
status"). Cases are data: each row says the inputs and the answer known by hand, with
dates chosen so that the boundary falls on a named day."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from csitools.measure.health import (
    CADENCE_DAYS,
    HEALTH_ORDER,
    better,
    elapsed,
    forecast,
    is_stale,
    measured_at,
    outcome_of,
    past_threshold,
    progress,
    target_health,
    worst,
)
from csitools.measure.periods import period_bounds
from csitools.measure.series import Point, Series
from csitools.register.model import Baseline, Kpi
from tests.conftest import REPO


def kpi(direction: str = "decrease", threshold: float | None = None, **more: object) -> Kpi:
    fields: dict = dict(
        id="email-resolution-time",
        name="Email resolution time",
        unit="hours",
        direction=direction,
        type="process",
        indicator="lagging",
        perspective="customer",
        owner="dave",
        review_cadence="monthly",
        baseline=Baseline(16.0, "2025-12"),
        source={"csv": "kpis/data/email-resolution-time.csv"},
        path="kpis/email-resolution-time.yaml",
        action_threshold=threshold,
    )
    return Kpi(**{**fields, **more})


def point(label: str, value: float = 1.0) -> Point:
    _, start, end = period_bounds(label)
    return Point(label, start, end, value)


def series(values: dict[str, float]) -> Series:
    points = tuple(point(label, v) for label, v in values.items())
    return Series("email-resolution-time", "x.csv", "month", points, len(points), 0)


# -- progress p = (c - b) / (t - b) -----------------------------------------------------
@pytest.mark.parametrize(
    ("b", "t", "c", "p"),
    [
        (16, 8, 9, 0.875),  # the worked example: 16 h -> 8 h, measured 9 h
        (16, 8, 8, 1.0),  # exactly at the target
        (16, 8, 16, 0.0),  # exactly at the baseline
        (16, 8, 18, -0.25),  # worse than the baseline
        (65, 85, 90, 1.25),  # past the target, in the other direction
        (5, 5, 5, 1.0),  # a flat target (t = b) that holds: met
        (5, 5, 4, -1.0),  # a flat target missed either way: as bad as a regression
        (5, 5, 6, -1.0),
    ],
)
def test_progress(b: float, t: float, c: float, p: float) -> None:
    assert progress(b, t, c) == p


# -- one target's health: (p, e, tolerance, past due, stale) -> health -------------------
@pytest.mark.parametrize(
    ("p", "e", "past_due", "stale", "health"),
    [
        (1.0, 0.5, False, False, "achieved"),  # p exactly 1
        (0.999, 0.5, False, False, "on-track"),
        (0.0, 0.05, False, False, "on-track"),  # p exactly 0 early on: not regressed
        (0.0, 0.5, False, False, "at-risk"),  # p exactly 0 halfway through
        (-0.001, 0.0, False, False, "regressed"),
        (0.5, 0.75, False, False, "on-track"),  # p = e - tolerance exactly (0.75 - 0.25)
        (0.499, 0.75, False, False, "at-risk"),  # just below it
        (1.0, 1.0, True, False, "achieved"),  # past due, p exactly 1 in the period judged
        (0.999, 1.0, True, False, "missed"),
        (-0.5, 1.0, True, False, "missed"),  # past due: "did we get there?", not regressed
        (0.5, 1.0, True, True, "missed"),  # past due: stale no longer applies
        (1.0, 0.5, False, True, "achieved"),  # achieved even with old data
        (0.9, 0.5, False, True, "stale"),
        (0.0, 0.9, False, True, "stale"),  # stale is said before at-risk
        (-0.1, 0.5, False, True, "regressed"),  # regressed is said before stale
    ],
)
def test_target_health(p: float, e: float, past_due: bool, stale: bool, health: str) -> None:
    assert target_health(p, e, 0.25, past_due, stale) == health


def test_tolerance_moves_the_at_risk_line() -> None:
    assert target_health(0.45, 0.5, 0.10, False, False) == "on-track"
    assert target_health(0.35, 0.5, 0.10, False, False) == "at-risk"
    assert target_health(0.35, 0.5, 0.15, False, False) == "on-track"  # 0.35 = 0.5 - 0.15


def _readme_health_rows() -> list[str]:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Computed status")[1]
    table = section.split("| health | when |")[1].split("\n\n")[0]
    return re.findall(r"^\| `([a-z-]+)` \|", table, re.M)


# Where two rows of the README's table both hold, the earlier one wins. Each case makes
# two neighbouring rows true at once: (p, e, past due, stale).
BOTH_HOLD = {
    ("achieved", "missed"): (1.0, 1.0, True, False),
    ("missed", "regressed"): (-0.5, 1.0, True, False),
    ("regressed", "stale"): (-0.5, 0.5, False, True),
    ("stale", "at-risk"): (0.1, 0.9, False, True),
    ("at-risk", "on-track"): (0.1, 0.9, False, False),
}


def test_readme_health_table_is_the_order_the_code_tests_in() -> None:
    rows = _readme_health_rows()
    assert sorted(rows) == sorted(HEALTH_ORDER)
    assert rows[0] == "no-data"  # tested first (see test_rules_status: no data past due)
    for earlier, later in itertools.pairwise(rows[1:]):
        p, e, past_due, stale = BOTH_HOLD[earlier, later]
        assert target_health(p, e, 0.10, past_due, stale) == earlier, (earlier, later)


def test_readme_worst_first_order_is_the_code_s() -> None:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Computed status")[1]
    [order] = re.findall(r"\(((?:[a-z-]+ > )+[a-z-]+)\)", section)
    assert tuple(order.split(" > ")) == HEALTH_ORDER


# -- an improvement's health is its worst target's --------------------------------------
@pytest.mark.parametrize(
    ("healths", "health"),
    [
        (["on-track", "achieved"], "on-track"),  # not the first in the alphabet
        (["achieved", "stale", "on-track"], "stale"),
        (["no-data", "at-risk"], "at-risk"),
        (["achieved", "regressed", "missed"], "regressed"),
        (["achieved"], "achieved"),
        ([], None),  # nothing measured
    ],
)
def test_worst_of_several_targets(healths: list[str], health: str | None) -> None:
    assert worst(healths) == health


# -- a closed cycle's outcome -----------------------------------------------------------
@pytest.mark.parametrize(
    ("p", "outcome"),
    [
        (1.0, "met"),
        (1.3, "met"),
        (0.999, "partially-met"),
        (0.875, "partially-met"),
        (0.001, "partially-met"),
        (0.0, "not-met"),
        (-0.2, "not-met"),
    ],
)
def test_outcome_of(p: float, outcome: str) -> None:
    assert outcome_of(p) == outcome


# -- elapsed e: share of the cycle's time gone ------------------------------------------
@pytest.mark.parametrize(
    ("opened", "due", "as_of", "e"),
    [
        (date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 6), 0.5),
        (date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 1), 0.0),  # the opening day
        (date(2026, 1, 1), date(2026, 1, 11), date(2025, 12, 1), 0.0),  # before it opened
        (date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 11), 1.0),  # the due day
        (date(2026, 1, 1), date(2026, 1, 11), date(2026, 3, 1), 1.0),  # long past it
        (date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 1), 0.0),  # a one-day cycle
        (date(2026, 1, 1), date(2026, 1, 1), date(2025, 6, 1), 1.0),  # due the day it opened
        (date(2026, 1, 5), date(2026, 1, 1), date(2025, 6, 1), 1.0),  # due before it opened
    ],
)
def test_elapsed(opened: date, due: date, as_of: date, e: float) -> None:
    assert elapsed(opened, due, as_of) == e


# -- stale: the newest value older than the cadence allows ------------------------------
# March 2026 ends on 1 April (its first day after). Weekly 2026-W13 ends on 30 March;
# 2026-Q1 ends on 1 April.
@pytest.mark.parametrize(
    ("label", "cadence", "last_fresh_day"),
    [
        ("2026-03", "monthly", date(2026, 5, 2)),  # 1 April + 31 days
        ("2026-W13", "weekly", date(2026, 4, 6)),  # 30 March + 7 days
        ("2026-Q1", "quarterly", date(2026, 7, 2)),  # 1 April + 92 days
    ],
)
def test_the_day_a_value_turns_stale(label: str, cadence: str, last_fresh_day: date) -> None:
    newest = point(label)
    assert (last_fresh_day - newest.end).days == CADENCE_DAYS[cadence]
    assert is_stale(newest, cadence, last_fresh_day) is False
    assert is_stale(newest, cadence, date.fromordinal(last_fresh_day.toordinal() + 1)) is True
    assert is_stale(None, cadence, last_fresh_day) is False  # no value is no-data, not stale


# -- direction and the action threshold -------------------------------------------------
def test_better_follows_the_kpi_s_direction() -> None:
    assert better(kpi("decrease"), 9.0, 16.0) == 7.0
    assert better(kpi("increase"), 9.0, 16.0) == -7.0


@pytest.mark.parametrize(
    ("direction", "threshold", "value", "breach"),
    [
        ("decrease", 20.0, 20.0, False),  # at the threshold: not past it
        ("decrease", 20.0, 20.5, True),
        ("decrease", 20.0, 19.5, False),
        ("increase", 50.0, 50.0, False),
        ("increase", 50.0, 49.5, True),
        ("increase", 50.0, None, False),  # no value
        ("increase", None, 1.0, False),  # no threshold
    ],
)
def test_threshold_breach(
    direction: str, threshold: float | None, value: float | None, breach: bool
) -> None:
    assert past_threshold(kpi(direction, threshold), value) is breach


# -- the value of the last complete period on or before a day ---------------------------
@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2026, 3, 31), "2026-03"),  # a cycle closing on a period's last day: it counts
        (date(2026, 3, 30), "2026-02"),  # the day before: March is not over yet
        (date(2026, 4, 1), "2026-03"),
        (date(2026, 1, 30), None),  # before any period ended
    ],
)
def test_measured_at(day: date, period: str | None) -> None:
    s = series({"2026-01": 14.0, "2026-02": 11.0, "2026-03": 9.0, "2026-04": 8.0})
    found = measured_at(s, day)
    assert (found.period if found else None) == period
    assert measured_at(None, day) is None


# -- forecast ---------------------------------------------------------------------------
# 2025-Q3 (92 days), 2025-Q4 (92 days) and 2026-Q1 (90 days) have whole-day middles,
# 16 August, 16 November and 15 February, 92 and 91 days apart: changes of 92 and 91
# between them are a slope of exactly 1 a day.
def quarters(q4: float, q1: float) -> list[Point]:
    return [point("2025-Q4", q4), point("2026-Q1", q1)]


def days(*values: float) -> list[Point]:
    return [point(f"2026-01-{i + 1:02d}", v) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("points", "baseline", "target", "p", "expected"),
    [
        # falling 1 a day to 100 on 15 February: 90 is 10 days later
        (quarters(191, 100), 200, 90, 0.5, "2026-02-25"),
        (quarters(191, 100), 200, 90, 0.999, "2026-02-25"),
        (quarters(191, 100), 200, 90, 1.0, None),  # the target is reached already
        (quarters(191, 100), 200, 90, 1.5, None),
        (quarters(9, 100), 0, 130, 0.5, "2026-03-17"),  # rising 1 a day: 30 days later
        (quarters(191, 100)[1:], 200, 90, 0.5, None),  # one value: nothing to fit
        (days(100, 100, 100), 110, 90, 0.5, "not converging"),  # a flat slope
        (days(100, 101), 110, 90, -0.1, "not converging"),  # heading away
        (quarters(191, 100), 100, 100, -1.0, "not converging"),  # a flat target missed
        # 3,650 days (ten years) after 15 February 2026 is still a date; a day more is not
        (quarters(191, 100), 200, 100 - 3650, 0.5, "2036-02-13"),
        (quarters(191, 100), 200, 100 - 3651, 0.5, "not converging"),
        # counted from the latest value, not an earlier one: 3,600 days after 15 February
        ([point("2025-Q3", 283), *quarters(191, 100)], 300, 100 - 3600, 0.5, "2035-12-25"),
    ],
)
def test_forecast(
    points: list[Point], baseline: float, target: float, p: float, expected: str | None
) -> None:
    assert forecast(points, baseline, target, p) == expected


def test_forecast_horizon_is_ten_years_from_the_latest_value() -> None:
    assert date.fromordinal(date(2026, 2, 15).toordinal() + 3650) == date(2036, 2, 13)
    assert [p.start.toordinal() + p.end.toordinal() for p in quarters(0, 0)] == [
        2 * date(2025, 11, 16).toordinal(),
        2 * date(2026, 2, 15).toordinal(),
    ]
