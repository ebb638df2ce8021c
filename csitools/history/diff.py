"""Two trees of the register -> what a change does to it (``csi diff``): entries and KPIs
added, removed, renamed and changed, matched by id, with target and baseline edits
after approval flagged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from csitools.history.changes import APPROVED, Change, field_changes, kpis_targeted
from csitools.history.tracked import TrackedData, stem_id
from csitools.problems import Problem


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

    @property
    def ok(self) -> bool:
        return not self.problems


def _describe(path: str, data: TrackedData | str, old_path: str | None = None) -> FileDiff:
    fields = data if isinstance(data, dict) else {}
    title = fields.get("title") if not path.startswith("kpis/") else fields.get("name")
    return FileDiff(
        kind="kpi" if path.startswith("kpis/") else "improvement",
        id=str(fields.get("id") or stem_id(path)),
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
