"""Sustainment at its boundaries (README, "Computed status"): which periods are
watched, the tolerance below the result, the latest watched period deciding, and which
entries are watched at all. Cases are data, with dates chosen so that the answer is
known: a month's period ends on the first day of the next month."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from csitools.measure.status import ImprovementStatus
from csitools.measure.sustain import Held, hold
from csitools.validation import validate_repository
from tests.test_rules_health import point, series
from tests.test_status import write_series

# README's example: FCR from 65% to a target of 85%, closed at 84% (p = 0.95) in March;
# with a tolerance of 0.10 it holds while p >= 0.85, that is 82% or better.
RESULT = point("2026-03", 84.0)
Q2 = ("2026-04", "2026-05", "2026-06")


@pytest.mark.parametrize(
    ("after", "as_of", "watched", "holds"),
    [
        # April is complete on 1 May, not on 30 April: nothing watched the day before.
        ({"2026-04": 82.0}, date(2026, 4, 30), (), None),
        # Exactly the tolerance below the result holds; anything below slips.
        ({"2026-04": 82.0}, date(2026, 5, 1), ("2026-04",), True),
        ({"2026-04": 81.9}, date(2026, 5, 1), ("2026-04",), False),
        # The latest watched period decides: a dip that recovered holds ...
        ({"2026-04": 80, "2026-05": 81, "2026-06": 83}, date(2026, 7, 1), Q2, True),
        # ... and a fall in the latest one slips, whatever came before.
        (
            {"2026-04": 83, "2026-05": 81, "2026-06": 80},
            date(2026, 7, 1),
            Q2,
            False,
        ),
        # After the three periods asked, the third one's verdict stands.
        (
            {"2026-04": 83, "2026-05": 83, "2026-06": 80, "2026-07": 84},
            date(2026, 9, 1),
            Q2,
            False,
        ),
    ],
)
def test_the_latest_of_the_watched_periods_holds_the_result_within_the_tolerance(
    after: dict[str, float], as_of: date, watched: tuple[str, ...], holds: bool | None
) -> None:
    fcr = series({"2026-02": 83.0, "2026-03": 84.0, **after})
    held = hold("fcr", fcr, RESULT, 65.0, 85.0, as_of, 3, 0.10)
    points = tuple(p for p in fcr.points if p.period in watched)
    assert held == Held("fcr", RESULT, points, holds)


ENTRY = "register/CSI-0001-email-resolution.yaml"


def status_of(repo: Path, as_of: date) -> ImprovementStatus:
    result = validate_repository(repo, as_of)
    return next(s for s in result.status.improvements if s.id == "CSI-0001")


def completed_with_two_cycles(repo: Path) -> None:
    """The base entry completed after its second cycle (9 h -> 6 h), closed on 5 July."""
    path = repo / ENTRY
    text = path.read_text().replace("status: in-progress", "status: completed")
    text = text.replace("cycles:\n", "sustain: {periods: 2}\ncycles:\n")
    path.write_text(text + "    closed: 2026-07-05\n    outcome: partially-met\n")


def test_a_second_cycle_is_watched_on_its_own_scale_from_the_first_cycle_s_result(
    register_dir: Callable[..., Path],
) -> None:
    """Cycle 2 starts from cycle 1's result (March, 9 h) towards 6 h; June's 6.5 h is
    p = 0.8333, so a watched period holds while p >= 0.7333, that is 6.8 h or better.
    July's 7.0 h slips (on the agreed baseline's scale, 16 h -> 6 h, it would hold)."""
    repo = register_dir()
    completed_with_two_cycles(repo)
    values = {"2026-03": 9.0, "2026-04": 8.0, "2026-05": 7.0, "2026-06": 6.5, "2026-07": 7.0}
    write_series(repo, "email-resolution-time", values)
    # 31 July: July is not complete, nothing is watched yet and the outcome stands.
    before = status_of(repo, date(2026, 7, 31))
    assert before.sustain is not None
    [held] = before.sustain.kpis
    assert (held.kpi, held.result.period, held.watched, held.holds) == (
        "email-resolution-time",
        "2026-06",
        (),
        None,
    )
    assert before.health == "missed"
    after = status_of(repo, date(2026, 8, 1))
    assert after.sustain is not None
    assert [(h.kpi, h.holds) for h in after.sustain.kpis] == [("email-resolution-time", False)]
    assert after.health == "slipped"


def test_a_target_without_a_result_by_the_closing_day_is_not_watched(
    register_dir: Callable[..., Path],
) -> None:
    """Cycle 1 closed on 10 April; resolution time has no period complete by then (its
    data start in April), so only satisfaction is watched."""
    repo = register_dir()
    path = repo / ENTRY
    text = path.read_text()
    text = text[: text.index("  - opened: 2026-04-10")]
    text = text.replace("status: in-progress", "status: completed")
    path.write_text(text.replace("cycles:\n", "sustain: {periods: 3}\ncycles:\n"))
    write_series(repo, "email-resolution-time", {"2026-04": 8.8, "2026-05": 8.0})
    write_series(repo, "email-satisfaction", {"2026-03": 4.0, "2026-04": 4.0})
    st = status_of(repo, date(2026, 5, 15))
    assert st.sustain is not None
    assert [(h.kpi, h.result.period, h.holds) for h in st.sustain.kpis] == [
        ("email-satisfaction", "2026-03", True)
    ]


@pytest.mark.parametrize(
    "change",
    [
        "last cycle open",  # completed, but cycle 2 has no closed date (a problem)
        "no cycles",  # completed with no cycle at all (a problem)
    ],
)
def test_only_a_closed_last_cycle_is_watched(
    register_dir: Callable[..., Path], change: str
) -> None:
    repo = register_dir()
    path = repo / ENTRY
    text = path.read_text().replace("status: in-progress", "status: completed")
    text = text.replace("cycles:\n", "sustain: {periods: 2}\ncycles:\n")
    if change == "no cycles":
        text = text[: text.index("cycles:\n")]
    path.write_text(text)
    assert status_of(repo, date(2026, 5, 15)).sustain is None
