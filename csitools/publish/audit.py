"""The audit trail in words: what one commit changed in an entry or KPI, said as a
person would say it ("Target for Ticket backlog in cycle 1: 3,000 → 3,500 tickets,
after approval") instead of the field paths ``csi diff --format json`` gives programs.

Plain text: the templates put every sentence through ``markdown.cell`` (KPI names,
people's names and file paths in it are user text), and the commit's message, the
reason shown beside it, too."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeGuard

from csitools.history.changes import Change
from csitools.history.revisions import ChangelogItem, History, Revision
from csitools.publish.words import long_date, num, unit_suffix
from csitools.register.model import Kpi

DETAILS_ONLY = "Details edited; no tracked field changed"
"""What a commit that changed none of the fields an audit follows did (the pages say
which fields those are)."""

TRACKED_WORDS = "status, owner, priority, cycles, targets and baselines"

_CYCLE = re.compile(r"cycles\[(\d+)\](?:\.(opened|closed|outcome))?$")
_TARGET = re.compile(r"cycles\[(\d+)\]\.targets\[(.+?)(?:#\d+)?\]\.(value|by|baseline)$")


@dataclass(frozen=True)
class Words:
    """What the pages need to say a change in words: the KPIs and people by id."""

    kpis: Mapping[str, Kpi]
    names: Mapping[str, str]

    def value(self, value: Any, kpi: Kpi | None = None) -> str:
        """A value as a person reads it: numbers grouped with the KPI's unit, dates long."""
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int | float):
            return f"{num(value)}{unit_suffix(kpi)}"
        if isinstance(value, date):
            return long_date(value)
        text = str(value)
        try:
            return long_date(date.fromisoformat(text)) if len(text) == 10 else text
        except ValueError:
            return text

    def person(self, who: Any) -> str:
        return "—" if who is None else self.names.get(str(who), str(who))

    def kpi_name(self, kpi_id: str) -> str:
        kpi = self.kpis.get(kpi_id)
        return kpi.name if kpi else kpi_id

    def was(self, old: Any, new: Any, kpi: Kpi | None = None) -> str:
        """ "3,000 → 3,500 open tickets": the unit once when both are numbers."""
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in (old, new)):
            return f"{num(old)} → {num(new)}{unit_suffix(kpi)}"
        return f"{self.value(old, kpi)} → {self.value(new, kpi)}"


def _cycle_words(w: Words, number: int, part: str | None, c: Change) -> str:
    if part is None:
        if c.old is None:
            return f"Cycle {number} opened on {w.value(c.new)}"
        return f"Cycle {number} removed (it opened on {w.value(c.old)})"
    if part == "closed" and c.old is None:
        return f"Cycle {number} closed on {w.value(c.new)}"
    if part == "closed" and c.new is None:
        return f"Cycle {number} reopened (it had closed on {w.value(c.old)})"
    if part == "outcome" and c.old is None:
        return f"Outcome of cycle {number} recorded: {w.value(c.new)}"
    label = {"opened": "Opening date", "closed": "Closing date", "outcome": "Outcome"}[part]
    return f"{label} of cycle {number}: {w.was(c.old, c.new)}"


def _target_words(w: Words, number: int, kpi_id: str, parts: Mapping[str, Change]) -> str:
    """One target's changes in one sentence: set, removed, or what moved."""
    kpi, name = w.kpis.get(kpi_id), w.kpi_name(kpi_id)
    value, by, baseline = (parts.get(k) for k in ("value", "by", "baseline"))
    head = f"Target for {name} in cycle {number}"
    if value is not None and value.old is None:
        text = f"{head} set: {w.value(value.new, kpi)}"
        text += f" by {w.value(by.new)}" if by is not None and by.new is not None else ""
        if baseline is not None and baseline.new is not None:
            text += f", from a baseline of {w.value(baseline.new, kpi)}"
        return text
    if value is not None and value.new is None:
        due = f" by {w.value(by.old)}" if by is not None and by.old is not None else ""
        return f"{head} removed (it was {w.value(value.old, kpi)}{due})"
    moved = [w.was(value.old, value.new, kpi)] if value is not None else []
    if by is not None:
        moved.append(f"due {w.was(by.old, by.new)}")
    if baseline is not None:
        moved.append(f"baseline {w.was(baseline.old, baseline.new, kpi)}")
    return f"{head}: {', '.join(moved)}"


def _field_words(w: Words, c: Change, kpi: Kpi | None) -> str:
    """A change of a field outside the cycles (status, owner, priority, a KPI's baseline)."""
    if c.field == "status":
        return f"Status: {w.was(c.old, c.new)}"
    if c.field == "owner":
        return f"Owner: {w.person(c.old)} → {w.person(c.new)}"
    if c.field.startswith("priority"):
        what = c.field.partition(".")[2] or "score"
        return f"Priority, {what}: {w.was(c.old, c.new)}"
    if c.field == "baseline.period":
        return f"Period of the agreed baseline: {w.was(c.old, c.new)}"
    if c.field.startswith("baseline"):
        return f"Agreed baseline: {w.was(c.old, c.new, kpi)}"
    return f"{c.field}: {w.was(c.old, c.new)}"


