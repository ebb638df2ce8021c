"""Git history -> per-entry revisions, field-level changes and status transitions.

The audit trail of the register: for every improvement and KPI file, each commit
that touched it (following renames), what it changed in the fields an auditor cares
about (status, owner, priority, targets, baselines, cycles), and which target or
baseline edits came after the entry had been approved.

Git is read by ``log`` (one ``git log`` and one ``git cat-file --batch`` whatever the
size of the register); this module follows each file through it. Nothing here prints;
problems with git become a ``HistoryUnavailable`` with the reason, never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from csitools.history.changes import APPROVED, Change, field_changes, kpis_targeted, summarise
from csitools.history.git import (
    NULL_SHA,
    GitError,
    HistoryUnavailable,
    open_repository,
    resolve_commit,
    run_git,
)
from csitools.history.log import Commit, FileChange, read_log
from csitools.history.tracked import TrackedData, is_tracked_path
from csitools.register.load import discover, file_id, relative

NOT_COMMITTED = "not committed yet"


@dataclass(frozen=True)
class Revision:
    """One commit that touched one entry or KPI file."""

    commit: str
    short: str
    date: datetime
    """The author date, with the author's UTC offset."""
    author: str
    email: str
    subject: str
    path_at_commit: str
    id: str
    """The entry's or KPI's id as the file said at this commit (else from its name)."""
    changes: tuple[Change, ...]
    flags: tuple[str, ...] = ()
    """'after-approval', 'renamed', 'unreadable'."""
    renamed_from: str | None = None
    note: str = ""
    """Why the file could not be read at this commit, for 'unreadable'."""

    @property
    def after_approval(self) -> bool:
        return "after-approval" in self.flags

    @property
    def summary(self) -> str:
        """What the commit changed in one line: ``status approved → in-progress``."""
        return summarise(self.changes, self.renamed_from, self.note)


@dataclass(frozen=True)
class History:
    """Every entry's and KPI's revisions, keyed by its path now (or where it was
    deleted), newest first; ``notes`` says why a file on disk has no history."""

    head: str | None
    entries: Mapping[str, tuple[Revision, ...]]
    notes: Mapping[str, str] = field(default_factory=dict)

    def of(self, path: str) -> tuple[Revision, ...]:
        return self.entries.get(path, ())

    @property
    def removed(self) -> frozenset[str]:
        """Paths whose newest revision deleted the file."""
        return frozenset(
            p for p, revs in self.entries.items() if revs and revs[0].changes[:1] == _REMOVED
        )


class StatusStep(NamedTuple):
    date: datetime
    status: str
    commit: str


class ChangelogItem(NamedTuple):
    date: datetime
    commit: str
    short: str
    author: str
    path: str
    id: str
    summary: str
    after_approval: bool
    revision: Revision | None = None
    """The revision itself: its changes, its commit's message."""


_REMOVED = (Change("$", None, None, "removed"),)


def load_history(root: Path, rev: str = "HEAD") -> History | HistoryUnavailable:
    """The history of every entry and KPI of the register at ``root``, up to ``rev``.

    Files on disk that no commit holds get the note "not committed yet".
    """
    repo = open_repository(root)
    if isinstance(repo, HistoryUnavailable):
        return repo
    notes = {}
    if repo.has_commits:
        try:
            head = resolve_commit(root, rev)
            # One abbreviation length for all: git's own for this repository's size.
            short = len(run_git(root, "rev-parse", "--short", head).strip())
            commits, data = read_log(root, head, repo.prefix, short)
        except GitError as exc:
            return HistoryUnavailable(f"git cannot read the history of {root}: {exc}")
        entries = _build(commits, data)
    else:
        head, entries = None, {}
    for file, kind in discover(root):
        rel = relative(file, root)
        if kind in ("improvement", "kpi") and rel not in entries:
            notes[rel] = NOT_COMMITTED
    return History(head, entries, notes)


Blobs = Mapping[str, TrackedData | str]
Lineages = dict[str, list[tuple[int, FileChange]]]
"""Per file (by its newest path), its changes with their commit's position, newest first."""


def _lineages(commits: Sequence[Commit]) -> Lineages:
    """Group file changes by the file's newest path, following renames backwards.

    The log is in --date-order (children before parents, newest first), so a rename
    is met before the older commits that knew the file by its old name.
    """
    alias: dict[str, str] = {}
    lineages: Lineages = {}
    for position, commit in enumerate(commits):
        for change in commit.files:
            # A move into or out of register/ or kpis/ is a creation or a deletion here.
            if change.status == "R" and not is_tracked_path(change.old_path):
                change = change._replace(status="A", old_sha=NULL_SHA, old_path=change.path)
            if not is_tracked_path(change.path):
                if change.status != "R" or not is_tracked_path(change.old_path):
                    continue
                change = change._replace(status="D", new_sha=NULL_SHA, path=change.old_path)
            key = alias.get(change.path, change.path)
            lineages.setdefault(key, []).append((position, change))
            if change.status == "R":
                alias[change.old_path] = key
                alias.pop(change.path, None)
            elif change.status == "A":
                # Older commits at this path were another file, deleted before this one.
                alias.pop(change.path, None)
    return lineages


def _entry_id(key: str, changes: Sequence[tuple[int, FileChange]], blobs: Blobs) -> str:
    """The id of a lineage's entry or KPI: its newest readable version's, else its name's."""
    for _, change in changes:  # newest first
        for sha in (change.new_sha, change.old_sha):
            data = blobs.get(sha)
            if isinstance(data, dict) and data.get("id"):
                return str(data["id"])
    return file_id(key)


