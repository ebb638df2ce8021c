"""Rules over the review records (reviews/*.yaml), the register they decide on, and the
owners' commentary (``cycles[].updates``) the meetings read.

Each rule returns Problems at the line of the value at fault: who attended and who owns
an action are in the people directory, the improvements and services named exist, the
file is named after the meeting's date, a defer says when to revisit, actions are due
on or after the meeting. ``check_governance`` holds the register to its decisions when
``governance.decisions_required`` is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from csitools.problems import Fault, Problem, Where, did_you_mean
from csitools.register.checks import person_problems
from csitools.register.documents import problem_at
from csitools.register.load import SETTINGS_FILES
from csitools.register.model import Improvement, Register
from csitools.register.reviews import Decision, Review, decisions_on

NEEDS: dict[str, tuple[str, ...]] = {
    "approved": ("approve",),
    "in-progress": ("approve",),
    "measuring": ("approve",),
    "completed": ("approve", "complete"),
    "deferred": ("defer",),
    "rejected": ("reject",),
}
"""The decisions a lifecycle status needs under governance.decisions_required."""

_WORKING = ("approved", "in-progress", "measuring")
LEAVES: dict[str, tuple[str, ...]] = {
    "approve": _WORKING,
    "continue": _WORKING,
    "rebaseline": _WORKING,
    "close-cycle": _WORKING,
    "escalate": ("proposed", *_WORKING, "deferred"),
    "defer": ("deferred",),
    "reject": ("rejected",),
    "complete": ("completed",),
}
"""The statuses an entry may have while a decision is its latest: an approved entry may
be started and measured, a closed cycle is followed by the next one, an escalation
changes nothing until the higher board decides."""

_DATED = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-")
_VERBS = {"approve": "approves", "defer": "defers", "reject": "rejects", "complete": "completes"}
MAX_LISTED = 8


def either(words: tuple[str, ...] | list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)


def known_services(reg: Register) -> set[str]:
    """The services the register's entries name: what a review's scope may name until
    a service catalogue exists (then ``catalogue_checks`` holds reviews to it)."""
    return {s for imp in reg.improvements for s in imp.services}


def _people_refs(review: Review) -> Iterator[tuple[Where, str, bool]]:
    """(where, id, may be a team) for every person a review names."""
    yield ("chair",), review.chair, False
    for i, who in enumerate(review.attendees):
        yield ("attendees", i), who, True
    for action in review.actions:
        yield ("actions", action.index, "owner"), action.owner, False


def _check_references(reg: Register, review: Review) -> Iterator[Problem]:
    ids = {imp.id for imp in reg.improvements} | reg.unusable
    refs: list[tuple[Where, str]] = [
        (("decisions", d.index, "improvement"), d.improvement) for d in review.decisions
    ]
    refs += [
        (("actions", a.index, "improvement"), a.improvement)
        for a in review.actions
        if a.improvement is not None
    ]
    for where, ref in refs:
        if ref not in ids:
            yield problem_at(
                review.doc,
                review.path,
                where,
                f"{ref} is not in the register{did_you_mean(ref, ids)}; fix the id",
            )
    services = known_services(reg)
    catalogued = reg.catalogue.services_doc is not None
    for i, name in enumerate(review.services if not catalogued else ()):
        if name not in services:
            names = sorted(services)
            listed = ", ".join(names[:MAX_LISTED]) or "none yet"
            if len(names) > MAX_LISTED:
                listed += f" and {len(names) - MAX_LISTED} more"
            yield problem_at(
                review.doc,
                review.path,
                ("services", i),
                f"no improvement names the service {name!r}{did_you_mean(name, services)}; use a "
                f"name the entries' services use ({listed})",
            )
    raised = {imp.id: imp.raised_on for imp in reg.improvements}
    seen: dict[str, Where] = {}  # lines are looked up only for a problem (they cost)
    for d in review.decisions:
        where = ("decisions", d.index, "improvement")
        if d.improvement in raised and review.date < raised[d.improvement]:
            yield problem_at(
                review.doc,
                review.path,
                where,
                f"the meeting ({review.date}) is before {d.improvement} was raised "
                f"({raised[d.improvement]}); a decision cannot come before its entry, so fix "
                "the id or one of the dates",
            )
        if d.improvement in seen and review.doc is not None:
            yield problem_at(
                review.doc,
                review.path,
                where,
                f"{d.improvement} has a decision already on line "
                f"{review.doc.line(seen[d.improvement])}; a meeting takes one decision per "
                "improvement, so merge the two",
            )
        elif review.doc is not None:
            seen[d.improvement] = where


def _check_dates(review: Review) -> Iterator[Problem]:
    stem = review.id[:10]
    # A name not in the <YYYY-MM-DD>-<slug> form is reported by the loader already.
    if _DATED.match(review.id) and stem != review.date.isoformat():
        yield problem_at(
            review.doc,
            review.path,
            ("date",),
            f"the date {review.date} is not the one the file name starts with ({stem}); a "
            "review's file is named after its meeting, so rename the file or fix the date",
        )
    meeting = review.date
    for d in review.decisions:
        for fault in _revisit_faults(d, meeting):
            yield problem_at(review.doc, review.path, *fault)
    for a in review.actions:
        for key, day, what in (("due", a.due, "due"), ("done_on", a.done_on, "done")):
            if day is not None and day < meeting:
                yield problem_at(
                    review.doc,
                    review.path,
                    ("actions", a.index, key),
                    f"the action is {what} {day}, before the meeting that agreed it "
                    f"({meeting}); give a date on or after {meeting}",
                )


def _revisit_faults(d: Decision, meeting: date) -> Iterator[Fault]:
    """A defer names the day it is looked at again, after the meeting; nothing else does."""
    here: Where = ("decisions", d.index)
    if d.decision == "defer" and d.revisit_on is None:
        yield Fault(
            here,
            f"a defer needs revisit_on: the date the board looks at {d.improvement} again, "
            f"after the meeting ({meeting}); add revisit_on: YYYY-MM-DD",
        )
    elif d.decision == "defer" and d.revisit_on is not None and d.revisit_on <= meeting:
        yield Fault(
            (*here, "revisit_on"),
            f"revisit_on {d.revisit_on} is not after the meeting ({meeting}); give a later date",
        )
    elif d.decision != "defer" and d.revisit_on is not None:
        yield Fault(
            (*here, "revisit_on"),
            f"revisit_on belongs to a defer, and this decision is {d.decision}; remove "
            "it, or make the decision defer",
        )


def check_updates(reg: Register) -> Iterator[Problem]:
    """The owners' commentary: written by a person, dated within its cycle."""
    for imp in reg.improvements:
        for c, cycle in enumerate(imp.cycles):
            here: Where = ("cycles", c, "updates")
            refs = [((*here, u.index, "by"), u.by, False) for u in cycle.updates]
            yield from person_problems(reg, imp.doc, imp.path, refs)
            for u in cycle.updates:
                if u.on < cycle.opened:
                    when = f"before cycle {cycle.number} opened ({cycle.opened})"
                elif cycle.closed is not None and u.on > cycle.closed:
                    when = f"after cycle {cycle.number} closed ({cycle.closed})"
                else:
                    continue
                yield problem_at(
                    imp.doc,
                    imp.path,
                    (*here, u.index, "on"),
                    f"the update of {u.on} is dated {when}; date it within the cycle, or move "
                    "it to the cycle it is about",
                )


