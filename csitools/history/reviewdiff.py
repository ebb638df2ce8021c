"""The decisions and actions a change adds to the review records (``csi diff``): what a
pull request asks the register to remember from a meeting, for its reviewers.

Review files are read whole on both sides (they are few and small) and compared item
by item: a decision or action that the base side does not hold is added; an action
that gains a ``done_on`` is done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from csitools.history.blobs import list_tree, read_files
from csitools.register.documents import FAILED, parse_yaml
from csitools.register.load import discover, file_id, read_limited, relative

Reviews = dict[str, Mapping[str, Any]]
"""Each readable review file's data, by path."""


@dataclass(frozen=True)
class ReviewItem:
    """A decision or action that a change adds (or an action it marks done)."""

    review: str
    path: str
    kind: str
    """'decision' or 'action'."""
    change: str
    """'added', or 'done' for an action that gained its done_on."""
    improvement: str | None
    what: str
    """The decision (approve, defer ...) or the action's title."""
    detail: str
    """The decision's rationale, or who does the action and by when."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)  # every field, in order, as the JSON reports show them


def _parsed(blob: bytes, path: str) -> Mapping[str, Any] | None:
    try:
        data, _, _, _ = parse_yaml(blob.decode("utf-8").removeprefix("\ufeff"), path)
    except UnicodeDecodeError:
        return None
    return data if data is not FAILED and isinstance(data, Mapping) else None


def read_reviews(root: Path, commit: str | None) -> Reviews:
    """The review files at ``commit`` (None: on disk); unreadable ones are left out,
    validation names them."""
    out: Reviews = {}
    if commit is None:
        for file, kind in discover(root):
            try:
                blob = read_limited(file, root) if kind == "review" else None
            except OSError:
                blob = None
            data = _parsed(blob, relative(file, root)) if isinstance(blob, bytes) else None
            if data is not None:
                out[relative(file, root)] = data
        return out
    entries = [
        e
        for e in list_tree(root, commit, "reviews")
        if e.path.count("/") == 1 and e.path.endswith((".yaml", ".yml"))
    ]
    for path, content in sorted(read_files(root, entries, commit).items()):
        data = _parsed(content, path) if isinstance(content, bytes) else None
        if data is not None:
            out[path] = data
    return out


def _list(data: Mapping[str, Any] | None, key: str) -> list[Mapping[str, Any]]:
    items = (data or {}).get(key)
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def review_changes(base: Reviews, head: Reviews) -> tuple[ReviewItem, ...]:
    """The decisions and actions in ``head`` that ``base`` lacks, and the actions that
    ``head`` marks done, by file."""
    found = []
    for path in sorted(head):
        rid, before, after = file_id(path), base.get(path), head[path]
        old_decisions = _list(before, "decisions")
        for d in _list(after, "decisions"):
            if d not in old_decisions:
                found.append(
                    ReviewItem(
                        rid,
                        path,
                        "decision",
                        "added",
                        _text(d.get("improvement")) or None,
                        _text(d.get("decision")),
                        _text(d.get("rationale")),
                    )
                )
        old_actions = {_text(a.get("title")): a for a in _list(before, "actions")}
        for a in _list(after, "actions"):
            title = _text(a.get("title"))
            old = old_actions.get(title)
            if old is not None and (old.get("done_on") or not a.get("done_on")):
                continue
            change = "added" if old is None else "done"
            who = f"{_text(a.get('owner'))}, due {_text(a.get('due'))}"
            if a.get("done_on"):
                who += f", done {_text(a.get('done_on'))}"
            found.append(
                ReviewItem(
                    rid, path, "action", change, _text(a.get("improvement")) or None, title, who
                )
            )
    return tuple(found)
