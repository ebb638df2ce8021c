"""What the review meeting has to decide, rule by rule (README, "Running the review
meeting"), at its boundaries: the review horizon's first and last day, the day a
proposal is raised, the revisit day of a deferral, and decisions taken after the
as-of date. The register is tests/cases/positive/review-meetings: the April board
deferred CSI-0002 until 1 May 2026; CSI-0004 was proposed on 4 May 2026; CSI-0003's
satisfaction target of 4.8 is due on 30 June 2026."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from csitools.measure.decisions import (
    DecisionNeeded,
    actions_due,
    decisions_needed,
    health_changes,
)
from csitools.validation import Validation, validate_repository
from tests.conftest import CASES, materialise
from tests.test_status import write_series
from tests.test_sustain import completed


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return materialise(CASES / "positive" / "review-meetings", tmp_path / "repo")


def validate(repo: Path, as_of: date) -> Validation:
    return validate_repository(repo, as_of)


def needed(repo: Path, as_of: date, improvement: str) -> list[tuple[str, str | None]]:
    v = validate(repo, as_of)
    found = decisions_needed(v.register, v.status)
    return [(d.reason, d.kpi) for d in found if d.improvement == improvement]


def set_horizon(repo: Path, days: int) -> None:
    settings = repo / "site_config" / "register.yml"
    text = settings.read_text()
    settings.write_text(text.replace("review_horizon_days: 240", f"review_horizon_days: {days}"))


def add_review(repo: Path, day: str, decisions: str) -> None:
    text = (
        f"date: {day}\nkind: csi-board\ntitle: CSI board\nchair: carol\nattendees: [carol]\n"
        f"decisions:\n{decisions}"
    )
    (repo / "reviews" / f"{day}-csi-board.yaml").write_text(text)


SATISFACTION = "email-satisfaction"


@pytest.mark.parametrize(
    ("values", "as_of", "horizon", "reason"),
    [
        # On track (April's value, May's once May is over): due soon from the due day
        # itself back to the horizon's last day (30 June is 30 days after 31 May).
        ({"2026-04": 4.0, "2026-05": 4.1}, date(2026, 6, 30), 30, "due-soon"),
        ({"2026-04": 4.0, "2026-05": 4.1}, date(2026, 5, 31), 30, "due-soon"),
        ({"2026-04": 4.0, "2026-05": 4.1}, date(2026, 5, 31), 29, None),
        # A target's health asks the meeting whatever the horizon.
        ({"2026-05": 4.9}, date(2026, 6, 10), 1, "achieved"),
        ({"2026-05": 4.9, "2026-06": 4.5}, date(2026, 7, 15), 1, "missed"),
        ({"2026-01": 3.5}, date(2026, 5, 15), 1, "no-data"),
        ({"2026-03": 4.0}, date(2026, 5, 15), 1, "stale"),
    ],
)
def test_a_target_needs_the_meeting_when_due_soon_or_by_its_health(
    repo: Path, values: dict[str, float], as_of: date, horizon: int, reason: str | None
) -> None:
    set_horizon(repo, horizon)
    write_series(repo, SATISFACTION, values)
    expected = [(reason, SATISFACTION)] if reason else []
    assert needed(repo, as_of, "CSI-0003") == expected


@pytest.mark.parametrize(
    ("as_of", "waits"),
    [
        (date(2026, 5, 3), False),  # not raised yet
        (date(2026, 5, 4), True),  # raised that day
        (date(2026, 5, 19), True),  # escalated on 10 May: waits for the board it went to
        (date(2026, 5, 20), False),  # approved on 20 May
    ],
)
def test_a_proposal_waits_from_the_day_it_is_raised_until_a_board_decides(
    repo: Path, as_of: date, waits: bool
) -> None:
    add_review(
        repo, "2026-05-10", "  - {improvement: CSI-0004, decision: escalate, rationale: x}\n"
    )
    add_review(repo, "2026-05-20", "  - {improvement: CSI-0004, decision: approve, rationale: y}\n")
    assert needed(repo, as_of, "CSI-0004") == ([("proposed", None)] if waits else [])


@pytest.mark.parametrize(
    ("as_of", "revisit"),
    [
        (date(2026, 4, 19), None),  # before the April board: nothing deferred yet
        (date(2026, 5, 1), None),  # the revisit day itself: not past
        (date(2026, 5, 2), date(2026, 5, 1)),
        (date(2026, 5, 19), date(2026, 5, 1)),
        (date(2026, 5, 25), None),  # deferred again on 20 May, until 15 June
        (date(2026, 6, 16), date(2026, 6, 15)),
    ],
)
def test_a_deferral_comes_back_the_day_after_its_revisit_date(
    repo: Path, as_of: date, revisit: date | None
) -> None:
    again = "  - {improvement: CSI-0002, decision: defer, rationale: z, revisit_on: 2026-06-15}\n"
    add_review(repo, "2026-05-20", again)
    v = validate(repo, as_of)
    found = [d for d in decisions_needed(v.register, v.status) if d.improvement == "CSI-0002"]
    assert [(d.reason, d.due) for d in found] == ([("revisit", revisit)] if revisit else [])
    if revisit:
        [item] = found
        assert item.deferral is not None and item.deferral.revisit_on == revisit


def test_a_defer_without_a_revisit_date_never_comes_back(repo: Path) -> None:
    add_review(repo, "2026-05-20", "  - {improvement: CSI-0002, decision: defer, rationale: z}\n")
    v = validate(repo, date(2026, 9, 1))
    assert any("a defer needs revisit_on" in str(p) for p in v.problems)
    found: list[DecisionNeeded] = decisions_needed(v.register, v.status)
    assert [d for d in found if d.improvement == "CSI-0002"] == []


def test_health_changes_name_the_targets_that_changed_appeared_or_went(repo: Path) -> None:
    """Between 9 and 20 April: CSI-0001's new cycle has no data either day (unchanged);
    CSI-0003 gains a target on resolution time."""
    then = validate(repo, date(2026, 4, 9)).status
    entry = repo / "register" / "CSI-0003-email-satisfaction-survey.yaml"
    target = "      - {kpi: email-satisfaction, value: 4.8, by: 2026-06-30}\n"
    text = entry.read_text()
    assert target in text
    added = "      - {kpi: email-resolution-time, value: 7, by: 2026-06-30}\n"
    entry.write_text(text.replace(target, target + added))
    now = validate(repo, date(2026, 4, 20)).status
    changes = [
        (c.improvement, c.kpi, c.cycle, c.before, c.after) for c in health_changes(then, now)
    ]
    assert changes == [("CSI-0003", "email-resolution-time", 1, None, "on-track")]
    gone = [(c.improvement, c.kpi, c.cycle, c.before, c.after) for c in health_changes(now, then)]
    assert gone == [("CSI-0003", "email-resolution-time", 1, "on-track", None)]
    assert health_changes(now, now) == []


def test_a_completed_entry_that_slipped_asks_about_each_kpi_that_fell_back(
    register_dir: Callable[..., Path],
) -> None:
    """tests/test_sustain.py's entry: closed on 10 April on March's 9 h and 4.0; in May
    resolution time is back at 11 h (p = 0.625, below 0.775), satisfaction holds."""
    repo = register_dir()
    completed(repo, 3)
    write_series(repo, "email-resolution-time", {"2026-03": 9.0, "2026-04": 8.8, "2026-05": 11})
    write_series(repo, SATISFACTION, {"2026-03": 4.0, "2026-04": 4.0, "2026-05": 4.0})
    v = validate(repo, date(2026, 6, 2))
    found = [d for d in decisions_needed(v.register, v.status) if d.improvement == "CSI-0001"]
    assert found == [
        DecisionNeeded("CSI-0001", "bob", "slipped", "email-resolution-time", "slipped")
    ]


def test_targets_of_one_entry_and_reason_come_by_kpi(repo: Path) -> None:
    """CSI-0003 gets a second target, written after the first but earlier by name."""
    entry = repo / "register" / "CSI-0003-email-satisfaction-survey.yaml"
    target = "      - {kpi: email-satisfaction, value: 4.8, by: 2026-06-30}\n"
    added = "      - {kpi: email-resolution-time, value: 7, by: 2026-06-30}\n"
    entry.write_text(entry.read_text().replace(target, target + added))
    assert needed(repo, date(2026, 5, 15), "CSI-0003") == [
        ("due-soon", "email-resolution-time"),
        ("due-soon", SATISFACTION),
    ]


@pytest.mark.parametrize(
    ("as_of", "horizon", "titles"),
    [
        # The April board's own day counts, and so does an action due on the horizon's
        # last day (1 May is 11 days after 20 April); the one done on 2 May does not.
        (date(2026, 4, 20), 11, ["Measure how much of the time left is shared mailbox access"]),
        (date(2026, 4, 20), 10, []),
        (date(2026, 4, 19), 240, []),  # before the meeting
    ],
)
def test_actions_due_are_those_of_meetings_held_and_due_within_the_horizon(
    repo: Path, as_of: date, horizon: int, titles: list[str]
) -> None:
    set_horizon(repo, horizon)
    v = validate(repo, as_of)
    assert [a.action.title for a in actions_due(v.register, as_of)] == titles
