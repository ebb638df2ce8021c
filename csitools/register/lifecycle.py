"""Rules on an entry's life: dates in order (the schema keeps them in range), the
lifecycle status agreeing with its cycles (open, closed, outcome recorded). Part of
``check_register``."""

from __future__ import annotations

from collections.abc import Iterator

from csitools.problems import Problem, Where
from csitools.register.documents import problem_at
from csitools.register.model import Register


def check_dates(reg: Register) -> Iterator[Problem]:
    for imp in reg.improvements:
        last = len(imp.cycles) - 1
        for c, cycle in enumerate(imp.cycles):
            here: Where = ("cycles", c)
            if cycle.opened < imp.raised_on:
                yield problem_at(
                    imp.doc,
                    imp.path,
                    (*here, "opened"),
                    f"cycle {c + 1} opened {cycle.opened} before the entry was raised "
                    f"({imp.raised_on}); fix one of the two dates",
                )
            if cycle.closed is not None and cycle.closed < cycle.opened:
                yield problem_at(
                    imp.doc,
                    imp.path,
                    (*here, "closed"),
                    f"cycle {c + 1} closed {cycle.closed} before it opened ({cycle.opened}); "
                    "fix one of the two dates",
                )
            if cycle.closed is None and c != last:
                yield problem_at(
                    imp.doc,
                    imp.path,
                    (*here, "closed"),
                    f"cycle {c + 1} is still open but a later cycle exists; only the last "
                    "cycle may be open, so close it (closed: YYYY-MM-DD and outcome)",
                )
            if c > 0:
                prev = imp.cycles[c - 1]
                if prev.closed is not None and cycle.opened < prev.closed:
                    yield problem_at(
                        imp.doc,
                        imp.path,
                        (*here, "opened"),
                        f"cycle {c + 1} opened {cycle.opened}, before cycle {c} closed "
                        f"({prev.closed}); cycles must not overlap",
                    )
            for t, target in enumerate(cycle.targets):
                if target.by <= cycle.opened:
                    yield problem_at(
                        imp.doc,
                        imp.path,
                        (*here, "targets", t, "by"),
                        f"target date {target.by} is not after the cycle opened "
                        f"({cycle.opened}); give a later date",
                    )


def check_lifecycle(reg: Register) -> Iterator[Problem]:
    for imp in reg.improvements:
        status = imp.status
        if status == "completed":
            for c, cycle in enumerate(imp.cycles):
                if cycle.closed is None or cycle.outcome is None:
                    missing = "closed date and outcome" if cycle.closed is None else "outcome"
                    yield problem_at(
                        imp.doc,
                        imp.path,
                        ("cycles", c),
                        f"status is completed but cycle {c + 1} has no {missing}; close the "
                        "cycle with its outcome, or change the status",
                    )
            if not imp.cycles:
                yield problem_at(
                    imp.doc,
                    imp.path,
                    ("status",),
                    "status is completed but the entry has no cycles; record the cycle "
                    "with its targets and outcome",
                )
        elif status in ("in-progress", "measuring") and imp.open_cycle is None:
            yield problem_at(
                imp.doc,
                imp.path,
                ("status",),
                f"status is {status} but no cycle is open; open a cycle (a cycle "
                "without closed:) or change the status",
            )
        elif status == "proposed":
            for c, cycle in enumerate(imp.cycles):
                if cycle.closed is not None:
                    yield problem_at(
                        imp.doc,
                        imp.path,
                        ("cycles", c, "closed"),
                        f"status is proposed but cycle {c + 1} is closed; a proposed entry "
                        "has not run a cycle yet, so change the status",
                    )
        for c, cycle in enumerate(imp.cycles):
            if cycle.closed is None and cycle.outcome is not None:
                yield problem_at(
                    imp.doc,
                    imp.path,
                    ("cycles", c, "outcome"),
                    f"cycle {c + 1} records an outcome but is not closed; add closed: "
                    "YYYY-MM-DD or remove the outcome",
                )
            if cycle.closed is not None and cycle.outcome is None and status != "completed":
                yield problem_at(
                    imp.doc,
                    imp.path,
                    ("cycles", c, "outcome"),
                    f"cycle {c + 1} is closed without an outcome; add outcome: met, "
                    "partially-met or not-met",
                )
