"""An improvement's priority score, backlog lane and ROI, from its entry and the
register's settings (README, "Computed status": score, lanes, ROI)."""

from __future__ import annotations

from csitools.register.model import Improvement, Settings


def score(imp: Improvement, settings: Settings) -> float:
    """Weighted priority, 1..5: effort and risk count against (6 - x)."""
    w, p = settings.weights, imp.priority
    total = (
        w["impact"] * p.impact
        + w["urgency"] * p.urgency
        + w["effort"] * (6 - p.effort)
        + w["risk"] * (6 - p.risk)
    )
    weight = sum(w.values()) or 1.0
    return round(total / weight, 2)


def lane(imp: Improvement, settings: Settings) -> str:
    p = imp.priority
    if p.impact >= settings.quick_win_min_impact and p.effort <= settings.quick_win_max_effort:
        return "quick-win"
    if p.impact >= settings.strategic_min_impact:
        return "strategic"
    return "other"


def roi(imp: Improvement) -> float | None:
    """(annual financial benefit - cost) / cost, when both are given in one currency."""
    benefit, cost = imp.financial, imp.cost
    if benefit is None or cost is None or cost.amount == 0 or benefit.currency != cost.currency:
        return None
    annual = benefit.amount * (12 if benefit.per == "month" else 1)
    return round((annual - cost.amount) / cost.amount, 2)
