"""A KPI's latest value against a level: an SLA target, a scorecard goal, a benchmark.

One rule for all three: the level is met when the latest value is at it or better, in
the KPI's direction, and the gap says by how much (positive: better than the level).
Pure: the latest values come from ``RegisterStatus``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from csitools.measure.health import HEALTH_ORDER, better, worst
from csitools.measure.status import ImprovementStatus, KpiStatus
from csitools.register.model import Kpi

ROUND = 9
"""Digits a gap is rounded to: 99.99 - 99.99 is 0, not a float's 1e-14 short of it."""


@dataclass(frozen=True)
class Standing:
    """Where a KPI stands against ``level`` in its latest complete period."""

    kpi: str
    level: float
    latest: float | None = None
    period: str | None = None
    gap: float | None = None
    """How much better the latest value is than the level (negative: short of it);
    None without data."""

    @property
    def met(self) -> bool | None:
        return None if self.gap is None else self.gap >= 0


def standing(kpi: Kpi | None, ks: KpiStatus | None, level: float) -> Standing:
    """The KPI's latest value against ``level``; no gap without the KPI or its data."""
    if kpi is None or ks is None or ks.latest is None:
        return Standing(kpi.id if kpi else "", level)
    gap = round(better(kpi, ks.latest.value, level), ROUND)
    return Standing(kpi.id, level, ks.latest.value, ks.latest.period, gap)


def health_of(healths: Iterable[str | None]) -> str | None:
    """The worst of the healths given (None for those not measured), or None."""
    return worst([h for h in healths if h in HEALTH_ORDER])


def kpi_health(kpi_id: str, statuses: Sequence[ImprovementStatus]) -> str | None:
    """A KPI's health in the CSF tree: the worst health of the open targets on it."""
    return health_of(t.health for s in statuses for t in s.targets if t.kpi == kpi_id)
