"""Git history -> per-entry revisions, field-level changes and status transitions.

The audit trail of the register: for every improvement and KPI file, each commit
that touched it (following renames), what it changed in the fields an auditor cares
about (status, owner, priority, targets, baselines, cycles), and which target or
baseline edits came after the entry had been approved.

Git is read with two processes whatever the size of the register, run side by
side: one ``git log`` that lists every commit with its changed files and their blob
ids, and one ``git cat-file --batch`` that returns the blobs. Nothing here prints;
problems with git become a ``HistoryUnavailable`` with the reason, never a crash.
"""

from __future__ import annotations

import tempfile
import threading
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
    complaint,
    open_repository,
    resolve_commit,
    run_git,
    spawn,
)
from csitools.history.tracked import TrackedData, is_tracked_path, read_tracked, stem_id
from csitools.register.load import discover, relative

NOT_COMMITTED = "not committed yet"

_LOG_FORMAT = "%x1e%H%x1f%aI%x1f%aN%x1f%aE%x1f%s"
# No pathspec: git would diff each commit twice (to simplify history, then to show
# it), which triples the time; files outside register/ and kpis/ are skipped here.
_LOG_ARGS = (
    *("log", "--date-order", "--root", "-M", "--raw", "--no-abbrev"),
    *("--diff-merges=dense-combined", "-z", f"--format={_LOG_FORMAT}"),
)


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


_REMOVED = (Change("$", None, None, "removed"),)


# --- git log -------------------------------------------------------------------------


class _FileChange(NamedTuple):
    status: str
    old_sha: str
    new_sha: str
    old_path: str
    path: str


class _Commit(NamedTuple):
    sha: str
    short: str
    date: datetime
    author: str
    email: str
    subject: str
    files: tuple[_FileChange, ...]


def _local(path: str, prefix: str) -> str:
    """A path relative to the register's root; outside it, one no register file has."""
    return path[len(prefix) :] if path.startswith(prefix) else "../" + path


def _parse_record(record: bytes, prefix: str, short: int) -> _Commit:
    """One commit of ``git log -z --raw``: a header, then per file a meta field and
    one path (two for a rename). Merges come in combined form (``::``), whose first
    blob is the first parent's and whose last is the merge's."""
    header, _, rest = record.partition(b"\0")
    sha, when, author, email, subject = header.decode("utf-8", "replace").split("\x1f", 4)
    tokens = rest.split(b"\0")
    files = []
    i = 0
    while i < len(tokens):
        meta = tokens[i].lstrip(b"\n").decode()
        i += 1
        if not meta.startswith(":"):
            continue
        parts = meta.split()
        parents = len(parts[0]) - len(parts[0].lstrip(":"))
        shas = parts[parents + 1 : 2 * parents + 2]
        if parents == 1:
            status = parts[-1][0]
        else:  # a merge that changed the file beyond what either side did
            status = "A" if shas[0] == NULL_SHA else "D" if shas[-1] == NULL_SHA else "M"
        old_path = path = tokens[i].decode("utf-8", "surrogateescape")
        i += 1
        if status in "RC":
            path = tokens[i].decode("utf-8", "surrogateescape")
            i += 1
        old_path, path = _local(old_path, prefix), _local(path, prefix)
        files.append(_FileChange(status, shas[0], shas[-1], old_path, path))
    date = datetime.fromisoformat(when)
    return _Commit(sha, sha[:short], date, author, email, subject, tuple(files))


