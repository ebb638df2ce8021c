"""Sustainment: did the change stick? A completed improvement with ``sustain: {periods:
N}`` stays watched for the N complete periods after its last cycle closed.

For each target of that cycle, the result is the value of the last complete period on
or before the closing day (what the outcome was judged on). A watched period holds the
result when its progress (on the cycle's own scale, baseline to target) is no more
than the tolerance below the result's: FCR from 65% to a target of 85%, closed at 84%
(p = 0.95), holds while p >= 0.85, that is 82% or better. The latest watched period
decides, as the latest complete period does for an open cycle:

- ``sustained``: every target KPI with a watched period holds its result there;
- ``slipped``: one falls back (its period and value are kept).

Until a watched period is complete there is nothing to judge: the entry's health stays
the outcome's. After the N periods the verdict of the last one stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from csitools.measure.health import Watched, cycle_baseline, measured_at, progress
from csitools.measure.periods import Point
from csitools.measure.series import Series
from csitools.register.model import Improvement, Register


@dataclass(frozen=True)
class Held:
    """One target KPI under watch."""

    kpi: str
    result: Point
    """The cycle's measured result (the last complete period by the closing day)."""
    watched: tuple[Point, ...]
    """The complete periods after it, as of the as-of date, N at most."""
    holds: bool | None
    """Whether the latest watched period holds the result; None: none watched yet."""


@dataclass(frozen=True)
class Sustainment:
    periods: int
    """How many periods the entry asks to be watched."""
    cycle: int
    closed: date
    kpis: tuple[Held, ...]

    @property
    def health(self) -> Watched | None:
        """sustained, slipped, or None while nothing is watched yet."""
        verdicts = [h.holds for h in self.kpis if h.holds is not None]
        if not verdicts:
            return None
        return "sustained" if all(verdicts) else "slipped"

    @property
    def slipped(self) -> tuple[Held, ...]:
        return tuple(h for h in self.kpis if h.holds is False)

    @property
    def complete(self) -> bool:
        """Whether every target KPI has been watched for all the periods asked."""
        return bool(self.kpis) and all(len(h.watched) == self.periods for h in self.kpis)


def hold(
    kpi: str,
    series: Series,
    result: Point,
    baseline: float,
    target: float,
    as_of: date,
    periods: int,
    tolerance: float,
) -> Held:
    """Whether ``series`` holds ``result`` in the latest of the ``periods`` complete
    periods after it, as of ``as_of``."""
    watched = tuple(p for p in series.points if p.start >= result.end and p.end <= as_of)
    watched = watched[:periods]
    if not watched:
        return Held(kpi, result, (), None)
    floor = progress(baseline, target, result.value) - tolerance
    return Held(kpi, result, watched, progress(baseline, target, watched[-1].value) >= floor)


def assess_sustainment(
    imp: Improvement, reg: Register, all_series: Mapping[str, Series], as_of: date
) -> Sustainment | None:
    """A completed entry with ``sustain``: each target of its last cycle against the
    cycle's result, over the periods after it closed."""
    cycle = imp.cycles[-1] if imp.cycles else None
    if imp.sustain is None or cycle is None or cycle.closed is None:
        return None
    helds = []
    for target in cycle.targets:
        kpi, series = reg.kpis.get(target.kpi), all_series.get(target.kpi)
        b, _ = cycle_baseline(imp, cycle, target, kpi, series)
        result = measured_at(series, cycle.closed)
        if series is None or b is None or result is None:
            continue
        args = (target.value, as_of, imp.sustain, reg.settings.tolerance)
        helds.append(hold(target.kpi, series, result, b, *args))
    return Sustainment(imp.sustain, cycle.number, cycle.closed, tuple(helds))
