"""YAML text -> plain data with the line of every value (a ``Document``).

The YAML is composed by libyaml (``CSafeLoader``) into nodes, and the nodes are turned
into plain data here rather than by PyYAML's constructor, because that is where we can
see what PyYAML hides: duplicate keys, YAML 1.1 booleans (``no`` -> false), unquoted
dates (kept as the text written, so ``format: date`` means the same as in JSON),
anchor/alias expansion, and the line of every value. Problems are returned, never
raised.

Line numbers are needed only for problems, and most files have none: ``quick_parse``
builds the same data without them (and gives up on anything ``parse_yaml`` would say
something about), and ``LazyLines`` finds them with ``parse_yaml`` the first time a
problem asks for one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import yaml

from csitools.problems import Problem, Where, json_path
from csitools.register.composer import Loader as _Loader
from csitools.register.limits import in_range, number_problem

MAX_NODES = 50_000
"""Refuse documents whose expanded size (aliases counted each time) passes this."""

MAX_DEPTH = 64


_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_SEQ, _MAP, _MERGE = _TAG + "seq", _TAG + "map", _TAG + "merge"
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_constructor = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Document:
    """One YAML file, parsed: its data and the line of every value in it."""

    path: str
    """Relative to the repository root, forward slashes."""
    kind: str
    data: Any
    lines: Mapping[Where, int] = field(repr=False, compare=False)
    valid: bool = True
    """False when the file parsed but broke its schema; cross-file checks skip it."""

    def line(self, parts: Where = ()) -> int:
        """The line of the value at ``parts``, or of its nearest ancestor we know."""
        parts = tuple(parts)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)


def problem_at(doc: Document | None, path: str, where: Where, message: str) -> Problem:
    """A problem at the line of the value at ``where`` (line 0 without a document)."""
    line = doc.line(where) if doc is not None else 0
    return Problem(path, line, json_path(where), message)


FAILED: Any = object()
"""What ``parse_yaml`` returns for data it could not parse (None is valid YAML)."""


class _Refused(Exception):
    """A document we will not turn into data (a bomb, a recursion, an odd tag)."""

    def __init__(self, line: int, where: Where, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.where = where
        self.message = message


class _Builder:
    """Turns a composed node tree into plain data, recording lines and surprises."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Where, int] = {}
        self.bool_surprises: dict[Where, str] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self._active: set[int] = set()

    def build(self, node: yaml.Node, where: Where, line: int) -> Any:
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
            return self._mapping(cast(yaml.MappingNode, node), where)
        finally:
            self._active.discard(id(node))

    def _check_tag(self, node: yaml.Node, where: Where, kind: str) -> None:
        if node.tag != _TAG + kind:
            raise _Refused(
                node.start_mark.line + 1,
                where,
                f"the tag {node.tag!r} is not supported; remove it and write plain YAML",
            )

    def _mapping(self, node: yaml.MappingNode, where: Where) -> dict[str, Any]:
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

    def _scalar(self, node: yaml.ScalarNode, where: Where) -> Any:
        tag = node.tag  # not str: build returns those itself
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            if node.value.lower() in _YAML11_BOOLS:
                self.bool_surprises[where] = node.value
            return _constructor.construct_yaml_bool(node)
        if tag in (_TAG + "int", _TAG + "float"):
            return self._number(node, where)
        if tag == _TAG + "timestamp":
            # Keep dates as written: the schema's `format: date` then judges them
            # the same way it would in JSON, and 2026-02-30 is caught, not crashed on.
            return node.value
        raise _Refused(
            node.start_mark.line + 1,
            where,
            f"the tag {tag!r} is not supported; remove it and write plain YAML",
        )

    def _number(self, node: yaml.ScalarNode, where: Where) -> int | float:
        """An int or a float; one the register cannot hold is a problem here, once."""
        line = node.start_mark.line + 1
        if node.tag == _TAG + "float":
            value: int | float = _constructor.construct_yaml_float(node)
            if node.value.lower().lstrip("+-") in (".inf", ".nan"):  # JSON has no such numbers
                message = f"{node.value!r} is not a finite number; write a number such as 12.5"
                self.refused(line, where, message)
                return value
        else:
            try:
                value = _constructor.construct_yaml_int(node)
            except ValueError:  # more digits than Python turns into an int
                value = -math.inf if node.value.lstrip().startswith("-") else math.inf
        if not in_range(value):
            self.refused(line, where, number_problem(node.value))
            return math.inf if value > 0 else -math.inf  # no number the model takes
        return value

    def refused(self, line: int, where: Where, message: str) -> None:
        self.problems.append(Problem(self.path, line, json_path(where), message))


