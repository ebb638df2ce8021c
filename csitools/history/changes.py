"""Field-level changes between two versions of an entry or KPI file.

Only the fields an audit follows are compared: status, owner, priority, the cycles
(opened, closed, outcome) and their targets (value, by, baseline), and a KPI's
baseline. Pure functions over data read by ``tracked``; ``revisions`` and ``diff``
feed them versions read from git; ``describe_change`` and ``summarise`` put a change
in words.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

APPROVED = frozenset({"approved", "in-progress", "measuring", "completed"})
"""Statuses an entry reaches only after approval: from then on its targets are agreed."""


KINDS = (
    "added",
    "re-added",
    "removed",
    "status",
    "owner",
    "priority",
    "target",
    "baseline",
    "cycle",
)
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
        return asdict(self)  # every field, in order, as the JSON reports show them


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
    elif "re-added" in kinds:  # after a deletion: what differs from the version deleted
        parts.append("added again")
        parts += [describe_change(c) for c in changes if c.kind != "re-added"]
    elif "removed" in kinds:
        parts.append("removed")
    else:
        parts += [describe_change(c) for c in changes]
    if note:
        parts.append(f"unreadable: {note}")
    return "; ".join(parts) or "edited (no tracked field changed)"
