"""YAML files -> plain data with source positions, checked against the JSON Schemas.

Every problem of every file is collected as a ``Problem``; nothing is raised for bad
input. The YAML is composed by libyaml (``CSafeLoader``) into nodes, and the nodes are
turned into plain data here rather than by PyYAML's constructor, because that is where
we can see what PyYAML hides: duplicate keys, YAML 1.1 booleans (``no`` -> false),
unquoted dates (kept as the text written, so ``format: date`` means the same as in
JSON), anchor/alias expansion, and the line of every value.
"""

from __future__ import annotations

import math
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from csitools.problems import Problem, json_path
from csitools.register.schema import describe, validate_data

try:  # libyaml's parser; the pure-Python one is ~8x slower but gives the same nodes
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


MAX_BYTES = 1024 * 1024
"""Files larger than this are refused: an entry is a few kilobytes."""

MAX_NODES = 50_000
"""Refuse documents whose expanded size (aliases counted each time) passes this."""

MAX_DEPTH = 64
YAML_SUFFIXES = (".yaml", ".yml")


_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_constructor = yaml.constructor.SafeConstructor()

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """One YAML file, parsed: its data and the line of every value in it."""

    path: str
    """Relative to the repository root, forward slashes."""
    kind: str
    data: Any
    lines: Mapping[Path_, int] = field(repr=False, compare=False)
    valid: bool = True
    """False when the file parsed but broke its schema; cross-file checks skip it."""

    def line(self, parts: Path_ = ()) -> int:
        """The line of the value at ``parts``, or of its nearest ancestor we know."""
        parts = tuple(parts)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)


FAILED: Any = object()
"""What ``parse_yaml`` returns for data it could not parse (None is valid YAML)."""


