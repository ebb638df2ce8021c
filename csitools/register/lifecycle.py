"""Rules on an entry's life: dates in order (the schema keeps them in range), the
lifecycle status agreeing with its cycles (open, closed, outcome recorded). Part of
``check_register``."""

from __future__ import annotations

from collections.abc import Iterator

from csitools.problems import Fault, Problem
from csitools.register.documents import problem_at
from csitools.register.model import Improvement, Register


def check_dates(reg: Register) -> Iterator[Problem]:
    for imp in reg.improvements:
        for c in range(len(imp.cycles)):
            for where, message in _date_faults(imp, c):
                yield problem_at(imp.doc, imp.path, ("cycles", c, *where), message)


def _date_faults(imp: Improvement, c: int) -> Iterator[Fault]:
    """What is wrong with the dates of cycle ``c`` (from 0): (where in the cycle, message)."""
    cycle, n = imp.cycles[c], c + 1
    if cycle.opened < imp.raised_on:
        yield Fault(
            ("opened",),
            f"cycle {n} opened {cycle.opened} before the entry was raised "
            f"({imp.raised_on}); fix one of the two dates",
        )
    if cycle.closed is not None and cycle.closed < cycle.opened:
        yield Fault(
            ("closed",),
            f"cycle {n} closed {cycle.closed} before it opened ({cycle.opened}); "
            "fix one of the two dates",
        )
    if cycle.closed is None and c != len(imp.cycles) - 1:
        yield Fault(
            ("closed",),
            f"cycle {n} is still open but a later cycle exists; only the last "
            "cycle may be open, so close it (closed: YYYY-MM-DD and outcome)",
        )
    prev = imp.cycles[c - 1] if c > 0 else None
    if prev is not None and prev.closed is not None and cycle.opened < prev.closed:
        yield Fault(
            ("opened",),
            f"cycle {n} opened {cycle.opened}, before cycle {c} closed "
            f"({prev.closed}); cycles must not overlap",
        )
    for t, target in enumerate(cycle.targets):
        if target.by <= cycle.opened:
            yield Fault(
                ("targets", t, "by"),
                f"target date {target.by} is not after the cycle opened "
                f"({cycle.opened}); give a later date",
            )


def check_lifecycle(reg: Register) -> Iterator[Problem]:
    for imp in reg.improvements:
        for where, message in _lifecycle_faults(imp):
            yield problem_at(imp.doc, imp.path, where, message)


def _lifecycle_faults(imp: Improvement) -> Iterator[Fault]:
    """Where the status disagrees with the cycles: (where in the entry, message)."""
    status = imp.status
    if status == "completed":
        for c, cycle in enumerate(imp.cycles):
            if cycle.closed is None or cycle.outcome is None:
                missing = "closed date and outcome" if cycle.closed is None else "outcome"
                yield Fault(
                    ("cycles", c),
                    f"status is completed but cycle {c + 1} has no {missing}; close the "
                    "cycle with its outcome, or change the status",
                )
        if not imp.cycles:
            yield Fault(
                ("status",),
                "status is completed but the entry has no cycles; record the cycle "
                "with its targets and outcome",
            )
    elif status in ("in-progress", "measuring") and imp.open_cycle is None:
        yield Fault(
            ("status",),
            f"status is {status} but no cycle is open; open a cycle (a cycle "
            "without closed:) or change the status",
        )
    elif status == "proposed":
        for c, cycle in enumerate(imp.cycles):
            if cycle.closed is not None:
                yield Fault(
                    ("cycles", c, "closed"),
                    f"status is proposed but cycle {c + 1} is closed; a proposed entry "
                    "has not run a cycle yet, so change the status",
                )
    for c, cycle in enumerate(imp.cycles):
        if cycle.closed is None and cycle.outcome is not None:
            yield Fault(
                ("cycles", c, "outcome"),
                f"cycle {c + 1} records an outcome but is not closed; add closed: "
                "YYYY-MM-DD or remove the outcome",
            )
        if cycle.closed is not None and cycle.outcome is None and status != "completed":
            yield Fault(
                ("cycles", c, "outcome"),
                f"cycle {c + 1} is closed without an outcome; add outcome: met, "
                "partially-met or not-met",
            )
