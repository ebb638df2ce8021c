"""Field-level changes between two versions of an entry or KPI file.

Only the fields an audit follows are compared: status, owner, priority, the cycles
(opened, closed, outcome) and their targets (value, by, baseline), and a KPI's
baseline. Pure functions over parsed data; ``history`` and ``csi diff`` feed them
versions read from git.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from csitools.problems import Problem
from csitools.register.documents import FAILED, parse_yaml
from csitools.register.load import discover, relative

APPROVED = frozenset({"approved", "in-progress", "measuring", "completed"})
"""Statuses an entry reaches only after approval: from then on its targets are agreed."""

TRACKED = ("id", "title", "name", "status", "owner", "priority", "cycles", "baseline")

TrackedData = dict[str, Any]
"""The tracked top-level fields of one version of a file."""

KINDS = ("added", "removed", "status", "owner", "priority", "target", "baseline", "cycle")
"""What a ``Change.kind`` can be; ``csi diff`` adds "renamed" for a file moved."""


@dataclass(frozen=True)
class Change:
    """One field's change. ``field`` is JSONPath-like without the ``$.``, with
    targets keyed by KPI: ``cycles[0].targets[email-resolution-time].value``;
    ``$`` stands for the whole file (kinds 'added' and 'removed')."""

    field: str
    old: Any
    new: Any
    kind: str
    after_approval: bool = False
    """A target or baseline edit made once the entry had been approved."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "kind": self.kind,
            "after_approval": self.after_approval,
        }


# --- reading a version -------------------------------------------------------------

_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
# Both start with a newline rather than ^ in MULTILINE mode: re then skips ahead to
# each newline instead of trying every character (three times faster here).
_KEY_LINE = re.compile(rf"\n({_NAME}):(?=[ \t]|\r?\n|\r?$)[ \t]*([^\n]*)")
# A line at column 0 that is neither a key, a sequence item, a comment nor blank.
_ODD_LINE = re.compile(
    rf"\n(?=[^ \t\r\n#])(?!{_NAME}:(?:[ \t]|\r?\n|\r?$))(?!-(?:[ \t]|\r?\n|\r?$))"
)
_ITEM = re.compile(rf"( *)- +({_NAME}):(?:[ \t]|\r?$)")
_FIELD = re.compile(rf" *({_NAME}):(?:[ \t]|\r?$)")
_CYCLE_FIELDS = frozenset({"opened", "closed", "outcome", "targets"})


def _sections(text: str) -> dict[str, str] | None:
    """Split a plain block-mapping document into its top-level ``key: ...`` pieces.

    History parses every version of every file; parsing only the pieces it follows
    is several times faster than parsing whole files. Anything unusual (flow
    mappings, directives, quoted keys, a quote or bracket left open on a key's
    line, duplicate keys) returns None, and the caller parses the whole file.
    """
    text = "\n" + text
    keys = list(_KEY_LINE.finditer(text))
    if not keys or _ODD_LINE.search(text) or "\n-" in text[: keys[0].start()]:
        return None
    sections = {}
    for key, end in zip(keys, [*(k.start() for k in keys[1:]), len(text)], strict=True):
        name, rest = key.group(1, 2)
        first = rest[:1]
        if name in sections or first in ("&", "*", "!"):
            return None
        if first in ("'", '"') and rest.find(first, 1) == -1:
            return None
        if first in ("[", "{") and sum(map(rest.count, "[{")) != sum(map(rest.count, "]}")):
            return None
        sections[name] = text[key.start() + 1 : end]
    return sections


