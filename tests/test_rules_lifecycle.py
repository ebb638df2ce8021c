"""An entry's dates and lifecycle (``csi validate``) at their boundaries: a cycle may
open the day the entry is raised and close the day it opens, a target is due after its
cycle opens, and the status agrees with the cycles. Each case is one entry raised on
2026-01-05 with the cycles written out, and the exact problems it gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_rules_checks import validate_with
from tests.test_validate_broken import entry

FILE = "register/CSI-0003-entry.yaml"


def cycle(opened: str, by: str = "2026-03-31", closed: str = "", outcome: str = "") -> str:
    """A cycle of one target. In an entry's first cycle, opened is on line 13, the
    target's by on line 16, then closed and outcome (each only when given)."""
    text = (
        f"  - opened: {opened}\n    vision: Answers the same day\n    targets:\n"
        f"      - {{kpi: email-resolution-time, value: 8, by: {by}}}\n"
    )
    text += f"    closed: {closed}\n" if closed else ""
    return text + (f"    outcome: {outcome}\n" if outcome else "")


def with_cycles(status: str, *cycles: str) -> str:
    """Entry CSI-0003 (status on line 8) with these cycles (``cycles:`` on line 12)."""
    return entry(
        "CSI-0003", ("status: proposed", f"status: {status}"), "cycles:\n" + "".join(cycles)
    )


def assert_problems(
    text: str, problems: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``csi validate`` reports exactly ``problems`` (line: path: message) in the entry."""
    n = len(problems)
    assert validate_with([(FILE, text)], tmp_path, monkeypatch) == [
        *(f"{FILE}:{p}" for p in problems),
        f"7 files checked, {n} problem{'' if n == 1 else 's'}",
    ]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        # A cycle may open the day the entry is raised, not the day before.
        (with_cycles("in-progress", cycle("2026-01-05")), []),
        (
            with_cycles("in-progress", cycle("2026-01-04")),
            [
                "13: $.cycles[0].opened: cycle 1 opened 2026-01-04 before the entry was "
                "raised (2026-01-05); fix one of the two dates"
            ],
        ),
        # A cycle may close the day it opens, not the day before.
        (
            with_cycles("completed", cycle("2026-01-10", closed="2026-01-10", outcome="not-met")),
            [],
        ),
        (
            with_cycles("completed", cycle("2026-01-10", closed="2026-01-09", outcome="not-met")),
            [
                "17: $.cycles[0].closed: cycle 1 closed 2026-01-09 before it opened "
                "(2026-01-10); fix one of the two dates"
            ],
        ),
        # A target is due after its cycle opens: the day after will do, the day itself not.
        (with_cycles("in-progress", cycle("2026-01-10", by="2026-01-11")), []),
        (
            with_cycles("in-progress", cycle("2026-01-10", by="2026-01-10")),
            [
                "16: $.cycles[0].targets[0].by: target date 2026-01-10 is not after the cycle "
                "opened (2026-01-10); give a later date"
            ],
        ),
    ],
    ids=[
        "opened-the-day-raised",
        "opened-the-day-before",
        "closed-the-day-opened",
        "closed-the-day-before",
        "due-the-day-after",
        "due-the-day-opened",
    ],
)
def test_dates_in_order(
    text: str, problems: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_problems(text, problems, tmp_path, monkeypatch)


CLOSED = cycle("2026-01-10", closed="2026-02-27")  # without its outcome (line 18)
SECOND = cycle("2026-03-02", by="2026-06-30")


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        # A completed entry has run at least one cycle ...
        (
            entry("CSI-0003", ("status: proposed", "status: completed")),
            [
                "8: $.status: status is completed but the entry has no cycles; record the "
                "cycle with its targets and outcome"
            ],
        ),
        # ... each closed with its outcome: one problem for a missing one, said once.
        (
            with_cycles("completed", CLOSED),
            [
                "13: $.cycles[0]: status is completed but cycle 1 has no outcome; close the "
                "cycle with its outcome, or change the status"
            ],
        ),
        # Whatever the status, a closed cycle has an outcome.
        (
            with_cycles("in-progress", CLOSED, SECOND),
            [
                "13: $.cycles[0].outcome: cycle 1 is closed without an outcome; add outcome: "
                "met, partially-met or not-met"
            ],
        ),
    ],
    ids=["completed-without-cycles", "completed-without-outcome", "closed-without-outcome"],
)
def test_the_status_agrees_with_the_cycles(
    text: str, problems: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_problems(text, problems, tmp_path, monkeypatch)
