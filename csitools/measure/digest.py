"""A digest per owner: what changed since a date (or the last review), what waits for
their decision or action, and the stale KPIs they own; ``csi digest`` reports it.

Pure: the register, its status as of the as-of date and as of the earlier date (both
from the one status computation), the review records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csitools.measure.decisions import (
    ActionDue,
    DecisionNeeded,
    HealthChange,
    actions_due,
    decisions_needed,
    health_changes,
)
from csitools.measure.status import KpiStatus, RegisterStatus
from csitools.register.model import Register
from csitools.register.reviews import Decision, Review


@dataclass(frozen=True)
class OwnerDigest:
    owner: str
    """A person id from the people directory."""
    since: date | None
    """None when there is nothing to compare with (no earlier review)."""
    since_review: Review | None
    as_of: date
    health: tuple[HealthChange, ...]
    """Targets of the owner's improvements whose health changed since ``since``."""
    decisions: tuple[Decision, ...]
    """Decisions about the owner's improvements taken after ``since``, up to the as-of date."""
    decisions_needed: tuple[DecisionNeeded, ...]
    actions_due: tuple[ActionDue, ...]
    stale_kpis: tuple[KpiStatus, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.health
            or self.decisions
            or self.decisions_needed
            or self.actions_due
            or self.stale_kpis
        )


def owners(reg: Register) -> list[str]:
    """Everyone who owns an improvement, a KPI or an action, in directory order."""
    named = {imp.owner for imp in reg.improvements} | {k.owner for k in reg.kpis.values()}
    named |= {a.owner for r in reg.reviews for a in r.actions}
    return [who for who in reg.people if who in named]


def build_digests(
    reg: Register,
    now: RegisterStatus,
    then: RegisterStatus | None,
    since_review: Review | None = None,
    owner: str | None = None,
) -> list[OwnerDigest]:
    """One digest per owner (only ``owner`` when given, even if it is empty; else every
    owner with something in theirs). ``then`` is the status as of the earlier date."""
    as_of = now.as_of
    since = then.as_of if then is not None else None
    owned = {imp.id: imp.owner for imp in reg.improvements}
    changes = health_changes(then, now) if then is not None else []
    decided = [
        d for r in reg.reviews if since is not None and since < r.date <= as_of for d in r.decisions
    ]
    needed = decisions_needed(reg, now)
    due = actions_due(reg, as_of)
    stale = [k for k in now.kpis.values() if k.stale]
    out = []
    for who in [owner] if owner is not None else owners(reg):
        digest = OwnerDigest(
            owner=who,
            since=since,
            since_review=since_review,
            as_of=as_of,
            health=tuple(c for c in changes if owned.get(c.improvement) == who),
            decisions=tuple(d for d in decided if owned.get(d.improvement) == who),
            decisions_needed=tuple(d for d in needed if d.owner == who),
            actions_due=tuple(a for a in due if a.action.owner == who),
            stale_kpis=tuple(k for k in stale if reg.kpis[k.id].owner == who),
        )
        if owner is not None or not digest.empty:
            out.append(digest)
    return out
