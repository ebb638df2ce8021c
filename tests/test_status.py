"""Health, outcomes, flags, forecasts and scores, with dates chosen so the answer is
known by hand. Registers are built on disk from the base case and changed per test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from csitools.measure.health import forecast, progress
from csitools.measure.series import Point, period_bounds
from csitools.measure.status import Tension
from csitools.validation import validate_repository

AS_OF = date(2026, 5, 15)


def write_series(repo: Path, kpi: str, rows: dict[str, float]) -> None:
    lines = ["period,value", *(f"{p},{v}" for p, v in rows.items())]
    (repo / "kpis" / "data" / f"{kpi}.csv").write_text("\n".join(lines) + "\n")


def set_target(repo: Path, old: str, new: str) -> None:
    path = repo / "register" / "CSI-0001-email-resolution.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def status_of(repo: Path, as_of: date = AS_OF, id_: str = "CSI-0001"):
    result = validate_repository(repo, as_of)
    return next(s for s in result.status.improvements if s.id == id_), result


def test_worked_example_email_help_desk(register_dir: Callable[..., Path]) -> None:
    """16 h -> 8 h measured 9 h: p = 0.875; 3.2 -> 4.2 measured 4.0: p = 0.8;
    partially met; cycle 2 starts from 9 h."""
    repo = register_dir()
    s, result = status_of(repo)
    assert result.problems == ()
    [outcome] = s.outcomes
    assert outcome.progress == {"email-resolution-time": 0.875, "email-satisfaction": 0.8}
    assert outcome.measured == {"email-resolution-time": 9.0, "email-satisfaction": 4.0}
    assert outcome.computed == "partially-met" == outcome.recorded
    [target] = s.targets
    assert (target.cycle, target.baseline, target.baseline_from) == (2, 9.0, "cycle 1")


def test_recorded_outcome_that_disagrees_with_data_is_a_problem(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    set_target(repo, "outcome: partially-met", "outcome: met")
    _, result = status_of(repo)
    assert [str(p) for p in result.problems] == [
        "register/CSI-0001-email-resolution.yaml:36: $.cycles[0].outcome: cycle 1 records "
        "outcome 'met' but the data say 'partially-met' (email-resolution-time: 9 hours, "
        "progress 88%; email-satisfaction: 4 score (1-5), progress 80%); correct the "
        "outcome, or the data"
    ]


# Cycle 2 opened 2026-04-10 from 9.0 h, target 6 h due 2026-12-31. Elapsed as of a date
# is (as_of - 2026-04-10) / 265 days. April's value is the current value from May on.
@pytest.mark.parametrize(
    ("april", "target_by", "as_of", "health", "p"),
    [
        (6.0, "2026-12-31", date(2026, 5, 15), "achieved", 1.0),  # reached the target
        (8.7, "2026-12-31", date(2026, 5, 15), "on-track", 0.1),  # e = 35/265 = 0.13
        (8.7, "2026-05-31", date(2026, 5, 25), "at-risk", 0.1),  # e = 45/51 = 0.88
        (8.0, "2026-04-30", date(2026, 5, 15), "missed", 0.3333),  # due date passed
        (9.9, "2026-12-31", date(2026, 5, 15), "regressed", -0.3),  # worse than 9.0
        (8.7, "2026-12-31", date(2026, 7, 15), "stale", 0.1),  # April is 75 days old
    ],
)
def test_health_of_an_open_cycle(
    register_dir: Callable[..., Path],
    april: float,
    target_by: str,
    as_of: date,
    health: str,
    p: float,
) -> None:
    repo = register_dir()
    rows = {"2025-12": 16.0, "2026-01": 14.0, "2026-02": 11.0, "2026-03": 9.0, "2026-04": april}
    write_series(repo, "email-resolution-time", rows)
    set_target(repo, "value: 6, by: 2026-12-31", f"value: 6, by: {target_by}")
    s, _ = status_of(repo, as_of)
    [target] = s.targets
    assert (target.health, target.progress) == (health, p)
    assert s.health == health


def test_no_data_after_the_cycle_opened(register_dir: Callable[..., Path]) -> None:
    repo = register_dir()
    rows = {"2025-12": 16.0, "2026-01": 14.0, "2026-02": 11.0, "2026-03": 9.0}
    write_series(repo, "email-resolution-time", rows)
    s, _ = status_of(repo, date(2026, 4, 20))
    assert [t.health for t in s.targets] == ["no-data"]
    assert s.targets[0].current is None


def test_partial_period_does_not_count(register_dir: Callable[..., Path]) -> None:
    """As of 2026-05-15, May is incomplete: April is the current value."""
    repo = register_dir()
    rows = {"2025-12": 16.0, "2026-03": 9.0, "2026-04": 8.7, "2026-05": 6.0}
    write_series(repo, "email-resolution-time", rows)
    s, _ = status_of(repo, date(2026, 5, 15))
    assert (s.targets[0].current, s.targets[0].current_period) == (8.7, "2026-04")
    s, _ = status_of(repo, date(2026, 6, 1))
    assert (s.targets[0].current_period, s.targets[0].health) == ("2026-05", "achieved")


def test_threshold_breach_and_tension_flags(register_dir: Callable[..., Path]) -> None:
    """Resolution time improves (8.7 < 9.0) while satisfaction, in tension with it,
    falls to 2.8, more than 10% below its 3.2 baseline: tension. A second test moves
    resolution past its action threshold of 20 h."""
    repo = register_dir()
    write_series(repo, "email-resolution-time", {"2026-03": 9.0, "2026-04": 8.7})
    write_series(repo, "email-satisfaction", {"2026-03": 4.0, "2026-04": 2.8})
    s, _ = status_of(repo)
    assert s.flags == ("tension",)
    tensions = [x for t in s.targets for x in t.tensions]
    assert tensions == [Tension("email-satisfaction", 3.2, 2.8, "2026-04")]
    write_series(repo, "email-satisfaction", {"2026-03": 4.0, "2026-04": 2.9})
    s, _ = status_of(repo)
    assert s.flags == ()  # 2.9 is within 10% of 3.2 (2.88)
    write_series(repo, "email-resolution-time", {"2026-03": 9.0, "2026-04": 21.0})
    s, _ = status_of(repo)
    assert (s.health, s.flags) == ("regressed", ("threshold-breach",))


def test_score_lane_and_roi(register_dir: Callable[..., Path]) -> None:
    """impact 4, urgency 3, effort 2, risk 2 with weights .4/.3/.2/.1:
    .4*4 + .3*3 + .2*(6-2) + .1*(6-2) = 3.7; quick win; ROI (50000-20000)/20000 = 1.5."""
    s, _ = status_of(register_dir())
    assert (s.score, s.lane, s.value.roi_expected) == (3.7, "quick-win", 1.5)


def test_progress_formula() -> None:
    assert progress(16, 8, 9) == 0.875
    assert progress(3.2, 4.2, 4.0) == pytest.approx(0.8)
    assert progress(65, 85, 65) == 0


def _points(values: dict[str, float]) -> list[Point]:
    out = []
    for label, value in values.items():
        _, start, end = period_bounds(label)
        out.append(Point(label, start, end, value))
    return out


def test_forecast_reaches_target_on_a_straight_line() -> None:
    """Falling 1 h a month from 12 h: 8 h is four months after the last point's middle
    (2026-03-16 + ~122 days)."""
    points = _points({"2026-01": 14.0, "2026-02": 13.0, "2026-03": 12.0})
    when = forecast(points, baseline=16.0, target=8.0, current_p=0.5)
    assert when is not None and "2026-07-01" <= when <= "2026-07-20"


def test_forecast_continues_from_the_latest_value_not_from_the_fit() -> None:
    """16, 10, 13 h against 8 h: the fitted line (slope -1.5 h a month) is already
    below 8 h by the last point, but the last value (13 h) is not. From 13 h at the
    last point's middle (2026-03-16), 5 h at 1.5 h a month is ~3.3 months later."""
    points = _points({"2026-01": 16.0, "2026-02": 10.0, "2026-03": 13.0})
    xs = [(p.start.toordinal() + p.end.toordinal()) / 2 for p in points]
    assert xs[1] - xs[0] == xs[2] - xs[1]  # evenly spaced middles (29.5 days apart) ...
    slope = (13.0 - 16.0) / (xs[2] - xs[0])  # ... so the least-squares slope is (y3-y1)/(x3-x1)
    expected = date.fromordinal(round(xs[2] + (8.0 - 13.0) / slope)).isoformat()
    when = forecast(points, baseline=16.0, target=8.0, current_p=0.375)
    assert when == expected
    assert when > points[-1].end.isoformat()


def test_forecast_not_converging_when_heading_away() -> None:
    points = _points({"2026-01": 12.0, "2026-02": 13.0, "2026-03": 14.0})
    assert forecast(points, baseline=16.0, target=8.0, current_p=0.25) == "not converging"
    assert forecast(points[:1], baseline=16.0, target=8.0, current_p=0.25) is None
