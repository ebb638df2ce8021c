"""The rules of reading YAML into data (``csitools.register.documents``): YAML 1.1
booleans, dates kept as written, the line of every value (through anchors and aliases),
duplicate keys at any depth, the limits on size and nesting exactly at and one past
them, numbers the register cannot hold, what is refused, and the quick reading giving
the full reading's data or leaving the file to it."""

from __future__ import annotations

import math
import sys
from typing import Any

import pytest
import yaml

from csitools.problems import Problem
from csitools.register import documents
from csitools.register.documents import (
    FAILED,
    MAX_DEPTH,
    MAX_NODES,
    Document,
    LazyLines,
    parse_yaml,
    problem_at,
    quick_parse,
)

P = "register/CSI-0001-x.yaml"
TOO_MANY = (
    "the document expands to more than 50,000 values (anchors and aliases repeat data); "
    "write the values out instead of nesting aliases"
)
TOO_DEEP = "nesting deeper than 64 levels; flatten it"
OUT_OF_RANGE = (
    "the number {} is outside -1e15 to 1e15, the numbers a register holds; "
    "write the real value (quote it if it is a code, not a quantity)"
)


def problems(text: str) -> list[tuple[int, str, str]]:
    return [(p.line, p.json_path, p.message) for p in parse_yaml(text, P)[3]]


# --- the line of a value -------------------------------------------------------------


def test_a_value_without_a_line_of_its_own_takes_its_nearest_ancestors() -> None:
    doc = Document(P, "improvement", {}, {(): 3, ("raci",): 5, ("raci", 0): 6})
    assert doc.line(("raci", 0, "accountable")) == 6
    assert doc.line(("raci", 1)) == 5
    assert doc.line(("title",)) == 3
    assert doc.line() == 3


def test_a_document_without_any_line_puts_everything_on_line_1() -> None:
    assert Document(P, "improvement", {}, {}).line(("title",)) == 1


def test_a_problem_without_a_document_is_about_the_whole_file_on_line_0() -> None:
    doc = Document(P, "improvement", {}, {(): 1, ("raci",): 4})
    assert problem_at(None, P, ("raci", 0), "m") == Problem(P, 0, "$.raci[0]", "m")
    assert problem_at(doc, P, ("raci", 0), "m") == Problem(P, 4, "$.raci[0]", "m")


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_every_value_has_the_line_it_is_written_on_whatever_the_line_ends(end: str) -> None:
    text = end.join(["id: CSI-0001", "raci:", "  - activity: Plan", "    owner: bob", ""])
    data, lines, surprises, found = parse_yaml(text, P)
    assert data == {"id": "CSI-0001", "raci": [{"activity": "Plan", "owner": "bob"}]}
    assert lines == {
        (): 1,
        ("id",): 1,
        ("raci",): 2,
        ("raci", 0): 3,
        ("raci", 0, "activity"): 3,
        ("raci", 0, "owner"): 4,
    }
    assert (surprises, found) == ({}, [])
    assert quick_parse(text) == data


def test_a_value_reached_through_an_alias_has_the_line_of_the_alias_and_its_parts_the_anchors() -> (
    None
):
    text = "base: &b\n  owner: alice\n  kpis:\n    - x\n    - y\ncopy: *b\n"
    data, lines, _, found = parse_yaml(text, P)
    assert data["copy"] == data["base"] == {"owner": "alice", "kpis": ["x", "y"]}
    assert found == []
    assert lines[("copy",)] == 6
    assert lines[("copy", "owner")] == 2
    assert lines[("copy", "kpis", 1)] == 5


def test_the_lazy_lines_are_the_full_readings_lines() -> None:
    text = "id: CSI-0001\nraci:\n  - owner: bob\n"
    full = parse_yaml(text, P)[1]
    lazy = LazyLines(text, P)
    assert len(lazy) == len(full) == 5
    assert dict(lazy) == full
    assert list(lazy) == list(full)
    assert lazy[("raci", 0, "owner")] == 3


# --- what YAML 1.1 and PyYAML would change ---------------------------------------------


@pytest.mark.parametrize(
    ("written", "value", "surprise"),
    [
        ("true", True, False),
        ("True", True, False),
        ("FALSE", False, False),
        ("yes", True, True),
        ("Yes", True, True),
        ("YES", True, True),
        ("No", False, True),
        ("no", False, True),
        ("on", True, True),
        ("OFF", False, True),
        ("Off", False, True),
        ("y", "y", False),  # PyYAML reads y and n as text
        ("N", "N", False),
        ("yEs", "yEs", False),  # not a boolean in any YAML
    ],
)
def test_yaml_1_1_booleans_are_noted_in_any_case(
    written: str, value: object, surprise: bool
) -> None:
    data, _, surprises, found = parse_yaml(f"done: {written}\n", P)
    assert data == {"done": value} and type(data["done"]) is type(value)
    assert surprises == ({("done",): written} if surprise else {})
    assert found == []
    assert quick_parse(f"done: {written}\n") == (FAILED if surprise else data)