def check_reviews(reg: Register) -> Iterator[Problem]:
    """Every rule over every review record and the owners' updates, then governance."""
    for review in reg.reviews:
        yield from person_problems(reg, review.doc, review.path, _people_refs(review))
        yield from _check_references(reg, review)
        yield from _check_dates(review)
    yield from check_updates(reg)
    yield from check_governance(reg)


def _where(d: Decision, reg: Register) -> str:
    """A decision's file and line, as a problem message names it."""
    review = next(r for r in reg.reviews if r.id == d.review)
    line = review.doc.line(("decisions", d.index, "decision")) if review.doc else 0
    return f"{review.path}:{line}"


def _governance_problem(imp: Improvement, reg: Register) -> str | None:
    decisions = decisions_on(reg.reviews, imp.id)
    made = {d.decision for d in decisions}
    missing = [need for need in NEEDS.get(imp.status, ()) if need not in made]
    if missing:
        verbs = " and ".join(_VERBS[m] for m in missing)
        many = len(missing) > 1
        back = "in-progress or measuring" if missing == ["complete"] else "proposed"
        return (
            f"status is {imp.status}, but no review in reviews/ {verbs} {imp.id} "
            f"({SETTINGS_FILES[0]} "
            f"sets governance.decisions_required); add the {' and '.join(missing)} "
            f"decision{'s' if many else ''} to the record{'s' if many else ''} of the "
            f"meeting{'s' if many else ''} that took {'them' if many else 'it'}, or set the "
            f"status back to {back}"
        )
    latest = decisions[-1] if decisions else None
    if latest is None or imp.status in LEAVES[latest.decision]:
        return None
    leaves = LEAVES[latest.decision]
    return (
        f"status is {imp.status} but its latest decision, {latest.decision} on "
        f"{latest.decided_on} ({_where(latest, reg)}), leaves it {either(leaves)}; set "
        f"status: {leaves[0]}, or record the later decision in a reviews/ file"
    )


def check_governance(reg: Register) -> Iterator[Problem]:
    """With governance.decisions_required: each entry's status is allowed by a decision,
    and agrees with its latest one."""
    if not reg.settings.decisions_required:
        return
    for imp in reg.improvements:
        message = _governance_problem(imp, reg)
        if message is not None:
            yield problem_at(imp.doc, imp.path, ("status",), message)
