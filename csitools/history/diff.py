"""Two revisions of the register -> what a change does to it (``csi diff``): entries and
KPIs added, removed, renamed and changed, matched by id, with target and baseline edits
after approval flagged, and the head side validated."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from csitools.history.blobs import export_tree, read_tree
from csitools.history.changes import APPROVED, Change, field_changes, kpis_targeted
from csitools.history.git import (
    GitError,
    HistoryUnavailable,
    main_branch,
    merge_base,
    open_repository,
    resolve_commit,
)
from csitools.history.reviewdiff import ReviewItem, read_reviews, review_changes
from csitools.history.revisions import History, approved_ids, load_history
from csitools.history.tracked import TrackedData, read_worktree
from csitools.problems import Problem
from csitools.register.load import file_id
from csitools.validation import validate_repository


@dataclass(frozen=True)
class FileDiff:
    """One entry or KPI as it differs between the two sides of a comparison."""

    kind: str
    """'improvement' or 'kpi'."""
    id: str
    path: str
    """Its path on the head side (the base side for a removed file)."""
    title: str
    status: str | None
    owner: str | None
    old_path: str | None = None
    """Its path on the base side when it was renamed."""
    changes: tuple[Change, ...] = ()
    note: str = ""
    """Why a side could not be read, when it could not."""


@dataclass(frozen=True)
class Comparison:
    base: str
    base_label: str
    """How the base was chosen, e.g. 'merge base with main'."""
    head: str | None
    """None for the working tree."""
    added: tuple[FileDiff, ...]
    removed: tuple[FileDiff, ...]
    changed: tuple[FileDiff, ...]
    problems: tuple[Problem, ...] = ()
    """Validation problems of the head side."""
    reviews: tuple[ReviewItem, ...] = ()
    """Decisions and actions the head side adds to the review records."""

    @property
    def ok(self) -> bool:
        return not self.problems


def _describe(path: str, data: TrackedData | str, old_path: str | None = None) -> FileDiff:
    fields = data if isinstance(data, dict) else {}
    title = fields.get("title") if not path.startswith("kpis/") else fields.get("name")
    return FileDiff(
        kind="kpi" if path.startswith("kpis/") else "improvement",
        id=str(fields.get("id") or file_id(path)),
        path=path,
        title=str(title or ""),
        status=fields.get("status"),
        owner=fields.get("owner"),
        old_path=old_path,
        note=data if isinstance(data, str) else "",
    )


def _by_id(tree: Mapping[str, TrackedData | str]) -> dict[tuple[str, str], str]:
    keyed: dict[tuple[str, str], str] = {}
    for path in sorted(tree):
        file = _describe(path, tree[path])
        # A second file claiming an id (a validation problem) keeps its own identity.
        key = (file.kind, file.id) if (file.kind, file.id) not in keyed else (file.kind, path)
        keyed[key] = path
    return keyed


def compare_trees(
    base: Mapping[str, TrackedData | str],
    head: Mapping[str, TrackedData | str],
    approved: Iterable[str] = (),
) -> tuple[tuple[FileDiff, ...], tuple[FileDiff, ...], tuple[FileDiff, ...]]:
    """(added, removed, changed) between two sides read by ``read_tree`` or
    ``read_worktree``. Files are matched by id, so a renamed entry is one change.

    ``approved``: ids of entries approved at some point up to the base; their
    target and baseline edits are flagged, and so are baseline edits of the KPIs
    they target. An entry whose base status is approved or later counts too.
    """
    approved_ids = set(approved)
    for data in base.values():
        if isinstance(data, dict) and data.get("status") in APPROVED:
            approved_ids.add(str(data.get("id")))
    approved_kpis = {
        kpi
        for data in base.values()
        if isinstance(data, dict) and str(data.get("id")) in approved_ids
        for kpi in kpis_targeted(data)
    }
    old, new = _by_id(base), _by_id(head)
    added = tuple(_describe(new[k], head[new[k]]) for k in sorted(new.keys() - old.keys()))
    removed = tuple(_describe(old[k], base[old[k]]) for k in sorted(old.keys() - new.keys()))
    changed = []
    for key in sorted(new.keys() & old.keys()):
        before, after = base[old[key]], head[new[key]]
        renamed = old[key] if old[key] != new[key] else None
        file = _describe(new[key], after, renamed)
        if isinstance(before, dict) and isinstance(after, dict):
            flag = file.id in (approved_kpis if file.kind == "kpi" else approved_ids)
            file = replace(file, changes=field_changes(before, after, approved=flag))
        elif isinstance(before, str) and not file.note:
            file = replace(file, note=f"unreadable at the base: {before}")
        if file.changes or file.note or renamed:
            changed.append(file)
    return added, removed, tuple(changed)


def compare_revisions(
    root: Path, base: str | None, head: str | None, as_of: datetime | None = None
) -> Comparison:
    """Compare BASE (default: the merge base with the main branch) with HEAD (default:
    the working tree) and validate the head side. Raises GitError for unknown
    revisions and for repositories git cannot compare."""
    repo = open_repository(root)
    if isinstance(repo, HistoryUnavailable):
        raise GitError(repo.reason)
    if not repo.has_commits:
        raise GitError("the repository has no commits yet; commit the register, then compare")
    if base is None:
        base_commit, branch = merge_base(root, main_branch(root))
        label = f"merge base with {branch}"
    else:
        base_commit, label = resolve_commit(root, base), base
    head_commit = resolve_commit(root, head) if head is not None else None
    before = read_tree(root, base_commit)
    after = read_tree(root, head_commit) if head_commit else read_worktree(root)
    history = load_history(root, base_commit)
    approved = approved_ids(history) if isinstance(history, History) else set()
    added, removed, changed = compare_trees(before, after, approved)
    meetings = review_changes(read_reviews(root, base_commit), read_reviews(root, head_commit))
    day = as_of.date() if as_of else None
    if head_commit is None:
        problems = validate_repository(root, day).problems
    else:
        with tempfile.TemporaryDirectory(prefix="csi-diff-") as tmp:
            export_tree(root, head_commit, Path(tmp))
            validation = validate_repository(Path(tmp), day)
            # Problems name the revision, never the scratch folder it was checked out in.
            problems = tuple(
                replace(p, message=p.message.replace(tmp, f"revision {head}"))
                for p in validation.problems
            )
    return Comparison(
        base_commit, label, head_commit, added, removed, changed, problems, reviews=meetings
    )