@pytest.mark.parametrize(
    "written", ["2026-11-23", "2026-02-30", "2026-1-5", "2001-12-14t21:59:43.10-05:00"]
)
def test_unquoted_dates_stay_the_text_written(written: str) -> None:
    text = f"raised: {written}\n"
    assert parse_yaml(text, P)[0] == {"raised": written}
    assert quick_parse(text) == {"raised": written}


def test_duplicate_keys_at_any_depth_are_each_a_problem_on_their_line() -> None:
    text = "a:\n  b: 1\n  c:\n    - d: 1\n      d: 2\n  b: 3\nc: 4\nc: 5\n"
    keeps = "YAML keeps only the last one, so remove or merge the duplicate"
    assert problems(text) == [
        (5, "$.a.c[0].d", f"duplicate key 'd' (first on line 4); {keeps}"),
        (6, "$.a.b", f"duplicate key 'b' (first on line 2); {keeps}"),
        (8, "$.c", f"duplicate key 'c' (first on line 7); {keeps}"),
    ]
    assert quick_parse(text) is FAILED


# --- numbers -----------------------------------------------------------------------------

HUGE = "1" * 5000  # more digits than Python turns into an int


@pytest.mark.parametrize(
    ("written", "value", "message"),
    [
        ("1000000000000000", 10**15, None),
        ("-1000000000000000", -(10**15), None),
        ("1.0e+15", 1e15, None),
        ("1000000000000001", math.inf, OUT_OF_RANGE.format("1000000000000001")),
        ("-1000000000000001", -math.inf, OUT_OF_RANGE.format("-1000000000000001")),
        ("1.5e+15", math.inf, OUT_OF_RANGE.format("1.5e+15")),
        ("-1.5e+15", -math.inf, OUT_OF_RANGE.format("-1.5e+15")),
        (HUGE, math.inf, OUT_OF_RANGE.format("111111111111… (5000 characters)")),
        (f"-{HUGE}", -math.inf, OUT_OF_RANGE.format("-11111111111… (5001 characters)")),
        (f'!!int " -{HUGE}"', -math.inf, OUT_OF_RANGE.format("-11111111111… (5001 characters)")),
        (".inf", math.inf, "'.inf' is not a finite number; write a number such as 12.5"),
        ("+.inf", math.inf, "'+.inf' is not a finite number; write a number such as 12.5"),
        ("-.INF", -math.inf, "'-.INF' is not a finite number; write a number such as 12.5"),
        (".NaN", math.nan, "'.NaN' is not a finite number; write a number such as 12.5"),
    ],
)
def test_a_number_the_register_cannot_hold_is_a_problem_and_keeps_its_sign(
    written: str, value: float, message: str | None
) -> None:
    text = f"title: x\nbaseline: {written}\n"
    data, _, _, found = parse_yaml(text, P)
    got = data["baseline"]
    assert math.isnan(got) if math.isnan(value) else (got == value and type(got) is type(value))
    assert [(p.line, p.json_path, p.message) for p in found] == (
        [(2, "$.baseline", message)] if message else []
    )
    assert quick_parse(text) == (FAILED if message else data)


# --- what is refused -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "path", "message"),
    [
        (
            "title: x\nsteps: !list\n  - 1\n",
            2,
            "$.steps",
            "the tag '!list' is not supported; remove it and write plain YAML",
        ),
        (
            "title: x\nowners:\n  team: !!set {alice, bob}\n",
            3,
            "$.owners.team",
            "the tag 'tag:yaml.org,2002:set' is not supported; remove it and write plain YAML",
        ),
        (
            "title: x\nnotes: !!binary aGk=\n",
            2,
            "$.notes",
            "the tag 'tag:yaml.org,2002:binary' is not supported; remove it and write plain YAML",
        ),
        (
            "title: x\nraci:\n  ? [plan]\n  : bob\n",
            3,
            "$.raci",
            "a key must be plain text, not a list or mapping",
        ),
        (
            "base: &b {owner: bob}\nraci:\n  <<: *b\n",
            3,
            "$.raci",
            "merge keys (<<) are not supported; write the fields out",
        ),
        (
            "title: x\nsteps: &s\n  - *s\n",
            2,  # an alias is the node it names: the line of its anchor
            "$.steps[0]",
            "an alias refers to itself; remove the recursive alias",
        ),
    ],
)
def test_what_is_not_plain_yaml_is_refused_where_it_is_written(
    text: str, line: int, path: str, message: str
) -> None:
    assert parse_yaml(text, P)[0] is FAILED
    assert problems(text) == [(line, path, message)]
    assert quick_parse(text) is FAILED