def _follow_ids(lineages: Lineages, blobs: Blobs) -> Lineages:
    """One lineage per entry or KPI: an id deleted, then added again (at any path, later;
    in the same commit, a rename), goes on in the deleted file's lineage, under its
    newest path. Files holding one id at the same time stay apart (validation names
    them)."""
    by_id: dict[tuple[bool, str], list[str]] = {}
    for key, changes in lineages.items():
        by_id.setdefault((key.startswith("kpis/"), _entry_id(key, changes, blobs)), []).append(key)
    joined: Lineages = {}
    for keys in by_id.values():
        keys.sort(key=lambda k: lineages[k][-1][0], reverse=True)  # oldest first
        key, chain = keys[0], lineages[keys[0]]
        for later in keys[1:]:
            (newest_at, newest), (first_at, first) = chain[0], lineages[later][-1]
            if newest.status == "D" and newest_at == first_at and first.status == "A":
                # Deleted and added in one commit: a rename that git did not see as one.
                moved = first._replace(status="R", old_sha=newest.old_sha, old_path=newest.path)
                key, chain = later, [*lineages[later][:-1], (first_at, moved), *chain[1:]]
            elif newest.status == "D" and newest_at > first_at:
                key, chain = later, [*lineages[later], *chain]
            else:
                joined[key] = chain
                key, chain = later, lineages[later]
        joined[key] = chain
    return joined


def _build(commits: Sequence[Commit], blobs: Blobs) -> dict[str, tuple[Revision, ...]]:
    lineages = _follow_ids(_lineages(commits), blobs)
    # Entries first: a KPI baseline edit is judged by the approvals that came before it.
    approved_at: dict[str, int] = {}
    revisions: dict[str, tuple[Revision, ...]] = {}
    order = sorted(lineages, key=lambda k: (k.startswith("kpis/"), k))
    for key in order:
        is_kpi = key.startswith("kpis/")
        approved = False
        last_good: TrackedData = {}
        out = []
        for position, change in reversed(lineages[key]):
            commit = commits[position]
            old = blobs.get(change.old_sha)
            new = blobs.get(change.new_sha)
            # Added again after a deletion: compared with the version deleted, so edits of
            # an approved entry's targets are flagged as in place.
            before = old if isinstance(old, dict) else last_good
            if not is_kpi and before.get("status") in APPROVED:
                approved = True
            flags = []
            note = ""
            if change.status == "D":
                changes: tuple[Change, ...] = _REMOVED
            elif isinstance(new, str) or new is None:
                changes, note = (), new or "the file could not be read at this commit"
                flags.append("unreadable")
            else:
                if is_kpi:
                    kpi_id = str(new.get("id") or file_id(change.path))
                    approved = approved_at.get(kpi_id, -1) > position
                changes = field_changes(before, new, approved=approved)
                if change.status == "A":
                    kind = "re-added" if before else "added"
                    changes = (Change("$", None, new.get("id"), kind), *changes)
                last_good = new
                if not is_kpi and new.get("status") in APPROVED:
                    approved = True
                    for kpi in kpis_targeted(new):
                        approved_at[kpi] = max(approved_at.get(kpi, -1), position)
            if any(c.after_approval for c in changes):
                flags.insert(0, "after-approval")
            if change.status == "R":
                flags.append("renamed")
            known = last_good.get("id")
            entry_id = str(known) if known else file_id(change.path)
            out.append(_revision(commit, change, entry_id, changes, tuple(flags), note))
        revisions[key] = tuple(reversed(out))
    return dict(sorted(revisions.items()))


def _revision(
    commit: Commit,
    change: FileChange,
    entry_id: str,
    changes: tuple[Change, ...],
    flags: tuple[str, ...],
    note: str,
) -> Revision:
    return Revision(
        commit=commit.sha,
        short=commit.short,
        date=commit.date,
        author=commit.author,
        email=commit.email,
        subject=commit.subject,
        path_at_commit=change.path,
        id=entry_id,
        changes=changes,
        flags=flags,
        renamed_from=change.old_path if change.status == "R" else None,
        note=note,
    )


def status_timeline(revisions: Sequence[Revision]) -> list[StatusStep]:
    """Each status the entry reached, oldest first, with the commit that set it.
    ``revisions`` are one entry's, newest first, as in ``History.entries``."""
    return [
        StatusStep(r.date, str(c.new), r.commit)
        for r in reversed(revisions)
        for c in r.changes
        if c.kind == "status" and c.new is not None
    ]


def approved_ids(history: History) -> set[str]:
    """Ids of the entries that reached approved (or a later status) at some commit."""
    return {
        r.id
        for revisions in history.entries.values()
        if any(step.status in APPROVED for step in status_timeline(revisions))
        for r in revisions
    }


def changelog(history: History) -> list[ChangelogItem]:
    """Every revision of every file, newest first (same time: by path)."""
    items = [
        ChangelogItem(
            r.date,
            r.commit,
            r.short,
            r.author,
            r.path_at_commit,
            r.id,
            r.summary,
            r.after_approval,
            r,
        )
        for revisions in history.entries.values()
        for r in revisions
    ]
    items.sort(key=lambda i: i.path)
    items.sort(key=lambda i: i.date, reverse=True)
    return items
