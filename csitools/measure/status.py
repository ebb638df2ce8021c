"""Series + targets -> health, progress, outcomes, forecasts, scores, per register.

One definition of health, used by every command and page (README, "Computed
status"): for a target of the open cycle, b is the cycle's baseline, t the target,
c the KPI value of the latest complete period as of ``as_of``;
progress p = (c - b) / (t - b); elapsed e = the share of the cycle's time gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from csitools.measure.due import judge_after_due
from csitools.measure.health import (
    EntryHealth,
    Health,
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
from csitools.measure.health import cycle_baseline as cycle_baseline  # used by charts
from csitools.measure.kpi_status import KpiStatus as KpiStatus  # part of RegisterStatus
from csitools.measure.kpi_status import assess_kpi
from csitools.measure.priority import Lane, lane, score
from csitools.measure.series import Point, Series, latest_complete
from csitools.measure.sustain import Sustainment, assess_sustainment
from csitools.measure.value import Value, assess_value
from csitools.problems import Problem, json_path
from csitools.register.model import Cycle, Improvement, Kpi, Lifecycle, Outcome, Register, Target
from csitools.register.reviews import Update


@dataclass(frozen=True)
class Tension:
    """A KPI in ``tension_with`` of a target's KPI that got worse than its own baseline
    by more than the tolerance, while the target's KPI improved."""

    kpi: str
    baseline: float
    latest: float
    period: str


@dataclass(frozen=True)
class TargetStatus:
    kpi: str
    cycle: int
    baseline: float | None
    baseline_from: str
    """'kpi' (the agreed baseline), 'cycle N' (its measured result) or 'entry' (stated)."""
    target: float
    due: date
    current: float | None
    current_period: str | None
    progress: float | None
    elapsed: float
    health: Health
    forecast: str | None
    """An ISO date when the trend reaches the target, 'not converging', or None."""
    flags: tuple[str, ...]
    tensions: tuple[Tension, ...] = ()
    """What is behind the ``tension`` flag."""
    judged: float | None = None
    judged_period: str | None = None
    """The value health is judged on, and its period: the latest complete period, or
    once the due date has passed, the last period ending on or before it."""
    since: Point | None = None
    """After the due date, what happened since: the latest period short of a target met
    by the due date (flag ``slipped``), or the first period that reached a missed target
    (flag ``reached-late``)."""


@dataclass(frozen=True)
class CycleOutcome:
    cycle: int
    closed: date
    recorded: Outcome | None
    computed: Outcome | None
    """None when a target has no data to judge by."""
    progress: Mapping[str, float | None]
    measured: Mapping[str, float | None]


@dataclass(frozen=True)
class ImprovementStatus:
    id: str
    title: str
    status: Lifecycle
    health: EntryHealth | None
    """None for entries not being measured (proposed, deferred, rejected, no cycle)."""
    score: float
    lane: Lane
    value: Value
    cycle: int | None
    flags: tuple[str, ...]
    targets: tuple[TargetStatus, ...]
    outcomes: tuple[CycleOutcome, ...]
    updates: tuple[Update, ...] = ()
    """The owner's commentary on the current cycle, newest first (from the entry)."""
    sustain: Sustainment | None = None
    """For a completed entry with ``sustain``: whether its result holds since closure."""


@dataclass(frozen=True)
class RegisterStatus:
    as_of: date
    improvements: tuple[ImprovementStatus, ...]
    kpis: Mapping[str, KpiStatus]
    problems: tuple[Problem, ...]