def flow_list(items: int) -> str:
    return "[" + ",".join(["1"] * items) + "]"


def test_a_document_of_exactly_max_nodes_values_is_read() -> None:
    # the mapping, title, the list and its items, last: MAX_NODES values in all
    text = f"title: x\nitems: {flow_list(MAX_NODES - 4)}\nlast: 1\n"
    data, _, _, found = parse_yaml(text, P)
    assert found == [] and len(data["items"]) == MAX_NODES - 4
    assert quick_parse(text) == data


def test_one_value_past_max_nodes_is_refused_at_the_top_level_field_it_falls_in() -> None:
    text = f"title: x\nitems: {flow_list(MAX_NODES - 4)}\nlast: 1\nmore: 1\n"
    assert problems(text) == [(4, "$.more", TOO_MANY)]
    assert quick_parse(text) is FAILED


def test_one_value_past_max_nodes_inside_a_field_is_refused_at_that_field() -> None:
    nested = f"title: x\nitems: {flow_list(MAX_NODES - 2)}\n"  # the last item is one too many
    assert problems(nested) == [(2, "$.items", TOO_MANY)]
    assert quick_parse(nested) is FAILED


@pytest.mark.parametrize("fields", [MAX_NODES - 1, MAX_NODES])
def test_text_fields_count_toward_max_nodes_as_any_value(fields: int) -> None:
    text = "".join(f"k{i}: x\n" for i in range(fields))  # the mapping and its fields
    if fields + 1 <= MAX_NODES:
        data, _, _, found = parse_yaml(text, P)
        assert found == [] and len(data) == fields
        assert quick_parse(text) == data
    else:
        assert problems(text) == [(fields, f"$.k{fields - 1}", TOO_MANY)]
        assert quick_parse(text) is FAILED


def test_aliases_count_each_time_they_repeat_data() -> None:
    hundred = flow_list(99)  # a list and its 99 items: 100 values
    text = f"a: &a {hundred}\nb: [{', '.join(['*a'] * 500)}]\n"  # 1 + 100 + 1 + 500 * 100
    assert problems(text) == [(2, "$.b", TOO_MANY)]


def nested_lists(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


def nested_maps(depth: int, value: str = "1") -> str:
    keys = "".join(f"{'  ' * i}k{i}:\n" for i in range(depth - 1))
    return f"{keys}{'  ' * (depth - 1)}v: {value}\n"


def nested_texts(depth: int) -> str:
    return nested_maps(depth, "a text")


@pytest.mark.parametrize("nested", [nested_lists, nested_maps, nested_texts])
def test_nesting_exactly_max_depth_deep_is_read(nested: Any) -> None:
    text = nested(MAX_DEPTH)
    data, _, _, found = parse_yaml(text, P)
    assert data is not FAILED and found == []
    assert quick_parse(text) == data


def test_nesting_one_level_past_max_depth_is_refused_at_the_value_too_deep() -> None:
    assert problems(nested_lists(MAX_DEPTH + 1)) == [(1, "$.a" + "[0]" * MAX_DEPTH, TOO_DEEP)]
    path = "$" + "".join(f".k{i}" for i in range(MAX_DEPTH)) + ".v"
    assert problems(nested_maps(MAX_DEPTH + 1)) == [(MAX_DEPTH + 1, path, TOO_DEEP)]
    assert problems(nested_texts(MAX_DEPTH + 1)) == [(MAX_DEPTH + 1, path, TOO_DEEP)]
    assert quick_parse(nested_lists(MAX_DEPTH + 1)) is FAILED
    assert quick_parse(nested_maps(MAX_DEPTH + 1)) is FAILED
    assert quick_parse(nested_texts(MAX_DEPTH + 1)) is FAILED


# --- text that is not YAML -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: [\n", 2, "YAML syntax error (column 1): did not find expected node content"),
        (
            "a: 1\n---\nb: 2\n",
            2,
            "YAML syntax error (column 1): the file holds more than one "
            "YAML document (---); keep one per file",
        ),
        (
            "a: 1\nb: \x01\n",
            2,
            "YAML syntax error (column 4): unacceptable character #x0001: "
            "control characters are not allowed; remove it",
        ),
        ("", 0, "the file is empty; add the entry's fields"),
        ("# only a comment\n", 0, "the file is empty; add the entry's fields"),
    ],
)
def test_text_that_is_not_one_yaml_document_is_a_problem_on_its_line(
    text: str, line: int, message: str
) -> None:
    assert parse_yaml(text, P) == (FAILED, {}, {}, [Problem(P, line, "$", message)])
    assert quick_parse(text) is FAILED


