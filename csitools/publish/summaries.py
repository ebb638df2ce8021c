"""What a page says at its top: the date and commit it is as of, and for an improvement
that is not under way its status in one sentence (what a completed one achieved, what
was decided about a proposed, deferred or rejected one).

Plain text: the templates put every sentence through ``markdown.cell`` (a decision's
rationale and people's names in it are user text)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from csitools.measure.status import ImprovementStatus
from csitools.publish.fragments import commit_link
from csitools.publish.words import cycle_outcome, long_date, num, unit_suffix
from csitools.register.model import Cycle, Improvement, Kpi
from csitools.register.reviews import Decision, Review

ASOF_CLASS = "csi-asof"


def as_of_line(day: date, head: str | None, short: int, repository_url: str) -> Markup:
    """ "As of 1 Dec 2026 · commit `a1b2c3d`": the paragraph every page opens with (the
    commit linked when the repository is known; none when the register is not in git)."""
    text = f"As of {long_date(day)}"
    if head:
        text += f" · commit {commit_link(repository_url, head, head[:short])}"
    return Markup(f"{text}\n{{: .{ASOF_CLASS} }}")


def dated(markdown: str, line: str) -> str:
    """A page with ``line`` as a paragraph under its first heading (at the top when it
    has none)."""
    lines = markdown.split("\n")
    at = next((i + 1 for i, text in enumerate(lines) if text.startswith("# ")), 0)
    if at == 0 and lines[0] == "---":  # after the front matter, then
        at = lines.index("---", 1) + 1
    lines[at:at] = ["", line, ""] if at < len(lines) and lines[at] else ["", line]
    return "\n".join(lines)


@dataclass(frozen=True)
class StatusBox:
    """The admonition at the top of an improvement's page that is not under way."""

    kind: str
    title: str
    text: str


_BOXES = {
    "completed": ("success", "Outcome"),
    "proposed": ("info", "Waiting for a decision"),
    "deferred": ("note", "Decision: deferred"),
    "rejected": ("note", "Decision: rejected"),
}

_RESULTS = {
    "met": "met its targets",
    "partially-met": "partially met its targets",
    "not-met": "did not meet its targets",
}


def _last_closed(imp: Improvement) -> Cycle | None:
    return next((c for c in reversed(imp.cycles) if c.closed is not None), None)


def _completed(imp: Improvement, st: ImprovementStatus, kpis: Mapping[str, Kpi]) -> str:
    cycle = _last_closed(imp)
    if cycle is None or cycle.closed is None:
        return "Completed without a closed cycle: nothing was measured against a target."
    outcome = cycle_outcome(st, cycle.number)
    result = (outcome.recorded or outcome.computed) if outcome else None
    text = f"Cycle {cycle.number} closed on {long_date(cycle.closed)} and "
    text += _RESULTS.get(result or "", "has no outcome recorded or computed")
    figures = []
    for target in cycle.targets:
        value = outcome.measured.get(target.kpi) if outcome else None
        kpi = kpis.get(target.kpi)
        if value is not None:
            unit = unit_suffix(kpi)
            name = kpi.name if kpi else target.kpi
            figures.append(
                f"{name}: {num(value)}{unit} against a target of {num(target.value)}{unit}"
            )
    return text + (f": {'; '.join(figures)}." if figures else ".")


def _sentence(text: str) -> str:
    return text.rstrip().rstrip(".") + "."


def _decided(
    imp: Improvement, decisions: Sequence[tuple[Decision, Review]], names: Mapping[str, str]
) -> str:
    """What the meetings decided about an entry that is proposed, deferred or rejected."""
    if imp.status == "proposed":
        who = names.get(imp.raised_by, imp.raised_by)
        text = f"Raised by {who} on {long_date(imp.raised_on)}"
        if not decisions:
            return text + "; no meeting has decided on it yet."
        d, r = decisions[0]
        return f"{text}; the latest decision, on {long_date(r.date)} ({r.title}): {d.decision}."
    wanted = {"deferred": "defer", "rejected": "reject"}[imp.status]
    found = next(((d, r) for d, r in decisions if d.decision == wanted), None)
    if found is None:
        return f"{imp.status.capitalize()}; no review records the decision."
    d, r = found
    text = f"{imp.status.capitalize()} on {long_date(r.date)} ({r.title})"
    text += f": {_sentence(d.rationale)}" if d.rationale else "."
    if d.revisit_on is not None:
        text += f" To be looked at again on {long_date(d.revisit_on)}."
    return text


def status_box(
    imp: Improvement,
    st: ImprovementStatus,
    decisions: Sequence[tuple[Decision, Review]],
    kpis: Mapping[str, Kpi],
    names: Mapping[str, str],
) -> StatusBox | None:
    """The one-sentence status of an improvement that is not under way, else None."""
    if imp.status not in _BOXES:
        return None
    kind, title = _BOXES[imp.status]
    if imp.status == "completed":
        return StatusBox(kind, title, _completed(imp, st, kpis))
    return StatusBox(kind, title, _decided(imp, decisions, names))
