"""An improvement's priority score and backlog lane, from its entry and the register's
settings (README, "Computed status": score, lanes). Its value is in ``value``."""

from __future__ import annotations

from typing import Literal, get_args

from csitools.register.model import Improvement, Settings

Lane = Literal["quick-win", "strategic", "other"]
"""Where an entry sits in the backlog: a quick win (high impact, low effort), strategic
(high impact), or other."""

LANES: tuple[Lane, ...] = get_args(Lane)
"""The lanes in the order the home page shows them."""


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


def lane(imp: Improvement, settings: Settings) -> Lane:
    p = imp.priority
    if p.impact >= settings.quick_win_min_impact and p.effort <= settings.quick_win_max_effort:
        return "quick-win"
    if p.impact >= settings.strategic_min_impact:
        return "strategic"
    return "other"