def _unacceptable(text: str, path: str, exc: yaml.reader.ReaderError) -> Problem:
    """A character YAML forbids (control characters, NUL), located in the text. libyaml
    counts its position in bytes of the text's UTF-8, PyYAML's own reader in characters."""
    if issubclass(_Loader, yaml.reader.Reader):
        before = text[: exc.position]
    else:
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
    message = f"YAML syntax error (column {column}): unacceptable character {char}: "
    return Problem(path, line, "$", f"{message}{exc.reason}; remove it")


def parse_yaml(
    text: str, path: str
) -> tuple[Any, dict[Where, int], dict[Where, str], list[Problem]]:
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
        return FAILED, {}, {}, [_unacceptable(text, path, exc)]
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        return FAILED, {}, {}, [Problem(path, 0, "$", f"YAML error: {first}")]
    except RecursionError:  # PyYAML's own parser (without libyaml) recurses per level
        return FAILED, {}, {}, [Problem(path, 0, "$", "the document nests too deeply; flatten it")]
    if node is None:
        return FAILED, {}, {}, [Problem(path, 0, "$", "the file is empty; add the entry's fields")]
    builder = _Builder(path)
    try:
        data = builder.build(node, (), node.start_mark.line + 1)
    except _Refused as exc:  # the builder stops at MAX_DEPTH, far from Python's recursion limit
        return FAILED, {}, {}, [Problem(path, exc.line, json_path(exc.where), exc.message)]
    return data, builder.lines, builder.bool_surprises, builder.problems


# The quick reading. Most files are fine, and a fine file needs no line numbers: its
# data is built from libyaml's nodes without them, and the lines are found (by
# parse_yaml, reading the text again) only when something asks for one, which only a
# problem does. Whatever the full reading would say anything about sends the file to
# it at once, so the problems and their words are the same either way.


class _Unusual(Exception):
    """Something the quick reading leaves to ``parse_yaml``, which says what it is."""


class _Quick:
    """Builds the same data as ``_Builder`` from a node tree, or raises ``_Unusual``."""

    def __init__(self) -> None:
        self.count = 0
        self.collections: set[int] = set()

    def build(self, node: yaml.Node, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise _Unusual
        if node.__class__ is yaml.ScalarNode:
            return node.value if node.tag == _STR else self._scalar(node)
        if id(node) in self.collections:  # an alias: the full reading counts and checks it
            raise _Unusual
        self.collections.add(id(node))
        if node.__class__ is yaml.SequenceNode and node.tag == _SEQ:
            return [self.build(item, depth + 1) for item in node.value]
        if node.__class__ is not yaml.MappingNode or node.tag != _MAP:
            raise _Unusual
        out: dict[str, Any] = {}
        inline = depth < MAX_DEPTH  # a plain string value is taken here, without a call
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode or key_node.tag == _MERGE:
                raise _Unusual
            if key_node.value in out:  # a duplicate key
                raise _Unusual
            if inline and value_node.__class__ is yaml.ScalarNode and value_node.tag == _STR:
                self.count += 1
                out[key_node.value] = value_node.value
            else:
                out[key_node.value] = self.build(value_node, depth + 1)
        if self.count > MAX_NODES:
            raise _Unusual
        return out

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "timestamp":
            return node.value
        if tag == _TAG + "bool" and node.value.lower() not in _YAML11_BOOLS:
            return _constructor.construct_yaml_bool(node)
        if tag == _TAG + "int":
            try:
                value: int | float = _constructor.construct_yaml_int(node)
            except ValueError:
                raise _Unusual from None
        elif tag == _TAG + "float":
            value = _constructor.construct_yaml_float(node)
        else:
            raise _Unusual
        if not in_range(value):  # and .inf and .nan, which no range holds
            raise _Unusual
        return value


def quick_parse(text: str) -> Any:
    """The data of one YAML document, built without line numbers; ``FAILED`` when the
    full reading (``parse_yaml``) must judge the text: it does not parse, is empty, or
    holds anything that reading reports or checks (a duplicate key, a tag, an alias, a
    YAML 1.1 boolean, a number the model cannot hold)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        if node is None:
            return FAILED
        return _Quick().build(node, 0)
    except (yaml.YAMLError, _Unusual, RecursionError):
        return FAILED


class LazyLines(Mapping[Where, int]):
    """The line of every value of ``text``, found by ``parse_yaml`` on first use."""

    def __init__(self, text: str, path: str) -> None:
        self._text: str | None = text
        self._path = path
        self._lines: dict[Where, int] = {}

    def _found(self) -> dict[Where, int]:
        if self._text is not None:
            self._lines = parse_yaml(self._text, self._path)[1]
            self._text = None  # read once; the text is not kept
        return self._lines

    def __getitem__(self, where: Where) -> int:
        return self._found()[where]

    def __iter__(self) -> Iterator[Where]:
        return iter(self._found())

    def __len__(self) -> int:
        return len(self._found())
