"""Review meetings as frozen dataclasses: the CSI board's and the service reviews'
decisions and follow-up actions, built from schema-valid ``reviews/*.yaml`` documents,
and the owners' commentary on their cycles that the meetings read.

ITIL has proposals approved, deferred or rejected "through governance", and the
service review meetings that come before the meetings with the business. A ``Review``
is one such meeting; its id is the file's stem (``2026-10-14-csi-board``) and its
date the stem's ``YYYY-MM-DD`` prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from csitools.register.documents import Document
from csitools.register.load import file_id

KINDS = ("csi-board", "service-review", "internal")
DECISIONS = (
    "approve",
    "defer",
    "reject",
    "continue",
    "close-cycle",
    "rebaseline",
    "complete",
    "escalate",
)


@dataclass(frozen=True)
class Decision:
    improvement: str
    decision: str
    rationale: str
    revisit_on: date | None
    review: str
    """The id of the review that took it."""
    decided_on: date
    """The meeting's date."""
    index: int
    """Its position in the review's ``decisions``, for locating it."""


@dataclass(frozen=True)
class Action:
    title: str
    owner: str
    due: date
    review: str
    agreed_on: date
    """The date of the meeting that agreed it."""
    index: int
    improvement: str | None = None
    done_on: date | None = None

    def state(self, as_of: date) -> str:
        """done, overdue (open after its due date) or open."""
        if self.done_on is not None and self.done_on <= as_of:
            return "done"
        return "overdue" if as_of > self.due else "open"


@dataclass(frozen=True)
class Update:
    """The owner's commentary on a cycle (``cycles[].updates[]``): what the reviews read
    beside the computed health."""

    on: date
    by: str
    text: str
    index: int
    """Its position in the cycle's ``updates``, for locating it."""


def build_updates(items: Iterable[Mapping[str, str]]) -> tuple[Update, ...]:
    """A cycle's updates, newest first (same day: the later in the file first)."""
    updates = [
        Update(date.fromisoformat(u["on"]), u["by"], u["text"], i) for i, u in enumerate(items)
    ]
    return tuple(sorted(updates, key=lambda u: (u.on, u.index), reverse=True))


@dataclass(frozen=True)
class Review:
    id: str
    path: str
    date: date
    kind: str
    title: str
    chair: str
    attendees: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    decisions: tuple[Decision, ...] = ()
    actions: tuple[Action, ...] = ()
    notes: str = ""
    doc: Document | None = field(default=None, repr=False, compare=False)


def review_id(path: str) -> str:
    """A review's id: its file name without the suffix."""
    return file_id(path)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def build_review(doc: Document) -> Review:
    d = doc.data
    rid, day = review_id(doc.path), date.fromisoformat(d["date"])
    return Review(
        id=rid,
        path=doc.path,
        date=day,
        kind=d["kind"],
        title=d["title"],
        chair=d["chair"],
        attendees=tuple(d.get("attendees") or ()),
        services=tuple(d.get("services") or ()),
        decisions=tuple(
            Decision(
                improvement=x["improvement"],
                decision=x["decision"],
                rationale=x["rationale"],
                revisit_on=_day(x.get("revisit_on")),
                review=rid,
                decided_on=day,
                index=i,
            )
            for i, x in enumerate(d.get("decisions") or ())
        ),
        actions=tuple(
            Action(
                title=a["title"],
                owner=a["owner"],
                due=date.fromisoformat(a["due"]),
                review=rid,
                agreed_on=day,
                index=i,
                improvement=a.get("improvement"),
                done_on=_day(a.get("done_on")),
            )
            for i, a in enumerate(d.get("actions") or ())
        ),
        notes=d.get("notes") or "",
        doc=doc,
    )


def build_reviews(docs: Iterable[Document]) -> tuple[Review, ...]:
    """Every schema-valid review, oldest first (same day: by id)."""
    reviews = [build_review(doc) for doc in docs if doc.valid]
    return tuple(sorted(reviews, key=lambda r: (r.date, r.id)))


def decisions_on(reviews: Sequence[Review], improvement: str) -> list[Decision]:
    """The decisions about one improvement, oldest first."""
    return [d for r in reviews for d in r.decisions if d.improvement == improvement]


def latest_decision(
    reviews: Sequence[Review], improvement: str, before: date | None = None
) -> Decision | None:
    """The newest decision about an improvement (taken on or before ``before``)."""
    found = [
        d for d in decisions_on(reviews, improvement) if before is None or d.decided_on <= before
    ]
    return found[-1] if found else None


def all_actions(reviews: Sequence[Review]) -> list[Action]:
    return [a for r in reviews for a in r.actions]


def latest_review_before(reviews: Sequence[Review], day: date) -> Review | None:
    """The newest review held before ``day`` (not on it)."""
    earlier = [r for r in reviews if r.date < day]
    return earlier[-1] if earlier else None