def assess_target(
    imp: Improvement,
    cycle: Cycle,
    target: Target,
    kpis: Mapping[str, Kpi],
    all_series: Mapping[str, Series],
    as_of: date,
    tolerance: float,
) -> TargetStatus:
    kpi = kpis.get(target.kpi)
    series = all_series.get(target.kpi)
    b, b_from = cycle_baseline(imp, cycle, target, kpi, series)
    e = round(elapsed(cycle.opened, target.by, as_of), 4)
    partial = bool(kpi.source.get("partial")) if kpi else False
    point = latest_complete(series, as_of, partial) if series else None
    base: dict[str, Any] = dict(
        kpi=target.kpi,
        cycle=cycle.number,
        baseline=b,
        baseline_from=b_from,
        target=target.value,
        due=target.by,
        elapsed=e,
    )
    judged, after = point, None
    if series is not None and b is not None and as_of > target.by:
        after = judge_after_due(
            series, target.by, point, lambda v: progress(b, target.value, v) >= 1
        )
        judged = after.judged
    if kpi is None or b is None or point is None or judged is None or judged.end <= cycle.opened:
        return _no_data(base, after.judged_period if after else None)
    assert series is not None
    c, p = point.value, progress(b, target.value, judged.value)
    pulled = _tensions(kpi, kpis, all_series, as_of, tolerance) if better(kpi, c, b) > 0 else ()
    flags = [after.flag] if after and after.flag else []
    flags += [
        f for f, on in (("threshold-breach", past_threshold(kpi, c)), ("tension", pulled)) if on
    ]
    since = [pt for pt in series.points if pt.end > cycle.opened and pt.end <= point.end]
    return TargetStatus(
        **base,
        current=c,
        current_period=point.period,
        progress=round(p, 4),
        health=target_health(
            p, e, tolerance, after is not None, is_stale(point, kpi.review_cadence, as_of)
        ),
        forecast=forecast(since, b, target.value, progress(b, target.value, c)),
        flags=tuple(flags),
        tensions=pulled,
        judged=judged.value,
        judged_period=judged.period,
        since=after.since if after else None,
    )


def _no_data(base: dict[str, Any], judged_period: str | None) -> TargetStatus:
    """A target with no value to judge (no KPI, baseline or period since it opened)."""
    return TargetStatus(
        **base,
        current=None,
        current_period=None,
        progress=None,
        health="no-data",
        forecast=None,
        flags=(),
        judged_period=judged_period,
    )


def _tensions(
    kpi: Kpi,
    kpis: Mapping[str, Kpi],
    all_series: Mapping[str, Series],
    as_of: date,
    tolerance: float,
) -> tuple[Tension, ...]:
    """The KPIs in tension with this one that got worse than their own baseline by more
    than the tolerance (relative to that baseline)."""
    found = []
    for other_id in kpi.tension_with:
        other, series = kpis.get(other_id), all_series.get(other_id)
        if other is None or series is None:
            continue
        point = latest_complete(series, as_of, bool(other.source.get("partial")))
        if point is None:
            continue
        margin = tolerance * abs(other.baseline.value)
        if better(other, point.value, other.baseline.value) < -margin:
            found.append(Tension(other_id, other.baseline.value, point.value, point.period))
    return tuple(found)


def assess_outcome(
    imp: Improvement,
    cycle: Cycle,
    kpis: Mapping[str, Kpi],
    all_series: Mapping[str, Series],
) -> CycleOutcome:
    assert cycle.closed is not None
    progresses: dict[str, float | None] = {}
    measured: dict[str, float | None] = {}
    for target in cycle.targets:
        series = all_series.get(target.kpi)
        b, _ = cycle_baseline(imp, cycle, target, kpis.get(target.kpi), series)
        point = measured_at(series, cycle.closed)
        measured[target.kpi] = point.value if point else None
        progresses[target.kpi] = (
            round(progress(b, target.value, point.value), 4)
            if point is not None and b is not None
            else None
        )
    known = [p for p in progresses.values() if p is not None]
    computed = outcome_of(min(known)) if known and len(known) == len(progresses) else None
    return CycleOutcome(
        cycle=cycle.number,
        closed=cycle.closed,
        recorded=cycle.outcome,
        computed=computed,
        progress=progresses,
        measured=measured,
    )


def _outcome_problem(
    imp: Improvement, c: int, outcome: CycleOutcome, kpis: Mapping[str, Kpi]
) -> Problem:
    where = ("cycles", c - 1, "outcome")
    line = imp.doc.line(where) if imp.doc else 0
    details = "; ".join(
        f"{k}: {_fmt(outcome.measured[k])} {kpis[k].unit if k in kpis else ''}".rstrip()
        + f", progress {_pct(p)}"
        for k, p in outcome.progress.items()
    )
    return Problem(
        imp.path,
        line,
        json_path(where),
        f"cycle {c} records outcome {outcome.recorded!r} but the data say "
        f"{outcome.computed!r} ({details}); correct the outcome, or the data",
    )


