"""A KPI on its own, as of a date: the latest complete value, whether it is stale or
past its action threshold, the gaps in its data and, with ``breakdown_by``, the top
contributors of the latest period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csitools.measure.breakdown import Contributors, top_contributors
from csitools.measure.gaps import missing as missing_periods
from csitools.measure.health import better, is_stale, past_threshold
from csitools.measure.periods import Point
from csitools.measure.series import Series, latest_complete
from csitools.measure.snapshot import SNAPSHOTS
from csitools.register.model import Kpi


@dataclass(frozen=True)
class KpiStatus:
    id: str
    latest: Point | None
    stale: bool
    threshold_breach: bool
    change: float | None
    """latest - baseline, signed so that positive is better."""
    breakdown: Contributors | None = None
    """With ``breakdown_by``: the top contributors of the latest period."""
    gaps: tuple[str, ...] = ()
    """The periods with no value inside the series, up to the latest."""


def assess_kpi(kpi: Kpi, series: Series | None, as_of: date) -> KpiStatus:
    point = latest_complete(series, as_of, bool(kpi.source.get("partial"))) if series else None
    breakdown: Contributors | None = None
    gaps: tuple[str, ...] = ()
    if series is not None and point is not None:
        known = [p for p in series.points if p.end <= point.end]
        if series.groups is not None:
            periods = [p.period for p in known]
            breakdown = top_contributors(series.groups, periods, kpi.source["aggregate"])
        if not any(kind in (kpi.source.get("measure") or {}) for kind in SNAPSHOTS):
            gaps = missing_periods(known)
    return KpiStatus(
        id=kpi.id,
        latest=point,
        stale=is_stale(point, kpi.review_cadence, as_of),
        threshold_breach=past_threshold(kpi, point.value if point else None),
        change=better(kpi, point.value, kpi.baseline.value) if point else None,
        breakdown=breakdown,
        gaps=gaps,
    )
