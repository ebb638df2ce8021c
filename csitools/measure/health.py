"""The arithmetic of health: progress, time gone, staleness, direction, forecast, and
the order of the healths (README, "Computed status"). Plain values in, plain values out;
``status`` applies them to the register."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal, get_args

from csitools.measure.series import Point, Series, latest_complete
from csitools.register.model import Cycle, Improvement, Kpi, Outcome, Target

Health = Literal["regressed", "missed", "at-risk", "stale", "no-data", "on-track", "achieved"]
"""A target's computed health, and an improvement's (its worst target's); the values
are listed worst first."""

HEALTH_ORDER: tuple[Health, ...] = get_args(Health)
"""Worst first: an improvement's health is its worst target's."""

Watched = Literal["sustained", "slipped"]
"""The health of a completed improvement still watched (``sustain``): whether its last
cycle's result holds."""
EntryHealth = Health | Watched
"""An improvement's health: its worst target's, or a completed one's."""

CADENCE_DAYS = {"weekly": 7, "monthly": 31, "quarterly": 92}
"""How old (days after its period ended) the newest value may be before it is stale."""

FORECAST_HORIZON_DAYS = 3650


def worst(healths: Sequence[Health]) -> Health | None:
    return min(healths, key=HEALTH_ORDER.index) if healths else None


def progress(baseline: float, target: float, current: float) -> float:
    """p = (c - b) / (t - b); a target equal to its baseline is met when c is there."""
    if target == baseline:
        return 1.0 if current == target else -1.0
    return (current - baseline) / (target - baseline)


def target_health(p: float, e: float, tolerance: float, past_due: bool, stale: bool) -> Health:
    """One target's health from its progress p and time gone e (README, "Computed
    status"); ``past_due``: p is the due date's, and the question is "did we get there?"."""
    if past_due:
        return "achieved" if p >= 1 else "missed"
    if p < 0:
        return "regressed"
    if p >= 1:
        return "achieved"
    if stale:
        return "stale"
    return "at-risk" if p < e - tolerance else "on-track"


def outcome_of(p: float) -> Outcome:
    if p >= 1:
        return "met"
    return "partially-met" if p > 0 else "not-met"


def elapsed(opened: date, due: date, as_of: date) -> float:
    span = (due - opened).days
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (as_of - opened).days / span))


def is_stale(point: Point | None, cadence: str, as_of: date) -> bool:
    return point is not None and (as_of - point.end).days > CADENCE_DAYS[cadence]


def better(kpi: Kpi, a: float, b: float) -> float:
    """How much better a is than b in the KPI's direction (negative: worse)."""
    return (b - a) if kpi.direction == "decrease" else (a - b)


def past_threshold(kpi: Kpi, value: float | None) -> bool:
    if value is None or kpi.action_threshold is None:
        return False
    return better(kpi, value, kpi.action_threshold) < 0


def forecast(points: list[Point], baseline: float, target: float, current_p: float) -> str | None:
    """The date the cycle's trend, continued from the latest value, reaches the target:
    the slope is the least-squares fit through the cycle's values, and the line starts
    from the latest value rather than from the fit, so a noisy last value that is still
    short of the target never yields a date in the past. 'not converging' when the
    trend heads away (or nowhere), None when there is nothing to fit or the target is
    already reached. Shown beside health, never changing it."""
    if current_p >= 1 or len(points) < 2:
        return None
    xs = [(p.start.toordinal() + p.end.toordinal()) / 2 for p in points]
    ys = [p.value for p in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    if slope * (target - baseline) <= 0:
        return "not converging"
    reach = xs[-1] + (target - ys[-1]) / slope
    if reach - xs[-1] > FORECAST_HORIZON_DAYS:
        return "not converging"
    return date.fromordinal(round(reach)).isoformat()


def measured_at(series: Series | None, day: date) -> Point | None:
    """The value of the last complete period ending on or before ``day``."""
    if series is None:
        return None
    return latest_complete(series, day + timedelta(days=1))


def cycle_baseline(
    imp: Improvement, cycle: Cycle, target: Target, kpi: Kpi | None, series: Series | None
) -> tuple[float | None, str]:
    """Cycle 1 starts from the KPI's agreed baseline; cycle N+1 from cycle N's
    measured result, unless the target states its own baseline."""
    if target.baseline is not None:
        return target.baseline, "entry"
    if cycle.number > 1:
        prev = imp.cycles[cycle.number - 2]
        if prev.closed is not None:
            point = measured_at(series, prev.closed)
            if point is not None:
                return point.value, f"cycle {prev.number}"
    if kpi is None:
        return None, "kpi"
    return kpi.baseline.value, "kpi"