def baseline_origin(source: str) -> str:
    """Where a cycle's baseline came from, in words (``TargetStatus.baseline_from``)."""
    if source == "kpi":
        return "the KPI's agreed baseline"
    if source == "entry":
        return "stated in the entry"
    return f"from {source}"  # "cycle N": its measured result


def _backwards_targets(
    imp: Improvement, cycle: Cycle, kpis: Mapping[str, Kpi], all_series: Mapping[str, Series]
) -> list[Problem]:
    """A target no better than its cycle's baseline (in the KPI's direction) would read
    as regressed from the first day: say so, naming the baseline and where it is from."""
    problems = []
    for t, target in enumerate(cycle.targets):
        kpi = kpis.get(target.kpi)
        b, b_from = cycle_baseline(imp, cycle, target, kpi, all_series.get(target.kpi))
        if kpi is None or b is None or better(kpi, target.value, b) > 0:
            continue
        where = ("cycles", cycle.number - 1, "targets", t, "value")
        word = "lower" if kpi.direction == "decrease" else "higher"
        problems.append(
            Problem(
                imp.path,
                imp.doc.line(where) if imp.doc else 0,
                json_path(where),
                f"target {target.value:g} is not better than the cycle's baseline {b:g} "
                f"({baseline_origin(b_from)}); {kpi.name!r} improves as it gets {word}, so "
                f"set a {word} target, or state the target's own baseline",
            )
        )
    return problems


def _fmt(value: float | None) -> str:
    return "no data" if value is None else f"{value:g}"


def _pct(p: float | None) -> str:
    return "unknown" if p is None else f"{round(p * 100) + 0}%"  # + 0: no "-0%"


def assess_improvement(
    imp: Improvement,
    reg: Register,
    all_series: Mapping[str, Series],
    as_of: date,
    kpi_status: Mapping[str, KpiStatus],
) -> tuple[ImprovementStatus, list[Problem]]:
    problems: list[Problem] = []
    outcomes = []
    for cycle in imp.cycles:
        problems += _backwards_targets(imp, cycle, reg.kpis, all_series)
        if cycle.closed is None:
            continue
        outcome = assess_outcome(imp, cycle, reg.kpis, all_series)
        outcomes.append(outcome)
        if outcome.recorded is not None and outcome.computed not in (None, outcome.recorded):
            problems.append(_outcome_problem(imp, cycle.number, outcome, reg.kpis))
    targets: tuple[TargetStatus, ...] = ()
    health: EntryHealth | None = None
    current = imp.open_cycle
    if current is not None and imp.status in ("approved", "in-progress", "measuring"):
        targets = tuple(
            assess_target(imp, current, t, reg.kpis, all_series, as_of, reg.settings.tolerance)
            for t in current.targets
        )
        health = worst([t.health for t in targets])
    elif imp.status == "completed" and outcomes:
        computed = outcomes[-1].computed
        health = None if computed is None else "achieved" if computed == "met" else "missed"
    watch = assess_sustainment(imp, reg, all_series, as_of) if imp.status == "completed" else None
    if watch is not None and watch.health is not None:
        health = watch.health
    flags = tuple(sorted({f for t in targets for f in t.flags}))
    status = ImprovementStatus(
        id=imp.id,
        title=imp.title,
        status=imp.status,
        health=health,
        score=score(imp, reg.settings),
        lane=lane(imp, reg.settings),
        value=assess_value(imp, reg.kpis, kpi_status, reg.settings.currency, as_of),
        cycle=imp.current_cycle.number if imp.current_cycle else None,
        flags=flags,
        targets=targets,
        outcomes=tuple(outcomes),
        updates=imp.current_cycle.updates if imp.current_cycle else (),
        sustain=watch,
    )
    return status, problems


def assess_register(reg: Register, all_series: Mapping[str, Series], as_of: date) -> RegisterStatus:
    """Health of every improvement and KPI as of a date, and the outcome disagreements."""
    kpis = {k: assess_kpi(kpi, all_series.get(k), as_of) for k, kpi in reg.kpis.items()}
    statuses, problems = [], []
    for imp in reg.improvements:
        status, found = assess_improvement(imp, reg, all_series, as_of, kpis)
        statuses.append(status)
        problems += found
    return RegisterStatus(as_of, tuple(statuses), kpis, tuple(sorted(problems)))
