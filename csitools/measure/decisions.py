"""What a review meeting has to look at: the decisions the register waits for, the
actions due, and how each target's health moved since an earlier date (the last
meeting, or any day).

Pure functions over the register, its computed status and the review records. Health
"then" is always a ``RegisterStatus`` from the one status computation
(``assess_register``) as of the earlier date, never a second definition of health.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from csitools.measure.series import Series
from csitools.measure.status import ImprovementStatus, RegisterStatus, assess_register
from csitools.register.model import Improvement, Register
from csitools.register.reviews import Action, Decision, Review, latest_decision

QUESTIONS = {
    "achieved": "Achieved while the cycle is open: close the cycle, or set the next target?",
    "missed": "Missed and the cycle still open: close it, re-base the target, or continue?",
    "slipped": "Completed, and a KPI fell back from the result since: a new cycle, or accept it?",
    "proposed": "Proposed and not decided yet: approve, defer or reject?",
    "no-data": "No data since the cycle opened: is the data source working?",
    "stale": "The data are older than the review cadence allows: who updates them?",
    "due-soon": "Due soon: is the cycle ready for its review?",
    "revisit": "Deferred until a date that has passed: decide again.",
}
"""Why an entry needs the meeting, as the question the meeting answers; in this order."""


@dataclass(frozen=True)
class DecisionNeeded:
    """One thing the register waits for a meeting to decide."""

    improvement: str
    owner: str
    """The improvement's owner, who brings it to the meeting."""
    reason: str
    """A key of ``QUESTIONS``."""
    kpi: str | None = None
    """The target's KPI, for a reason about one target."""
    health: str | None = None
    due: date | None = None
    """The target's due date, or the date a deferred entry was to be revisited."""
    deferral: Decision | None = None
    """For ``revisit``: the defer that set the date."""

    @property
    def question(self) -> str:
        return QUESTIONS[self.reason]


@dataclass(frozen=True)
class ActionDue:
    action: Action
    state: str
    """overdue, or open (due within the review horizon)."""


@dataclass(frozen=True)
class HealthChange:
    """A target whose health differs between two dates (None: not measured then, or
    not any more)."""

    improvement: str
    kpi: str
    cycle: int
    before: str | None
    after: str | None


def _target_reason(health: str, due: date, as_of: date, horizon: int) -> str | None:
    if health in ("achieved", "missed", "no-data", "stale"):
        return health
    if as_of <= due <= as_of + timedelta(days=horizon):
        return "due-soon"
    return None


def _awaits_decision(imp: Improvement, reviews: Sequence[Review], as_of: date) -> bool:
    """A proposal raised by ``as_of`` that no meeting has decided on (an escalation
    waits for the board it went to)."""
    if imp.status != "proposed" or imp.raised_on > as_of:
        return False
    latest = latest_decision(reviews, imp.id, before=as_of)
    return latest is None or latest.decision == "escalate"


def _overdue_deferral(imp: Improvement, reviews: Sequence[Review], as_of: date) -> Decision | None:
    if imp.status != "deferred":
        return None
    latest = latest_decision(reviews, imp.id, before=as_of)
    if latest is None or latest.decision != "defer" or latest.revisit_on is None:
        return None
    return latest if as_of > latest.revisit_on else None


def _entry_needs(
    imp: Improvement, st: ImprovementStatus, reg: Register, as_of: date
) -> list[DecisionNeeded]:
    horizon = reg.settings.review_horizon_days
    found = []
    for t in st.targets:
        reason = _target_reason(t.health, t.due, as_of, horizon)
        if reason is not None:
            found.append(DecisionNeeded(imp.id, imp.owner, reason, t.kpi, t.health, t.due))
    if st.sustain is not None and st.health == "slipped":
        # A completed entry watched with sustain: each KPI that fell back, named.
        found += [
            DecisionNeeded(imp.id, imp.owner, "slipped", h.kpi, "slipped")
            for h in st.sustain.slipped
        ]
    if _awaits_decision(imp, reg.reviews, as_of):
        found.append(DecisionNeeded(imp.id, imp.owner, "proposed"))
    deferral = _overdue_deferral(imp, reg.reviews, as_of)
    if deferral is not None:
        found.append(
            DecisionNeeded(imp.id, imp.owner, "revisit", due=deferral.revisit_on, deferral=deferral)
        )
    return found


def decisions_needed(reg: Register, status: RegisterStatus) -> list[DecisionNeeded]:
    """Everything the register waits for a meeting to decide as of ``status.as_of``:
    targets achieved or missed while their cycle is open, without data or with stale
    data, or due within ``governance.review_horizon_days``; completed entries whose
    result slipped (``sustain``); proposals not decided yet;
    deferred entries past their revisit date. By reason (``QUESTIONS``' order), then id."""
    by_id = {s.id: s for s in status.improvements}
    found = [
        item
        for imp in reg.improvements
        if imp.id in by_id
        for item in _entry_needs(imp, by_id[imp.id], reg, status.as_of)
    ]
    order = list(QUESTIONS)
    return sorted(found, key=lambda d: (order.index(d.reason), d.improvement, d.kpi or ""))


def actions_due(reg: Register, as_of: date) -> list[ActionDue]:
    """The open actions of the meetings held by ``as_of`` that are overdue or due within
    the review horizon, earliest due first."""
    horizon = as_of + timedelta(days=reg.settings.review_horizon_days)
    found = [
        ActionDue(a, a.state(as_of))
        for r in reg.reviews
        if r.date <= as_of
        for a in r.actions
        if a.state(as_of) != "done" and a.due <= horizon
    ]
    return sorted(found, key=lambda x: (x.action.due, x.action.review, x.action.index))


def health_changes(then: RegisterStatus, now: RegisterStatus) -> list[HealthChange]:
    """Each target whose health as of ``now.as_of`` differs from ``then``'s, by id."""

    def healths(st: RegisterStatus) -> dict[tuple[str, int, str], str]:
        return {(s.id, t.cycle, t.kpi): t.health for s in st.improvements for t in s.targets}

    before, after = healths(then), healths(now)
    keys = sorted(before.keys() | after.keys())
    return [
        HealthChange(key[0], key[2], key[1], before.get(key), after.get(key))
        for key in keys
        if before.get(key) != after.get(key)
    ]


def status_on(reg: Register, series: Mapping[str, Series], day: date) -> RegisterStatus:
    """The register's status as of an earlier day: the one computation, that date."""
    return assess_register(reg, series, day)


@dataclass(frozen=True)
class SinceReview:
    """How the register moved between an earlier day and the as-of date."""

    since: date
    review: Review | None
    """The meeting held that day, when ``since`` is the last review's date."""
    changes: tuple[HealthChange, ...]
