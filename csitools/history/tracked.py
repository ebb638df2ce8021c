"""One version of an entry or KPI file -> the fields an audit follows (``TrackedData``).

Only the fields an audit follows are read: status, owner, priority, the cycles (opened,
closed, outcome, targets) and a KPI's baseline. A version is cut into its top-level
sections by text first and only those sections are parsed, because history reads every
version of every file; a file that does not cut cleanly is parsed whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from csitools.register.documents import FAILED, parse_yaml
from csitools.register.load import REGISTER_FILES, discover, read_limited, relative

TRACKED = ("id", "title", "name", "status", "owner", "priority", "cycles", "baseline")


TrackedData = dict[str, Any]
"""The tracked top-level fields of one version of a file."""


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
        # With the newline that ends it: a block scalar (|) keeps its final newline.
        sections[name] = text[key.start() + 1 : end + 1]
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


def is_tracked_path(path: str) -> bool:
    """An entry (register/*.yaml but people, services and csfs) or a KPI (kpis/*.yaml)
    file."""
    folder, _, name = path.partition("/")
    return (
        folder in ("register", "kpis")
        and "/" not in name
        and name.endswith((".yaml", ".yml"))
        and not (folder == "register" and name.rsplit(".", 1)[0] in REGISTER_FILES)
    )


def read_worktree(root: Path) -> dict[str, TrackedData | str]:
    """The tracked fields of every entry and KPI file on disk, by relative path, or why
    a file is not read: nothing of a file behind a link leading outside the repository,
    and no file over the loader's size limit, is read at all."""
    out: dict[str, TrackedData | str] = {}
    for file, kind in discover(root):
        if kind in ("improvement", "kpi"):
            rel = relative(file, root)
            try:
                blob = read_limited(file, root)
            except OSError as exc:
                blob = f"cannot read the file: {exc.strerror}"
            out[rel] = read_tracked(blob, rel) if isinstance(blob, bytes) else blob
    return out