def _cycle_essentials(section: str) -> str:
    """The ``cycles:`` piece with only the fields compared (opened, closed, outcome,
    targets). Narrative fields (plan, actions taken, lessons) change in most commits;
    leaving them out makes versions that differ only there parse once.

    Relies on YAML's rule that a mapping's keys share one indentation and their
    values are indented deeper; anything else returns the piece unchanged.
    """
    lines = section.split("\n")
    if lines[0].partition("#")[0].strip() != "cycles:":
        return section
    out = ["cycles:"]
    dash = width = -1
    keep = True
    for line in lines[1:]:
        body = line.rstrip("\r")
        stripped = body.lstrip(" ")
        indent = len(body) - len(stripped)
        if not stripped:
            continue
        if stripped[0] == "\t":
            return section
        if width >= 0 and (indent > width or (indent == width and stripped[:2] in ("- ", "-"))):
            if keep:  # the current field's value (a compact sequence may sit at its level)
                out.append(body)
            continue
        if stripped[0] == "#":
            continue
        item = _ITEM.match(body)
        if item and (dash < 0 or len(item.group(1)) == dash):
            dash, width = len(item.group(1)), item.start(2)
            keep = item.group(2) in _CYCLE_FIELDS
            out.append(body if keep else f"{' ' * dash}-{' ' * (width - dash - 1)}_: null")
            continue
        field = _FIELD.match(body) if indent == width else None
        if field is None:
            return section
        keep = field.group(1) in _CYCLE_FIELDS
        if keep:
            out.append(body)
    return "\n".join(out) + "\n"


@lru_cache(maxsize=1 << 16)
def _parse_section(text: str) -> Any:
    # Unchanged pieces (status lines, priority, old cycles) recur across versions.
    data, _, _, _ = parse_yaml(text, "")
    return data if isinstance(data, dict) else FAILED


def _parse_tracked(sections: Mapping[str, str]) -> TrackedData | None:
    data: TrackedData = {}
    for key in TRACKED:
        if key not in sections:
            continue
        parsed = FAILED
        if key == "cycles":
            parsed = _parse_section(_cycle_essentials(sections[key]))
        if parsed is FAILED:  # an alias into a left-out field, say: parse it all
            parsed = _parse_section(sections[key])
        if parsed is FAILED or key not in parsed:
            return None
        data[key] = parsed[key]
    return _compared(data)


def _compared(data: TrackedData) -> TrackedData:
    """Cycles reduced to the fields compared, however they were read."""
    cycles = data.get("cycles")
    if isinstance(cycles, list):
        data["cycles"] = [
            {k: v for k, v in c.items() if k in _CYCLE_FIELDS} if isinstance(c, dict) else c
            for c in cycles
        ]
    return data


def read_tracked(blob: bytes, path: str) -> TrackedData | str:
    """The tracked fields of one version of a file, or why it cannot be read."""
    try:
        text = blob.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return "the file is not UTF-8"
    sections = _sections(text)
    data = _parse_tracked(sections) if sections else None
    if data is not None:
        return data
    parsed, _, _, problems = parse_yaml(text, path)
    if parsed is FAILED:
        return problems[0].message if problems else "the file could not be parsed"
    if not isinstance(parsed, dict):
        return "the file does not hold a mapping of fields"
    return _compared({key: parsed[key] for key in TRACKED if key in parsed})


def stem_id(path: str) -> str:
    """The id a file's name gives: CSI-NNNN for an entry, the stem for a KPI."""
    name = PurePosixPath(path).name
    return name[:8] if name.startswith("CSI-") else name.rsplit(".", 1)[0]


def is_tracked_path(path: str) -> bool:
    """An entry (register/*.yaml but people) or a KPI (kpis/*.yaml) file."""
    folder, _, name = path.partition("/")
    return (
        folder in ("register", "kpis")
        and "/" not in name
        and name.endswith((".yaml", ".yml"))
        and not (folder == "register" and name.rsplit(".", 1)[0] == "people")
    )


def read_worktree(root: Path) -> dict[str, TrackedData | str]:
    """The tracked fields of every entry and KPI file on disk, by relative path."""
    out: dict[str, TrackedData | str] = {}
    for file, kind in discover(root):
        if kind in ("improvement", "kpi"):
            if not file.is_file():  # a folder, a pipe, a dangling link: never read it
                out[relative(file, root)] = "not a regular file"
                continue
            try:
                out[relative(file, root)] = read_tracked(file.read_bytes(), relative(file, root))
            except OSError as exc:
                out[relative(file, root)] = f"cannot read the file: {exc.strerror}"
    return out


# --- comparing two versions --------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _targets(cycle: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """A cycle's targets keyed by KPI (a repeated KPI gets #2, #3...)."""
    keyed: dict[str, Mapping[str, Any]] = {}
    for i, target in enumerate(_list(cycle.get("targets"))):
        target = _mapping(target)
        name = str(target.get("kpi", i))
        key, n = name, 2
        while key in keyed:
            key, n = f"{name}#{n}", n + 1
        keyed[key] = target
    return keyed


