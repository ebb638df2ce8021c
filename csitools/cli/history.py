"""csi diff: what a branch or commit does to the register, for review.

The reporters for ``--format markdown`` and ``--format json`` sit here beside the
command; they are pure functions of a ``Comparison``.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from csitools.cli.common import AS_OF, one_root
from csitools.history.changes import Change, show
from csitools.history.diff import Comparison, FileDiff, compare_trees
from csitools.history.git import (
    GitError,
    HistoryUnavailable,
    export_tree,
    main_branch,
    merge_base,
    open_repository,
    read_tree,
    resolve_commit,
)
from csitools.history.revisions import History, approved_ids, load_history
from csitools.history.tracked import read_worktree
from csitools.validation import validate_repository


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
    day = as_of.date() if as_of else None
    if head_commit is None:
        validation = validate_repository(root, day)
    else:
        with tempfile.TemporaryDirectory(prefix="csi-diff-") as tmp:
            export_tree(root, head_commit, Path(tmp))
            validation = validate_repository(Path(tmp), day)
            # Problems name the revision, never the scratch folder it was checked out in.
            problems = tuple(
                dataclasses.replace(p, message=p.message.replace(tmp, f"revision {head}"))
                for p in validation.problems
            )
        return Comparison(base_commit, label, head_commit, added, removed, changed, problems)
    return Comparison(base_commit, label, head_commit, added, removed, changed, validation.problems)


# --- reporters ---------------------------------------------------------------------


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


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
    ]
    parts = [_plural(n, word, plural) for n, word, plural in counts if n]
    if late:
        parts = [p + f" ({late} after approval)" if "target" in p else p for p in parts]
    return ", ".join(parts) or "no changes to improvements or KPIs"


_ESCAPES = str.maketrans(
    {"|": "\\|", "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]"}
    | {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "}
)


def _cell(value: Any) -> str:
    """Text from YAML or git, inert in a Markdown table: no markup, no HTML."""
    return show(value).translate(_ESCAPES)


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text and "|" not in text else _cell(text)


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
    verdict = f"⚠️ {_plural(n, 'validation problem')}" if n else "✅ No validation problems"
    head = f"`{c.head[:7]}`" if c.head else "the working tree"
    out = [
        f"{verdict} · {summary_line(c)}",
        "",
        f"## Register changes: `{c.base[:7]}` ({_cell(c.base_label)}) → {head}",
        "",
    ]
    status, targets, edits = _edits(c)
    renames = [(f, Change("file", f.old_path, f.path, "renamed")) for f in c.changed if f.old_path]
    other = renames + edits
    sections: list[tuple[str, list[str], list[list[str]]]] = [
        (
            "New entries",
            ["ID", "Title", "Status", "Owner", "File"],
            [
                [f.id, _cell(f.title), _cell(f.status), _cell(f.owner), _code(f.path)]
                for f in c.added
                if f.kind == "improvement"
            ],
        ),
        (
            "Removed entries",
            ["ID", "Title", "Status", "File"],
            [
                [f.id, _cell(f.title), _cell(f.status), _code(f.path)]
                for f in c.removed
                if f.kind == "improvement"
            ],
        ),
        (
            "Status changes",
            ["ID", "Title", "From", "To"],
            [[f.id, _cell(f.title), _cell(ch.old), _cell(ch.new)] for f, ch in status],
        ),
        (
            "Target and baseline edits",
            ["ID", "Field", "From", "To", "Note"],
            [[f.id, _code(ch.field), _cell(ch.old), _cell(ch.new), _flag(ch)] for f, ch in targets],
        ),
        (
            "Other changes",
            ["ID", "Field", "From", "To"],
            [[f.id, _code(ch.field), _cell(ch.old), _cell(ch.new)] for f, ch in other]
            + [[f.id, "—", "—", _cell(f.note)] for f in c.changed if f.note],
        ),
        (
            "New KPIs",
            ["ID", "Name", "Owner", "File"],
            [
                [f.id, _cell(f.title), _cell(f.owner), _code(f.path)]
                for f in c.added
                if f.kind == "kpi"
            ],
        ),
        (
            "Removed KPIs",
            ["ID", "Name", "File"],
            [[f.id, _cell(f.title), _code(f.path)] for f in c.removed if f.kind == "kpi"],
        ),
        (
            "Validation problems",
            ["File", "Line", "Field", "Problem"],
            [
                [_code(p.path), str(p.line), _code(p.json_path), _cell(p.message)]
                for p in c.problems
            ],
        ),
    ]
    for title, header, rows in sections:
        if rows:
            out += [f"### {title}", "", *_table(header, rows)]
    if not (c.added or c.removed or c.changed):
        out += ["No changes to improvements or KPIs.", ""]
    return "\n".join(out)


def _file(f: FileDiff) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "id": f.id,
        "path": f.path,
        "old_path": f.old_path,
        "title": f.title,
        "status": f.status,
        "owner": f.owner,
        "note": f.note,
        "changes": [ch.as_dict() for ch in f.changes],
    }


def diff_json(c: Comparison) -> str:
    payload = {
        "ok": c.ok,
        "summary": summary_line(c),
        "base": c.base,
        "base_label": c.base_label,
        "head": c.head,
        "added": [_file(f) for f in c.added],
        "removed": [_file(f) for f in c.removed],
        "changed": [_file(f) for f in c.changed],
        "problems": [p.as_dict() for p in c.problems],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


@click.command()
@click.argument("base", required=False)
@click.argument("head", required=False)
@AS_OF
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown for a pull-request comment or job summary, json for programs.",
)
def diff(base: str | None, head: str | None, as_of: datetime | None, fmt: str) -> None:
    """Show what a change does to the register, and validate the result.

    Compares BASE (default: where HEAD left the main branch: `branch` of
    site_config/register.yml, else main, else origin/main) with HEAD (default: the
    working tree): new and removed entries and KPIs, status changes, target and
    baseline edits (flagged when made after the entry was approved), then the
    validation problems of the HEAD side. Exits 0 when HEAD validates, 1 when it
    has problems, 2 on usage errors (an unknown revision, a shallow clone).

    \b
    Examples:
      csi diff
      csi diff main HEAD --format json
      csi diff origin/main HEAD >> "$GITHUB_STEP_SUMMARY"
    """
    root = one_root()
    try:
        comparison = compare_revisions(root, base, head, as_of)
    except GitError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(diff_json(comparison) if fmt == "json" else diff_markdown(comparison), nl=False)
    if not comparison.ok:
        raise SystemExit(1)
