"""Conditions on the columns of a ticket export: ``source.where`` filters and the
conditions of a ``share`` measure, in one form.

A condition is a value (equality), a list (membership) or a mapping of operators:
``gt``, ``ge``, ``lt``, ``le`` compare numbers; ``ne`` excludes one value; ``in`` and
``not_in`` take a list. Several operators in one mapping must all hold
(``{ge: 1, le: 3}``). Values are data, never expressions: nothing is evaluated.

Strings compare as text, booleans as booleans, numbers as numbers; a cell that cannot
be read the way its condition needs is reported with its line. An empty cell matches
no condition, ``ne`` and ``not_in`` included (as SQL's NULL).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csitools.measure.csvdata import CsvData, as_numpy, bad_cells, parse_booleans, parse_numbers
from csitools.problems import Problem

COMPARISONS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "gt": np.greater,
    "ge": np.greater_equal,
    "lt": np.less,
    "le": np.less_equal,
}
OPERATORS = (*COMPARISONS, "ne", "in", "not_in")

NUMBER_HINT = "a number; write plain numbers like 1200 or 3.5 (no units or thousands separators)"
BOOL_HINT = "a boolean; write TRUE/FALSE, true/false or 1/0"
_PLAIN = NUMBER_HINT.split("; ", 1)[1]


def matches(
    data: CsvData, column: str, want: Any, rows: np.ndarray, problems: list[Problem]
) -> np.ndarray:
    """Which of ``rows`` (indexes into the file's table) meet the condition ``want`` on
    ``column``; a bad cell adds a Problem (the first one, and how many more).

    A column the header repeats (Jira's Labels, one per label) holds a list: a value,
    a list, ``in`` or a comparison holds when one of its cells meets it; ``ne`` and
    ``not_in`` when none of them has the value (and one has a value)."""
    copies = [(name, data.table[name].take(rows)) for name in data.columns_of(column)]
    if isinstance(want, Mapping):
        conditions = list(want.items())
    else:
        conditions = [("in", want if isinstance(want, list) else [want])]
    numbers: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    hit = np.ones(len(rows), bool)
    for op, arg in conditions:
        if op in COMPARISONS:
            met = np.zeros(len(rows), bool)
            for name, raw in copies:
                if name not in numbers:
                    values, valid, bad = parse_numbers(raw)
                    if bad.any():
                        what = f"a number, and the condition '{op}: {arg:g}' compares numbers; "
                        problems.append(bad_cells(data, name, rows, bad, what + _PLAIN))
                    numbers[name] = values, valid
                values, valid = numbers[name]
                met |= valid & COMPARISONS[op](values, float(arg))
            hit &= met
        elif op in ("in", "ne", "not_in"):
            wanted = list(arg) if isinstance(arg, list) else [arg]
            member = np.zeros(len(rows), bool)
            for name, raw in copies:
                member |= _member(data, name, raw, rows, wanted, problems)
            if op == "in":
                hit &= member
            else:
                present = np.logical_or.reduce([as_numpy(pc.is_valid(raw)) for _, raw in copies])
                hit &= present & ~member
        else:  # the schema allows only OPERATORS; a message all the same, not a crash
            raise ValueError(f"unknown operator {op!r}; use one of {', '.join(OPERATORS)}")
    return hit


def _member(
    data: CsvData,
    column: str,
    raw: pa.ChunkedArray,
    rows: np.ndarray,
    wanted: list[Any],
    problems: list[Problem],
) -> np.ndarray:
    """Cells equal to one of ``wanted``: text as text, booleans and numbers parsed."""
    hit = np.zeros(len(rows), bool)
    texts = [w for w in wanted if isinstance(w, str)]
    if texts:
        hit |= as_numpy(pc.fill_null(pc.is_in(raw, value_set=pa.array(texts, pa.string())), False))
    flags = [w for w in wanted if isinstance(w, bool)]
    numbers = [w for w in wanted if isinstance(w, int | float) and not isinstance(w, bool)]
    checks = ((flags, parse_booleans, BOOL_HINT), (numbers, parse_numbers, NUMBER_HINT))
    for targets, convert, what in checks:
        if targets:
            values, valid, bad = convert(raw)
            if bad.any():
                problems.append(bad_cells(data, column, rows, bad, what))
            hit |= valid & np.isin(values, targets)
    return hit