def kpis_targeted(data: Mapping[str, Any]) -> set[str]:
    """The KPIs named by any target of any cycle."""
    return {
        str(t["kpi"])
        for c in _list(data.get("cycles"))
        for t in _list(_mapping(c).get("targets"))
        if isinstance(t, Mapping) and "kpi" in t
    }


def field_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], approved: bool = False
) -> tuple[Change, ...]:
    """The tracked changes from ``old`` to ``new`` (either may be empty).

    ``approved``: the entry had been approved before this change, so target and
    baseline edits are flagged. The targets of a newly opened cycle are not: setting
    them is how a cycle starts; editing them later is flagged.
    """
    out: list[Change] = []

    def add(where: str, a: Any, b: Any, kind: str, flag: bool = False) -> None:
        if a != b:
            out.append(Change(where, a, b, kind, flag and approved))

    add("status", old.get("status"), new.get("status"), "status")
    add("owner", old.get("owner"), new.get("owner"), "owner")
    old_p, new_p = old.get("priority"), new.get("priority")
    if isinstance(old_p, Mapping) or isinstance(new_p, Mapping):
        for key in dict.fromkeys([*_mapping(old_p), *_mapping(new_p)]):
            add(f"priority.{key}", _mapping(old_p).get(key), _mapping(new_p).get(key), "priority")
    else:
        add("priority", old_p, new_p, "priority")
    old_b, new_b = old.get("baseline"), new.get("baseline")
    if isinstance(old_b, Mapping) or isinstance(new_b, Mapping):
        for key in ("value", "period"):
            a, b = _mapping(old_b).get(key), _mapping(new_b).get(key)
            add(f"baseline.{key}", a, b, "baseline", flag=bool(old_b))
    else:
        add("baseline", old_b, new_b, "baseline", flag=old_b is not None)
    old_c, new_c = _list(old.get("cycles")), _list(new.get("cycles"))
    for i in range(max(len(old_c), len(new_c))):
        where = f"cycles[{i}]"
        a = _mapping(old_c[i]) if i < len(old_c) else None
        b = _mapping(new_c[i]) if i < len(new_c) else None
        if a is None:
            out.append(Change(where, None, (b or {}).get("opened", "?"), "cycle"))
        elif b is None:
            out.append(Change(where, a.get("opened", "?"), None, "cycle"))
        else:
            for key in ("opened", "closed", "outcome"):
                add(f"{where}.{key}", a.get(key), b.get(key), "cycle")
        old_t, new_t = _targets(a or {}), _targets(b or {})
        for kpi in dict.fromkeys([*new_t, *old_t]):
            ta, tb = _mapping(old_t.get(kpi)), _mapping(new_t.get(kpi))
            for key, kind in (("value", "target"), ("by", "target"), ("baseline", "baseline")):
                where_t = f"{where}.targets[{kpi}].{key}"
                add(where_t, ta.get(key), tb.get(key), kind, flag=a is not None)
    return tuple(out)


# --- words -------------------------------------------------------------------------


def show(value: Any) -> str:
    """A value as the YAML author wrote it (near enough), or — for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def describe_change(change: Change) -> str:
    """One change in words: ``status approved → in-progress``."""
    if change.kind == "cycle" and change.field.endswith("]"):
        text = (
            f"{change.field} opened {show(change.new)}"
            if change.old is None and change.new is not None
            else f"{change.field} removed"
        )
    else:
        text = f"{change.field} {show(change.old)} → {show(change.new)}"
    return text + (" (after approval)" if change.after_approval else "")


def summarise(changes: Sequence[Change], renamed_from: str | None = None, note: str = "") -> str:
    """One commit's changes to one file in a line, for a changelog."""
    parts = [f"renamed from {renamed_from}"] if renamed_from else []
    kinds = {c.kind for c in changes}
    if "added" in kinds:
        status = next((c.new for c in changes if c.field == "status"), None)
        parts.append(f"created ({status})" if status else "created")
    elif "removed" in kinds:
        parts.append("removed")
    else:
        parts += [describe_change(c) for c in changes]
    if note:
        parts.append(f"unreadable: {note}")
    return "; ".join(parts) or "edited (no tracked field changed)"


# --- comparing two trees (csi diff) ------------------------------------------------


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
