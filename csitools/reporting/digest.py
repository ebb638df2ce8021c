"""``csi digest``: each owner's digest as a message a person reads in a mail or a chat
(``--format markdown``) or as data for a bot (``--format json``).

User text (titles, rationales, names) goes into the Markdown through the site's one
escaping module, so a title cannot turn a message into links or markup.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from csitools.measure.decisions import DecisionNeeded
from csitools.measure.digest import OwnerDigest
from csitools.publish.markdown import cell
from csitools.publish.words import long_date
from csitools.register.model import Register


def _text(value: object) -> str:
    """User text as inert Markdown, as a plain ``str`` (a ``Markup`` would escape every
    string it is joined with a second time)."""
    return str(cell(value))


def _title(reg: Register, improvement: str | None) -> str | None:
    imp = reg.improvement(improvement) if improvement else None
    return imp.title if imp else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _needed(reg: Register, d: DecisionNeeded) -> dict[str, Any]:
    return {
        "improvement": d.improvement,
        "title": _title(reg, d.improvement),
        "reason": d.reason,
        "question": d.question,
        "kpi": d.kpi,
        "health": d.health,
        "due": _day(d.due),
    }


def digest_dict(reg: Register, digest: OwnerDigest) -> dict[str, Any]:
    """One owner's digest: the keys DESIGN.md promises, and who the owner is."""
    person = reg.people.get(digest.owner)
    changed: list[dict[str, Any]] = [
        {
            "kind": "health",
            "improvement": c.improvement,
            "title": _title(reg, c.improvement),
            "kpi": c.kpi,
            "cycle": c.cycle,
            "from": c.before,
            "to": c.after,
        }
        for c in digest.health
    ]
    changed += [
        {
            "kind": "decision",
            "improvement": d.improvement,
            "title": _title(reg, d.improvement),
            "decision": d.decision,
            "rationale": d.rationale,
            "revisit_on": _day(d.revisit_on),
            "review": d.review,
            "date": d.decided_on.isoformat(),
        }
        for d in digest.decisions
    ]
    return {
        "owner": digest.owner,
        "name": person.name if person else digest.owner,
        "email": person.email if person and person.email else None,
        "since": _day(digest.since),
        "since_review": digest.since_review.id if digest.since_review else None,
        "as_of": digest.as_of.isoformat(),
        "changed": changed,
        "decisions_needed": [_needed(reg, d) for d in digest.decisions_needed],
        "actions_due": [
            {
                "title": x.action.title,
                "due": x.action.due.isoformat(),
                "state": x.state,
                "improvement": x.action.improvement,
                "review": x.action.review,
                "agreed_on": x.action.agreed_on.isoformat(),
            }
            for x in digest.actions_due
        ],
        "stale_kpis": [
            {
                "kpi": k.id,
                "name": reg.kpis[k.id].name,
                "latest_period": k.latest.period if k.latest else None,
                "review_cadence": reg.kpis[k.id].review_cadence,
            }
            for k in digest.stale_kpis
        ],
    }


def digest_json(reg: Register, digests: Sequence[OwnerDigest]) -> str:
    """A list with one object per owner."""
    payload = [digest_dict(reg, d) for d in digests]
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _entry(reg: Register, improvement: str | None) -> str:
    """``CSI-0007 · title``, escaped."""
    if improvement is None:
        return ""
    title = _title(reg, improvement)
    return _text(f"{improvement} · {title}" if title else improvement)


def _kpi(reg: Register, kpi: str | None) -> str:
    known = reg.kpis.get(kpi) if kpi else None
    return _text(known.name if known else kpi or "")


def _needs(reg: Register, x: DecisionNeeded) -> str:
    """What one entry waits for, in a sentence or two."""
    if x.reason == "revisit":
        return f"deferred until {long_date(x.due)}, which has passed: decide again."
    target = f"{_kpi(reg, x.kpi)} ({x.health}, due {long_date(x.due)}). " if x.kpi else ""
    return target + _text(x.question)


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"**{title}**", "", *lines, ""] if lines else []


def _owner_markdown(reg: Register, d: OwnerDigest) -> str:
    person = reg.people.get(d.owner)
    name = _text(person.name if person else d.owner)
    out = [f"### {name}: your improvement digest, {long_date(d.as_of)}", ""]
    if d.since_review is not None:
        since = f"{_text(d.since_review.title)} ({long_date(d.since_review.date)})"
        out += [f"Since the last review, {since}.", ""]
    elif d.since is not None:
        out += [f"Since {long_date(d.since)}.", ""]
    needed = [f"- {_entry(reg, x.improvement)}: {_needs(reg, x)}" for x in d.decisions_needed]
    actions = []
    for x in d.actions_due:
        when = (
            f"Overdue since {long_date(x.action.due)}"
            if x.state == "overdue"
            else (f"Due {long_date(x.action.due)}")
        )
        review = next((r for r in reg.reviews if r.id == x.action.review), None)
        where = [x.action.improvement or "", f"agreed at {_text(review.title)}" if review else ""]
        actions.append(f"- {when}: {_text(x.action.title)} ({', '.join(w for w in where if w)}).")
    changed = [
        f"- {_entry(reg, c.improvement)}: {_kpi(reg, c.kpi)} "
        f"{c.before or 'not measured'} → {c.after or 'not measured'}."
        for c in d.health
    ]
    changed += [
        f"- {_entry(reg, x.improvement)}: {x.decision} on {long_date(x.decided_on)}. "
        f"{_text(x.rationale)}"
        for x in d.decisions
    ]
    stale = [
        f"- {_kpi(reg, k.id)}: the newest value is for {k.latest.period if k.latest else '—'}; "
        f"it is reviewed {reg.kpis[k.id].review_cadence}."
        for k in d.stale_kpis
    ]
    out += _section("Waiting for a decision", needed)
    out += _section("Your actions", actions)
    out += _section("What changed", changed)
    out += _section("Stale KPIs you own", stale)
    if d.empty:
        out += ["Nothing waits for you, and nothing of yours changed.", ""]
    return "\n".join(out)


def digest_markdown(reg: Register, digests: Sequence[OwnerDigest]) -> str:
    """One message per owner, separated by a rule."""
    if not digests:
        return "Nothing waits for anyone.\n"
    return "\n---\n\n".join(_owner_markdown(reg, d) for d in digests)
