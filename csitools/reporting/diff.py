"""A comparison of two revisions (``csi diff``) -> text: Markdown for a pull-request
comment or a CI job summary (verdict first, then a table per kind of change), JSON for
programs. Text from YAML or git is made inert in the Markdown tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from csitools.history.changes import Change, show
from csitools.problems import plural
from csitools.reporting import attributes

if TYPE_CHECKING:
    from csitools.history.diff import Comparison, FileDiff
    from csitools.history.reviewdiff import ReviewItem
from csitools.publish.markdown import cell, code


def _edits(c: Comparison) -> tuple[list[tuple[FileDiff, Change]], ...]:
    """The changes by section: status, targets and baselines, everything else."""
    status: list[tuple[FileDiff, Change]] = []
    targets: list[tuple[FileDiff, Change]] = []
    other: list[tuple[FileDiff, Change]] = []
    for file in c.changed:
        for change in file.changes:
            section = {"status": status, "target": targets, "baseline": targets}
            section.get(change.kind, other).append((file, change))
    return status, targets, other


def summary_line(c: Comparison) -> str:
    status, targets, edits = _edits(c)
    late = sum(ch.after_approval for _, ch in targets)
    other = len(edits) + sum(bool(f.old_path) + bool(f.note) for f in c.changed)
    counts = [
        (sum(f.kind == "improvement" for f in c.added), "new entry", "new entries"),
        (sum(f.kind == "improvement" for f in c.removed), "removed entry", "removed entries"),
        (len(status), "status change", None),
        (len(targets), "target or baseline edit", None),
        (other, "other change", None),
        (sum(f.kind == "kpi" for f in c.added), "new KPI", None),
        (sum(f.kind == "kpi" for f in c.removed), "removed KPI", None),
        (sum(r.kind == "decision" for r in c.reviews), "review decision", None),
        (sum(r.kind == "action" for r in c.reviews), "review action", None),
    ]
    parts = [plural(n, word, many) for n, word, many in counts if n]
    if late:
        parts = [p + f" ({late} after approval)" if "target" in p else p for p in parts]
    return ", ".join(parts) or "no changes to improvements or KPIs"


def _cell(value: Any) -> str:
    """Text from YAML or git, inert in a Markdown table: no markup, no HTML."""
    return cell(show(value))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]


def _flag(change: Change) -> str:
    return "⚠️ after approval" if change.after_approval else ""


def diff_markdown(c: Comparison) -> str:
    """For a pull-request comment or a CI job summary: verdict first, then tables."""
    n = len(c.problems)
    verdict = f"⚠️ {plural(n, 'validation problem')}" if n else "✅ No validation problems"
    head = f"`{c.head[:7]}`" if c.head else "the working tree"
    out = [
        f"{verdict} · {summary_line(c)}",
        "",
        f"## Register changes: `{c.base[:7]}` ({_cell(c.base_label)}) → {head}",
        "",
    ]
    for title, header, rows in _sections(c):
        if rows:
            out += [f"### {title}", "", *_table(header, rows)]
    if not (c.added or c.removed or c.changed or c.reviews):
        out += ["No changes to improvements or KPIs.", ""]
    return "\n".join(out)


Section = tuple[str, list[str], list[list[str]]]
"""A table of the Markdown report: its heading, its column names, its rows."""


_FILE_CELLS: dict[str, Callable[[FileDiff], str]] = {
    "Title": lambda f: _cell(f.title),
    "Name": lambda f: _cell(f.title),
    "Status": lambda f: _cell(f.status),
    "Owner": lambda f: _cell(f.owner),
    "File": lambda f: code(f.path),
}
"""How a column of a table of added or removed files shows one file."""


def _files(title: str, files: tuple[FileDiff, ...], kind: str, columns: str) -> Section:
    """A table of the added or removed files of one kind (``columns``: names, spaced)."""
    names = columns.split()
    rows = [[f.id, *(_FILE_CELLS[n](f) for n in names)] for f in files if f.kind == kind]
    return title, ["ID", *names], rows


def _sections(c: Comparison) -> list[Section]:
    """The report's tables, in order; a table without rows is left out."""
    status, targets, edits = _edits(c)
    renames = [(f, Change("file", f.old_path, f.path, "renamed")) for f in c.changed if f.old_path]
    # Why a file could not be read (too large, a link), whichever side it is on.
    unread = [[f.id, "—", "—", _cell(f.note)] for f in (*c.added, *c.changed) if f.note]
    unread += [[f.id, "—", "—", _cell(f"at the base: {f.note}")] for f in c.removed if f.note]
    return [
        _files("New entries", c.added, "improvement", "Title Status Owner File"),
        _files("Removed entries", c.removed, "improvement", "Title Status File"),
        (
            "Status changes",
            ["ID", "Title", "From", "To"],
            [[f.id, _cell(f.title), _cell(ch.old), _cell(ch.new)] for f, ch in status],
        ),
        (
            "Target and baseline edits",
            ["ID", "Field", "From", "To", "Note"],
            [[f.id, code(ch.field), _cell(ch.old), _cell(ch.new), _flag(ch)] for f, ch in targets],
        ),
        (
            "Other changes",
            ["ID", "Field", "From", "To"],
            [[f.id, code(ch.field), _cell(ch.old), _cell(ch.new)] for f, ch in renames + edits]
            + unread,
        ),
        _files("New KPIs", c.added, "kpi", "Name Owner File"),
        _files("Removed KPIs", c.removed, "kpi", "Name File"),
        ("Review decisions and actions", _REVIEW_COLUMNS, [_review_row(r) for r in c.reviews]),
        (
            "Validation problems",
            ["File", "Line", "Field", "Problem"],
            [[code(p.path), str(p.line), code(p.json_path), _cell(p.message)] for p in c.problems],
        ),
    ]


_REVIEW_COLUMNS = ["Meeting", "Kind", "Improvement", "What", "Detail"]


def _review_row(r: ReviewItem) -> list[str]:
    kind = "action done" if r.change == "done" else r.kind
    return [code(r.review), kind, _cell(r.improvement), _cell(r.what), _cell(r.detail)]


def _file(f: FileDiff) -> dict[str, Any]:
    return {
        **attributes(f, "kind id path old_path title status owner note"),
        "changes": [ch.as_dict() for ch in f.changes],
    }


def diff_json(c: Comparison) -> str:
    payload = {
        "ok": c.ok,
        "summary": summary_line(c),
        **attributes(c, "base base_label head"),
        "added": [_file(f) for f in c.added],
        "removed": [_file(f) for f in c.removed],
        "changed": [_file(f) for f in c.changed],
        "reviews": [r.as_dict() for r in c.reviews],
        "problems": [p.as_dict() for p in c.problems],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
