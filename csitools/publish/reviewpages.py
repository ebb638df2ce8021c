"""The review meetings on the site: the Reviews index, a page per meeting, each
improvement's decisions and actions, and what the review pack adds (decisions needed,
since the last review, overdue actions, deferred entries past their revisit date).

Pure, like ``pages``: data in, Markdown out. Health as of a meeting comes from the
one status computation (``history.asof.statuses_then``), handed in as ``then``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from csitools.history.asof import StatusThen
from csitools.measure.decisions import (
    ActionDue,
    DecisionNeeded,
    SinceReview,
    actions_due,
    decisions_needed,
    health_changes,
)
from csitools.measure.status import RegisterStatus
from csitools.publish.markdown import cell, link, url_path
from csitools.register.model import Register
from csitools.register.reviews import Action, Decision, Review, latest_review_before

KIND_NAMES = {"csi-board": "CSI board", "service-review": "Service review", "internal": "Internal"}


def review_link(review: Review, base: str = "") -> Markup:
    """A meeting's title linked to its page (``base``: the path to the docs root)."""
    return link(review.title, base + url_path("reviews", f"{review.id}.md"))


def improvement_link(reg: Register, improvement_id: str, base: str = "") -> Markup:
    """``CSI-0007 · title`` linked to the entry's page; an id the register no longer
    holds stays as text."""
    imp = reg.improvement(improvement_id)
    if imp is None:
        return cell(improvement_id)
    return link(f"{imp.id} · {imp.title}", base + url_path("improvements", f"{imp.id}.md"))


@dataclass(frozen=True)
class ReviewViews:
    """What the pages show about the meetings, as of the register's as-of date."""

    reg: Register
    status: RegisterStatus
    then: Mapping[date, StatusThen]
    needed: tuple[DecisionNeeded, ...]
    actions: tuple[ActionDue, ...]
    since: SinceReview | None

    @property
    def newest_first(self) -> list[Review]:
        return list(reversed(self.reg.reviews))

    def decisions_of(self, improvement: str) -> list[tuple[Decision, Review]]:
        """The decisions about an improvement with their meetings, newest first."""
        by_id = {r.id: r for r in self.reg.reviews}
        return [
            (d, by_id[d.review])
            for r in self.newest_first
            for d in r.decisions
            if d.improvement == improvement
        ]

    def actions_of(self, improvement: str) -> list[tuple[Action, Review]]:
        return [
            (a, r) for r in self.newest_first for a in r.actions if a.improvement == improvement
        ]

    def state(self, action: Action) -> str:
        return action.state(self.status.as_of)


def review_views(
    reg: Register, status: RegisterStatus, then: Mapping[date, StatusThen]
) -> ReviewViews:
    """The meetings' views as of ``status.as_of``; ``then`` holds the status as of each
    review date (from ``statuses_then``), absent ones have no health table."""
    last = latest_review_before(reg.reviews, status.as_of)
    since = None
    if last is not None and last.date in then:
        changes = health_changes(then[last.date].status, status)
        since = SinceReview(last.date, last, tuple(changes))
    return ReviewViews(
        reg=reg,
        status=status,
        then=then,
        needed=tuple(decisions_needed(reg, status)),
        actions=tuple(actions_due(reg, status.as_of)),
        since=since,
    )


def _action_counts(review: Review, as_of: date) -> str:
    """``1 overdue, 2 done``: how a meeting's actions stand."""
    counts: dict[str, int] = {}
    for action in review.actions:
        counts[action.state(as_of)] = counts.get(action.state(as_of), 0) + 1
    return ", ".join(f"{counts[s]} {s}" for s in ("overdue", "open", "done") if s in counts) or "—"


def template_globals(views: ReviewViews) -> dict[str, Any]:
    """What every page's template may call about the meetings."""
    return {
        "reviews": views,
        "reviews_by_id": {r.id: r for r in views.reg.reviews},
        "review_link": review_link,
        "improvement_link": lambda improvement_id, base="": improvement_link(
            views.reg, improvement_id, base
        ),
        "kind_name": lambda kind: KIND_NAMES.get(kind, kind),
        "action_counts": lambda review: _action_counts(review, views.status.as_of),
    }


def pack_context(views: ReviewViews) -> dict[str, Any]:
    """The review pack's new sections."""
    latest = {s.id: s.updates[0] for s in views.status.improvements if s.updates}
    groups: dict[str, list[DecisionNeeded]] = {}
    for item in views.needed:
        if item.reason != "revisit":
            groups.setdefault(item.question, []).append(item)
    return {
        "needed_groups": list(groups.items()),
        "revisits": [d for d in views.needed if d.reason == "revisit"],
        "overdue": [a for a in views.actions if a.state == "overdue"],
        "since": views.since,
        "latest_update": latest,
    }


def _health_rows(
    reg: Register, review: Review, then: RegisterStatus, now: RegisterStatus
) -> list[tuple[str, str | None, str | None]]:
    """(id, health then, health now) of every entry measured at the meeting; an entry
    raised after it (judged on today's files) did not exist yet."""
    now_by_id = {s.id: s.health for s in now.improvements}
    raised = {imp.id: imp.raised_on for imp in reg.improvements}
    return [
        (s.id, s.health, now_by_id.get(s.id))
        for s in then.improvements
        if s.health is not None and raised.get(s.id, review.date) <= review.date
    ]


def review_rows(views: ReviewViews) -> list[tuple[str, str, dict[str, Any]]]:
    """Rows of ``pages.page_table``: the Reviews index (saying how to add one while there
    is none) and a page per meeting."""
    rows: list[tuple[str, str, dict[str, Any]]] = [("reviews/index.md", "reviews", {})]
    ordered = list(views.reg.reviews)
    for i, review in enumerate(ordered):
        then = views.then.get(review.date)
        context = {
            "review": review,
            "then": then,
            "health_rows": _health_rows(views.reg, review, then.status, views.status)
            if then
            else [],
            "previous": ordered[i - 1] if i > 0 else None,
            "following": ordered[i + 1] if i + 1 < len(ordered) else None,
        }
        rows.append((f"reviews/{review.id}.md", "meeting", context))
    return rows