class _Refused(Exception):
    """A document we will not turn into data (a bomb, a recursion, an odd tag)."""

    def __init__(self, line: int, where: Path_, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.where = where
        self.message = message


class _Builder:
    """Turns a composed node tree into plain data, recording lines and surprises."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Path_, int] = {}
        self.bool_surprises: dict[Path_, str] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self._active: set[int] = set()

    def build(self, node: yaml.Node, where: Path_, line: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            top = where[:1]
            raise _Refused(
                self.lines.get(top, line),
                top,
                f"the document expands to more than {MAX_NODES:,} values (anchors and aliases "
                "repeat data); write the values out instead of nesting aliases",
            )
        if len(where) > MAX_DEPTH:
            raise _Refused(line, where, f"nesting deeper than {MAX_DEPTH} levels; flatten it")
        if where not in self.lines:
            self.lines[where] = line
        if node.__class__ is yaml.ScalarNode:
            if node.tag == _STR:  # most values: skip the dispatch
                return node.value
            return self._scalar(node, where)
        if id(node) in self._active:
            raise _Refused(line, where, "an alias refers to itself; remove the recursive alias")
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                self._check_tag(node, where, "seq")
                return [
                    self.build(item, (*where, i), item.start_mark.line + 1)
                    for i, item in enumerate(node.value)
                ]
            self._check_tag(node, where, "map")
            return self._mapping(node, where)
        finally:
            self._active.discard(id(node))

    def _check_tag(self, node: yaml.Node, where: Path_, kind: str) -> None:
        if node.tag != _TAG + kind:
            raise _Refused(
                node.start_mark.line + 1,
                where,
                f"the tag {node.tag!r} is not supported; remove it and write plain YAML",
            )

    def _mapping(self, node: yaml.MappingNode, where: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == _TAG + "merge":
                raise _Refused(
                    key_line, where, "merge keys (<<) are not supported; write the fields out"
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(key_line, where, "a key must be plain text, not a list or mapping")
            key = key_node.value
            if key in out:
                self.problems.append(
                    Problem(
                        self.path,
                        key_line,
                        json_path((*where, key)),
                        f"duplicate key {key!r} (first on line {first_line[key]}); "
                        "YAML keeps only the last one, so remove or merge the duplicate",
                    )
                )
                continue
            first_line[key] = key_line
            out[key] = self.build(value_node, (*where, key), key_line)
        return out

    def _scalar(self, node: yaml.ScalarNode, where: Path_) -> Any:
        tag = node.tag
        if tag == _TAG + "str":
            return node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            if node.value.lower() in _YAML11_BOOLS:
                self.bool_surprises[where] = node.value
            return _constructor.construct_yaml_bool(node)
        if tag == _TAG + "int":
            return _constructor.construct_yaml_int(node)
        if tag == _TAG + "float":
            value = _constructor.construct_yaml_float(node)
            if not math.isfinite(value):  # .nan, .inf: JSON has no such numbers
                self.problems.append(
                    Problem(
                        self.path,
                        node.start_mark.line + 1,
                        json_path(where),
                        f"{node.value!r} is not a finite number; write a number such as 12.5",
                    )
                )
            return value
        if tag == _TAG + "timestamp":
            # Keep dates as written: the schema's `format: date` then judges them
            # the same way it would in JSON, and 2026-02-30 is caught, not crashed on.
            return node.value
        raise _Refused(
            node.start_mark.line + 1,
            where,
            f"the tag {tag!r} is not supported; remove it and write plain YAML",
        )


def parse_yaml(
    text: str, path: str
) -> tuple[Any, dict[Path_, int], dict[Path_, str], list[Problem]]:
    """Parse one YAML document. Returns (data, lines, yaml 1.1 booleans, problems);
    data is ``FAILED`` when the text could not be parsed."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        column = f" (column {mark.column + 1})" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in str(exc):
            what = "the file holds more than one YAML document (---); keep one per file"
        return FAILED, {}, {}, [Problem(path, line, "$", f"YAML syntax error{column}: {what}")]
    except yaml.reader.ReaderError as exc:
        # A character YAML forbids (control characters, NUL): locate it in the text.
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        return (
            FAILED,
            {},
            {},
            [
                Problem(
                    path,
                    line,
                    "$",
                    f"YAML syntax error (column {column}): unacceptable character {char}: "
                    f"{exc.reason}; remove it",
                )
            ],
        )
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        return FAILED, {}, {}, [Problem(path, 0, "$", f"YAML error: {first}")]
    if node is None:
        return FAILED, {}, {}, [Problem(path, 0, "$", "the file is empty; add the entry's fields")]
    builder = _Builder(path)
    try:
        data = builder.build(node, (), node.start_mark.line + 1)
    except _Refused as exc:
        return FAILED, {}, {}, [Problem(path, exc.line, json_path(exc.where), exc.message)]
    except RecursionError:
        return FAILED, {}, {}, [Problem(path, 0, "$", "the document nests too deeply; flatten it")]
    return data, builder.lines, builder.bool_surprises, builder.problems


def read_document(file: Path, rel: str, kind: str) -> tuple[Document | None, list[Problem]]:
    """Read, parse and schema-check one file. The Document is None when the file could
    not be parsed; it is returned with ``valid=False`` when only the schema failed."""
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            return None, [Problem(rel, 0, "$", f"this is {what}; put the YAML file here instead")]
        size = info.st_size
        if size > MAX_BYTES:
            return None, [
                Problem(rel, 0, "$", f"the file is {size:,} bytes, over the 1 MiB limit; split it")
            ]
        raw = file.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 0, "$", f"cannot read the file: {exc.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [
            Problem(
                rel,
                line,
                "$",
                f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    data, lines, surprises, problems = parse_yaml(text, rel)
    if data is FAILED:
        return None, problems
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else describe(data)
        problems.append(
            Problem(
                rel, 1, "$", f"the file holds {what}; it must be a mapping of fields (key: value)"
            )
        )
        return None, problems
    problems += validate_data(data, kind, rel, lines, surprises)
    return Document(rel, kind, data, lines, valid=not problems), sorted(problems)


@dataclass
class LoadResult:
    """Every document of a repository, and every problem found while reading them."""

    root: Path
    improvements: list[Document] = field(default_factory=list)
    kpis: list[Document] = field(default_factory=list)
    people: Document | None = None
    settings: Document | None = None
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """Files that were found but could not be parsed."""


_IMPROVEMENT_NAME = re.compile(r"^CSI-[0-9]{4}(-[a-z0-9]+)*\.ya?ml$")
_KPI_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.ya?ml$")


def discover(root: Path) -> list[tuple[Path, str]]:
    """The register's YAML files and the schema each follows, in path order."""
    found: list[tuple[Path, str]] = []
    # Anything named like YAML is taken, whatever it is (a folder, a dangling link, a
    # pipe, .YAML): reading it says what is wrong, rather than skipping it in silence.
    register = root / "register"
    if register.is_dir():
        for file in sorted(register.iterdir()):
            if file.suffix.lower() in YAML_SUFFIXES:
                kind = "people" if file.stem == "people" else "improvement"
                found.append((file, kind))
    kpis = root / "kpis"
    if kpis.is_dir():
        found += [(f, "kpi") for f in sorted(kpis.iterdir()) if f.suffix.lower() in YAML_SUFFIXES]
    for name in ("register.yml", "register.yaml"):
        if (root / "site_config" / name).is_file():
            found.append((root / "site_config" / name, "settings"))
            break
    return found


def misplaced(root: Path) -> list[Problem]:
    """YAML files in subfolders of register/ or kpis/, which are not read: say so."""
    problems = []
    for folder in ("register", "kpis"):
        top = root / folder
        if not top.is_dir():
            continue
        for file in sorted(top.rglob("*")):
            if file.parent != top and file.suffix.lower() in YAML_SUFFIXES:
                fix = f"move it to {folder}/{file.name}"
                if (top / file.name).exists():  # moving it would replace the one that counts
                    fix = (
                        f"{folder}/{file.name} exists already: merge the two, then delete this one"
                    )
                problems.append(
                    Problem(
                        relative(file, root),
                        0,
                        "$",
                        f"files in subfolders of {folder}/ are not read; {fix}",
                    )
                )
    return problems


def _resolves_inside(file: Path, real_root: Path) -> bool:
    try:
        return file.resolve().is_relative_to(real_root)
    except RuntimeError:  # a loop of links (Python < 3.13): reading it reports the loop
        return True


def relative(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


def load_repository(root: Path) -> LoadResult:
    """Read every register file under ``root``; never raises for bad content."""
    result = LoadResult(root=root)
    if not (root / "register").is_dir():
        result.problems.append(
            Problem(
                "register",
                0,
                "$",
                f"no register/ folder in {root}; run csi in the register's repository "
                "or create one with csi init",
            )
        )
        return result
    real_root = root.resolve()
    result.problems += misplaced(root)
    for file, kind in discover(root):
        rel = relative(file, root)
        result.files.append(rel)
        if file.is_symlink() and not _resolves_inside(file, real_root):
            result.problems.append(
                Problem(
                    rel,
                    0,
                    "$",
                    "the file is a link to a place outside the repository; keep the file "
                    "itself in the repository so that its history is reviewed",
                )
            )
            result.broken.add(rel)
            continue
        name_pattern = _IMPROVEMENT_NAME if kind == "improvement" else _KPI_NAME
        if kind in ("improvement", "kpi") and not name_pattern.match(file.name):
            form = "CSI-NNNN-<slug>.yaml" if kind == "improvement" else "<kpi-id>.yaml"
            result.problems.append(
                Problem(rel, 0, "$", f"file name does not have the form {form}; rename it")
            )
        doc, problems = read_document(file, rel, kind)
        result.problems += problems
        if doc is None:
            result.broken.add(rel)
            continue
        if kind == "improvement":
            result.improvements.append(doc)
        elif kind == "kpi":
            result.kpis.append(doc)
        elif kind == "people":
            result.people = doc
        else:
            result.settings = doc
    if result.people is None and "register/people.yaml" not in result.broken:
        result.problems.append(
            Problem(
                "register/people.yaml",
                0,
                "$",
                "the people directory is missing; create register/people.yaml listing "
                "the people that owners and RACI cells name",
            )
        )
    return result