@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader])
@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("title: x\nb: \x01\n", 2, 4),
        ("title: Réseau\nb: \x01\n", 2, 4),
        ("title: 東京の回線\nnote: ok\nb: x\x01\n", 3, 5),  # three bytes a character
    ],
)
def test_a_forbidden_character_is_located_by_line_and_column_after_any_non_ascii_text(
    text: str, line: int, column: int, loader: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "_Loader", loader)  # libyaml, and PyYAML without it
    (found,) = parse_yaml(text, P)[3]
    assert (found.line, found.json_path) == (line, "$")
    assert found.message.startswith(
        f"YAML syntax error (column {column}): unacceptable character #x0001: "
    )
    assert found.message.endswith(" characters are not allowed; remove it")


MARK = yaml.Mark("x", 0, 4, 2, None, None)  # line 5, column 3


@pytest.mark.parametrize(
    ("error", "line", "message"),
    [
        (
            yaml.MarkedYAMLError(problem="bad", problem_mark=MARK),
            5,
            "YAML syntax error (column 3): bad",
        ),
        (
            yaml.MarkedYAMLError(context="while parsing", context_mark=MARK),
            5,
            "YAML syntax error (column 3): while parsing",
        ),
        (yaml.MarkedYAMLError(problem="bad"), 0, "YAML syntax error: bad"),
        (yaml.MarkedYAMLError(), 0, "YAML syntax error: invalid YAML"),
        (yaml.YAMLError("cannot read\nthe rest"), 0, "YAML error: cannot read"),
        (yaml.YAMLError(), 0, "YAML error: invalid YAML"),
        (
            yaml.reader.ReaderError("x", 3, "\x85", "utf-8", "not allowed"),
            1,
            "YAML syntax error (column 4): unacceptable character '\\x85': not allowed; remove it",
        ),
    ],
)
def test_any_error_of_the_yaml_library_is_a_problem_never_a_traceback(
    error: Exception, line: int, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def compose(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(documents.yaml, "compose", compose)
    assert parse_yaml("a: 1\n", P) == (FAILED, {}, {}, [Problem(P, line, "$", message)])
    assert quick_parse("a: 1\n") is FAILED


def test_without_libyaml_a_document_nested_past_pythons_limit_is_a_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(documents, "_Loader", yaml.SafeLoader)  # PyYAML built without libyaml
    text = nested_lists(sys.getrecursionlimit())  # a frame a level at the least
    message = "the document nests too deeply; flatten it"
    assert parse_yaml(text, P) == (FAILED, {}, {}, [Problem(P, 0, "$", message)])
    assert quick_parse(text) is FAILED


# --- the quick reading ---------------------------------------------------------------------


READ = True  # the quick reading reads the file
LEFT = False  # it leaves the file to the full reading


@pytest.mark.parametrize(
    ("text", "quick"),
    [
        ("id: CSI-0001\ntitle: Faster password resets\n", READ),
        ("a:\tb\n", READ),  # a tab after the colon: libyaml reads it as a space
        ("target: {value: 2.5, by: 2026-12-31}\nsteps: [a, {b: c}, [1, 2]]\nnone: null\n", READ),
        ("\ufeffa: 1\n", READ),
        ("note: |\n  line one\n  line two\n", READ),
        ("a: !!str 5\nb: !!float 2\nc: !!int '7'\n", READ),
        ("a: &x 1\nb: *x\n", READ),  # an alias of a single value repeats nothing
        ("a: &x [1]\nb: *x\n", LEFT),  # the full reading counts what an alias repeats
        ('a: "\\ud800"\n', LEFT),  # a lone surrogate: libyaml refuses it, PyYAML's reader not
        ("%FOO bar\n--- a: 1\n", LEFT),  # an unknown directive: the same
        ("steps: !list [1]\n", LEFT),
        ("steps: !!str [1]\n", LEFT),  # a list tagged as text
        ("team: !!set {alice}\n", LEFT),
        ("a: 1\na: 2\n", LEFT),
        ("a: yes\n", LEFT),
        ("a: .nan\n", LEFT),
    ],
)
def test_the_quick_reading_gives_the_full_readings_data_or_leaves_the_file_to_it(
    text: str, quick: bool
) -> None:
    data, _, surprises, found = parse_yaml(text, P)
    if quick:
        assert data is not FAILED and (surprises, found) == ({}, [])
        assert quick_parse(text) == data
    else:
        assert quick_parse(text) is FAILED