def _whole_file(c: Change, changes: Sequence[Change]) -> str | None:
    if c.kind == "added":
        status = next((x.new for x in changes if x.field == "status"), None)
        return f"Created as {status}" if status else "Created"
    if c.kind == "re-added":
        return "Added again after its deletion"
    if c.kind == "removed":
        return "Removed"
    return None


def change_sentences(
    w: Words, changes: Sequence[Change], kpi: Kpi | None = None
) -> list[tuple[str, bool]]:
    """Each change of one commit to one file in words, with whether it came after the
    entry's approval. A new file says only that it was created (and its status); the
    targets a re-added file differs by are said as edits."""
    out: list[tuple[str, bool]] = []
    whole = [(_whole_file(c, changes), c) for c in changes if c.field == "$"]
    out += [(text, False) for text, _ in whole if text]
    if any(c.kind == "added" for _, c in whole):
        return out
    targets: dict[tuple[int, str], dict[str, Change]] = {}
    for c in changes:
        if c.field == "$":
            continue
        if m := _TARGET.match(c.field):
            targets.setdefault((int(m[1]) + 1, m[2]), {})[m[3]] = c
            continue
        if m := _CYCLE.match(c.field):
            out.append((_cycle_words(w, int(m[1]) + 1, m[2], c), c.after_approval))
            continue
        out.append((_field_words(w, c, kpi), c.after_approval))
    for (number, kpi_id), parts in targets.items():
        flagged = any(c.after_approval for c in parts.values())
        out.append((_target_words(w, number, kpi_id, parts), flagged))
    return out


def revision_words(w: Words, rev: Revision) -> list[tuple[str, bool]]:
    """A revision's changes as sentences, each with whether it came after approval
    (the pages add "after approval" to those)."""
    kpi = w.kpis.get(rev.id) if rev.path_at_commit.startswith("kpis/") else None
    out = [(f"Renamed from {rev.renamed_from}", False)] if rev.renamed_from else []
    out += change_sentences(w, rev.changes, kpi)
    if rev.note:
        out.append((f"Could not be read at this commit: {rev.note}", False))
    return out or [(DETAILS_ONLY, False)]


def created_with(history: History) -> Counter[str]:
    """How many entries and KPIs each commit created: a register imported in one commit
    creates them all at once."""
    return Counter(
        revisions[-1].commit
        for revisions in history.entries.values()
        if revisions and _created(revisions[-1])
    )


def _created(rev: Revision | None) -> TypeGuard[Revision]:
    """Whether the revision created its file (a first version, not one added again)."""
    return rev is not None and bool(rev.changes) and rev.changes[0].kind == "added"


@dataclass(frozen=True)
class FirstRecorded:
    """An entry git first holds after it was raised: its history starts at that commit
    (often a register imported whole), not where the work started."""

    revision: Revision
    together: int
    """The entries and KPIs that commit created, this one included."""


def first_recorded(
    revisions: Sequence[Revision], raised_on: date, created: Counter[str]
) -> FirstRecorded | None:
    """The commit that first recorded an entry, when it came after the day it was raised."""
    first = revisions[-1] if revisions else None
    if first is None or not _created(first) or first.date.date() <= raised_on:
        return None
    return FirstRecorded(first, created[first.commit])


IMPORTED_AT_LEAST = 5
"""A commit that creates this many entries and KPIs is an import: one changelog row."""


@dataclass(frozen=True)
class Imported:
    """One changelog row for a commit that created many entries and KPIs at once."""

    revision: Revision
    improvements: tuple[str, ...]
    kpis: tuple[str, ...]


def changelog_rows(items: Sequence[ChangelogItem], created: Counter[str]) -> list[Any]:
    """The changelog's items, newest first, with the creations of an import gathered
    into one ``Imported`` row where the first of them was."""
    gathered: dict[str, tuple[list[str], list[str]]] = {}
    for item in items:
        if created[item.commit] >= IMPORTED_AT_LEAST and _created(item.revision):
            entries, kpis = gathered.setdefault(item.commit, ([], []))
            (kpis if item.path.startswith("kpis/") else entries).append(item.id)
    rows: list[Any] = []
    shown: set[str] = set()
    for item in items:
        if item.commit not in gathered or not _created(item.revision):
            rows.append(item)
        elif item.commit not in shown:
            shown.add(item.commit)
            entries, kpis = gathered[item.commit]
            rows.append(Imported(item.revision, tuple(sorted(entries)), tuple(sorted(kpis))))
    return rows
