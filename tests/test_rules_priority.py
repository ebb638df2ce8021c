"""Priority score and backlog lane (README, "Computed status"), one rule per test, at
its boundaries, with figures worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from csitools.measure.priority import lane, score
from csitools.register.model import Improvement, Priority, Settings


def entry(
    impact: int = 4,
    urgency: int = 3,
    effort: int = 2,
    risk: int = 2,
) -> Improvement:
    return Improvement(
        id="CSI-0001",
        title="Faster resolution of email incidents",
        summary="",
        source="customer-feedback",
        raised_by="alice",
        raised_on=date(2026, 1, 5),
        owner="bob",
        status="in-progress",
        term="short",
        size="small",
        priority=Priority(impact, urgency, effort, risk),
        path="register/CSI-0001-email-resolution.yaml",
    )


@pytest.mark.parametrize(
    ("weights", "priority", "expected"),
    [
        # .4*4 + .3*3 + .2*(6-2) + .1*(6-2) = 3.7
        ({"impact": 0.4, "urgency": 0.3, "effort": 0.2, "risk": 0.1}, (4, 3, 2, 2), 3.7),
        # weights that do not sum to 1 are divided by their sum: (2*5 + 2*1) / 4 = 3
        ({"impact": 2, "urgency": 2, "effort": 0, "risk": 0}, (5, 1, 3, 3), 3.0),
        # effort and risk count against: the least effort and risk score 5
        ({"impact": 0, "urgency": 0, "effort": 1, "risk": 1}, (1, 1, 1, 1), 5.0),
        ({"impact": 0, "urgency": 0, "effort": 1, "risk": 0}, (1, 1, 5, 1), 1.0),
        # rounded to two decimals: (4 + 3 + 4) / 3 = 3.666...
        ({"impact": 1, "urgency": 1, "effort": 1, "risk": 0}, (4, 3, 2, 2), 3.67),
    ],
)
def test_score(weights: dict[str, float], priority: tuple[int, ...], expected: float) -> None:
    assert score(entry(*priority), Settings(weights=weights)) == expected


def test_score_with_all_weights_zero_is_zero_not_a_crash() -> None:
    zero = {"impact": 0, "urgency": 0, "effort": 0, "risk": 0}
    assert score(entry(), Settings(weights=zero)) == 0.0


@pytest.mark.parametrize(
    ("impact", "effort", "expected"),
    [
        (4, 2, "quick-win"),  # impact at min_impact, effort at max_effort
        (5, 1, "quick-win"),
        (4, 3, "strategic"),  # one more effort: no longer quick
        (3, 1, "other"),  # low effort but too little impact
        (5, 5, "strategic"),
    ],
)
def test_lane(impact: int, effort: int, expected: str) -> None:
    assert lane(entry(impact=impact, effort=effort), Settings()) == expected


def test_lane_thresholds_come_from_the_settings() -> None:
    settings = Settings(quick_win_min_impact=5, quick_win_max_effort=1, strategic_min_impact=3)
    assert lane(entry(impact=4, effort=1), settings) == "strategic"
    assert lane(entry(impact=5, effort=1), settings) == "quick-win"
    assert lane(entry(impact=3, effort=4), settings) == "strategic"
    assert lane(entry(impact=2, effort=1), settings) == "other"