def _read_history(
    root: Path, head: str, prefix: str, short: int
) -> tuple[list[_Commit], dict[str, TrackedData | str]]:
    """Every commit up to ``head`` with its changed files, and every blob they name,
    read. ``git log`` and ``git cat-file --batch`` run side by side: a thread hands
    cat-file the blob ids of each commit as git log lists it, while this thread
    parses the blobs, so the YAML is parsed while git still computes diffs."""
    commits: list[_Commit] = []
    failures: list[BaseException] = []
    with tempfile.TemporaryFile() as log_err, tempfile.TemporaryFile() as cat_err:
        log = spawn(root, log_err, *_LOG_ARGS, head)
        cat = spawn(root, cat_err, "cat-file", "--batch")
        assert log.stdout and cat.stdin and cat.stdout
        log_out, cat_in, cat_out = log.stdout, cat.stdin, cat.stdout
        seen = {NULL_SHA}

        def take(records: list[bytes]) -> None:
            ids = []
            for record in filter(None, records):
                commits.append(_parse_record(record, prefix, short))
                for file in commits[-1].files:
                    for sha, path in ((file.old_sha, file.old_path), (file.new_sha, file.path)):
                        if sha not in seen and is_tracked_path(path):
                            seen.add(sha)
                            ids.append(f"{sha}\n")
            cat_in.write("".join(ids).encode())
            cat_in.flush()

        def feed() -> None:
            pending = b""
            try:
                for chunk in iter(lambda: log_out.read1(1 << 16), b""):  # type: ignore[attr-defined]
                    *records, pending = (pending + chunk).split(b"\x1e")
                    take(records)
                take([pending])
            except BaseException as exc:  # re-raised by the caller
                failures.append(exc)
                log.kill()
            finally:
                cat_in.close()

        feeder = threading.Thread(target=feed, name="csi-git-log", daemon=True)
        feeder.start()
        data: dict[str, TrackedData | str] = {}
        try:
            while header := cat_out.readline():
                parts = header.split()
                if len(parts) == 3:  # else "<id> missing"
                    data[parts[0].decode()] = read_tracked(cat_out.read(int(parts[2]) + 1)[:-1], "")
        except BaseException:
            log.kill()
            cat.kill()
            raise
        feeder.join()
        for proc, err, command in ((log, log_err, "log"), (cat, cat_err, "cat-file")):
            if proc.wait() != 0 and not failures:
                err.seek(0)
                failures.append(GitError(complaint(err.read(), command)))
    if failures:
        raise failures[0]
    return commits, data


# --- history -------------------------------------------------------------------------


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
            commits, data = _read_history(root, head, repo.prefix, short)
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


def _lineages(commits: Sequence[_Commit]) -> dict[str, list[tuple[int, _FileChange]]]:
    """Group file changes by the file's newest path, following renames backwards.

    The log is in --date-order (children before parents, newest first), so a rename
    is met before the older commits that knew the file by its old name.
    """
    alias: dict[str, str] = {}
    lineages: dict[str, list[tuple[int, _FileChange]]] = {}
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


def _build(
    commits: Sequence[_Commit], blobs: Mapping[str, TrackedData | str]
) -> dict[str, tuple[Revision, ...]]:
    lineages = _lineages(commits)
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
            before = old if isinstance(old, dict) else last_good
            if change.status == "A":
                before = {}
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
                    kpi_id = str(new.get("id") or stem_id(change.path))
                    approved = approved_at.get(kpi_id, -1) > position
                changes = field_changes(before, new, approved=approved)
                if change.status == "A":
                    changes = (Change("$", None, new.get("id"), "added"), *changes)
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
            out.append(
                Revision(
                    commit=commit.sha,
                    short=commit.short,
                    date=commit.date,
                    author=commit.author,
                    email=commit.email,
                    subject=commit.subject,
                    path_at_commit=change.path,
                    id=str(known) if known else stem_id(change.path),
                    changes=changes,
                    flags=tuple(flags),
                    renamed_from=change.old_path if change.status == "R" else None,
                    note=note,
                )
            )
        revisions[key] = tuple(reversed(out))
    return dict(sorted(revisions.items()))


# --- views for the site ------------------------------------------------------------


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
            r.date, r.commit, r.short, r.author, r.path_at_commit, r.id, r.summary, r.after_approval
        )
        for revisions in history.entries.values()
        for r in revisions
    ]
    items.sort(key=lambda i: i.path)
    items.sort(key=lambda i: i.date, reverse=True)
    return items
