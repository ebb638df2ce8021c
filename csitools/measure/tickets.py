"""Ticket exports -> one value per period: a row per ticket, or an event log whose last
row per ``key`` is the ticket's final state, filtered by ``where`` and turned into
values by ``measure`` and ``aggregate`` (the KPI's ``source`` in the field reference).

Conversions are vectorised (pyarrow.compute, numpy, a pandas group-by) and shared
between the KPIs reading one file through ``CsvData.cache``: keep-last and timestamps
are worked out once per file and rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csitools.measure.breakdown import (
    GroupValues,
    group_codes,
    per_ticket_groups,
    snapshot_groups,
)
from csitools.measure.csvdata import (
    NUMBER_PATTERN,
    CsvData,
    as_numpy,
    bad_cells,
    parse_numbers,
    parse_timestamps,
)
from csitools.measure.periods import Point, key_label, keys_of, period_bounds
from csitools.measure.snapshot import NEVER, SNAPSHOTS, period_ends, snapshot_points
from csitools.measure.where import NUMBER_HINT, matches
from csitools.problems import Problem, plural

UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400}
MEASURES = ("duration", "share", "count", "column", *SNAPSHOTS)


class BadData(Exception):
    """Bad data for one KPI (its args are the Problems): it gets no series."""


@dataclass
class Selection:
    """One KPI's tickets: the rows keep-last kept (indexes into the file, in file
    order), which of them its ``where`` filters let through, and the problems found."""

    data: CsvData
    source: Mapping[str, Any]
    kept: np.ndarray
    hit: np.ndarray
    keyless: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows(self) -> np.ndarray:
        rows: np.ndarray = self.kept[self.hit]
        return rows

    def stamps(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """A timestamp column on every kept row: microseconds since 1970, and valid.
        Parsed once per file, column, format and keep-last rule (KPIs share them); the
        where-filters differ between KPIs, so callers apply ``hit`` afterwards."""
        data, source, fmt = self.data, self.source, self.source.get("timestamp_format")
        cache_key = ("time", column, fmt, source.get("key"), source.get("order_by"))
        if cache_key not in data.cache:
            raw = data.table[column].take(self.kept)
            micros, valid, bad = parse_timestamps(raw, fmt)
            what = f"a timestamp in the format {fmt!r}; fix the cell or source.timestamp_format"
            if not fmt:
                what = "an ISO 8601 timestamp such as 2026-03-15T10:30; fix the cell, or give "
                what += "source.timestamp_format (such as '%d-%m-%Y %H:%M')"
            problem = bad_cells(data, column, self.kept, bad, what) if bad.any() else None
            data.cache[cache_key] = micros, valid, problem
        micros, valid, problem = data.cache[cache_key]
        self.problems.extend([problem] if problem else [])
        return micros, valid


def select(data: CsvData, source: Mapping[str, Any]) -> Selection:
    """Keep-last per key, then the where-filters, on each ticket's final state:
    filtering first would bring back an earlier state of a ticket whose category (say)
    changed later."""
    problems: list[Problem] = []
    kept, keyless = _keep_last(data, source, problems)
    hit = np.ones(len(kept), bool)
    for column, want in (source.get("where") or {}).items():
        hit &= matches(data, column, want, kept, problems)
    return Selection(data, source, kept, hit, keyless, problems)


@dataclass(frozen=True)
class Measured:
    """A ticket KPI's values: per period, and per period and group with breakdown_by."""

    points: tuple[Point, ...]
    rows: int
    """The tickets that counted."""
    skipped: int
    """Those left out, not an error: no time, no end of a duration, no value, no key."""
    groups: GroupValues | None = None


def ticket_points(kpi: str, source: Mapping[str, Any], data: CsvData) -> Measured:
    """The KPI's value per period, and with ``breakdown_by`` per period and group."""
    measure = source["measure"]
    kinds = [kind for kind in MEASURES if kind in measure]
    if len(kinds) != 1:
        why = f"KPI {kpi!r}: source.measure needs exactly one of {', '.join(MEASURES[:-1])} "
        why += f"or {MEASURES[-1]} (it has {', '.join(kinds) or 'none'})"
        raise BadData(Problem(data.text, 0, "$", why))
    chosen = select(data, source)
    if kinds[0] in SNAPSHOTS:
        measured = _snapshot(chosen, kinds[0])
    else:
        measured = _per_ticket_values(chosen, kinds[0])
    if chosen.problems:
        raise BadData(*chosen.problems)
    return replace(measured, skipped=measured.skipped + chosen.keyless)


def _per_ticket_values(chosen: Selection, kind: str) -> Measured:
    source = chosen.source
    when, values, ok = _per_ticket(chosen, kind)
    if chosen.problems:
        return Measured((), 0, 0)
    period, how = source["period"], source["aggregate"]
    points = _aggregate(when[ok], values[ok], period, how)
    groups = None
    if source.get("breakdown_by"):
        column = source["breakdown_by"]
        codes, names = group_codes(chosen.data.table[column].take(chosen.rows[ok]))
        keys = keys_of(when[ok], period)
        groups = per_ticket_groups(keys, values[ok], codes, names, column, period, how)
    counted = int(ok.sum())
    return Measured(points, counted, len(ok) - counted, groups)


def _per_ticket(chosen: Selection, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each ticket's time, value, and whether it counts."""
    measure, data, rows, hit = chosen.source["measure"], chosen.data, chosen.rows, chosen.hit
    micros, valid = chosen.stamps(chosen.source["time"])
    when, ok = micros[hit], valid[hit]  # a ticket without its time has no period: skipped
    if kind == "duration":
        (begin, begin_ok), (end, end_ok) = (chosen.stamps(c) for c in measure["duration"])
        begin, begin_ok, end, end_ok = begin[hit], begin_ok[hit], end[hit], end_ok[hit]
        # Not resolved yet, or resolved before it opened (a clock or data-entry slip that
        # would pull the mean down): skipped and counted as such, not an error.
        ok = ok & begin_ok & end_ok & (end >= begin)
        values = (end - begin) / (UNIT_SECONDS[measure.get("unit", "hours")] * 1e6)
    elif kind == "share":
        match = np.ones(len(rows), bool)
        for column, want in measure["share"].items():
            match &= matches(data, column, want, rows, chosen.problems)
        values = np.where(match, 100.0, 0.0)  # so the mean is the percentage
    elif kind == "count":
        values = np.ones(len(rows))
    else:
        raw = data.table[measure["column"]].take(rows)
        values, valid, bad = parse_numbers(raw)
        if bad.any():
            chosen.problems.append(bad_cells(data, measure["column"], rows, bad, NUMBER_HINT))
        ok = ok & valid
    return when, values, ok


def _snapshot(chosen: Selection, kind: str) -> Measured:
    """The open tickets (or their age) at each period's end. Tickets count that have an
    opening time and were not resolved before it (a data slip, left out)."""
    measure, source = chosen.source["measure"], chosen.source
    (opened, opened_ok), (resolved, resolved_ok) = (chosen.stamps(c) for c in measure[kind])
    # The export's newest timestamp, over every kept ticket (filtered out or not).
    stamps = np.concatenate([opened[opened_ok], resolved[resolved_ok]])
    hit = chosen.hit
    opened, opened_ok, resolved, resolved_ok = (
        opened[hit],
        opened_ok[hit],
        resolved[hit],
        resolved_ok[hit],
    )
    ok = opened_ok & ~(resolved_ok & (resolved < opened))
    counted = int(ok.sum())
    if chosen.problems or counted == 0:
        return Measured((), counted, len(ok) - counted)
    opened, closes = opened[ok], np.where(resolved_ok, resolved, NEVER)[ok]
    period, how = source["period"], source["aggregate"]
    periods = period_ends(int(opened.min()), int(stamps.max()), period)
    unit = UNIT_SECONDS[measure.get("unit", "days")]
    points = snapshot_points(kind, opened, closes, periods, period, how, unit)
    groups = None
    if source.get("breakdown_by"):
        column = source["breakdown_by"]
        codes, names = group_codes(chosen.data.table[column].take(chosen.rows[ok]))
        args = (column, periods, period, how, unit)
        groups = snapshot_groups(kind, opened, closes, codes, names, *args)
    return Measured(points, counted, len(ok) - counted, groups)


def _keep_last(
    data: CsvData, source: Mapping[str, Any], problems: list[Problem]
) -> tuple[np.ndarray, int]:
    """The rows kept (indexes, in file order) and how many rows had no key."""
    key, order_by = source.get("key"), source.get("order_by")
    if key is None:
        return np.arange(data.table.num_rows), 0
    cache_key = ("keep", key, order_by, source.get("timestamp_format"))
    if cache_key not in data.cache:
        found: list[Problem] = []
        # One dictionary for the whole column, so the codes agree across chunks.
        encoded = pc.dictionary_encode(data.table[key].combine_chunks())
        codes = as_numpy(pc.fill_null(encoded.indices, -1))
        if order_by is None:  # the last row in file order
            order = np.argsort(codes, kind="stable")
        else:  # lexsort is stable: equal order_by values keep file order, the last wins
            order = np.lexsort((_order(data, order_by, source, found), codes))
        ordered = codes[order]
        last = np.ones(len(ordered), bool)
        last[:-1] = ordered[1:] != ordered[:-1]
        kept = np.sort(order[last & (ordered >= 0)])
        keyless = int((codes < 0).sum())
        if keyless == len(codes):  # else the KPI would quietly have no data
            why = f"the key column {key!r} is empty in all {plural(keyless, 'row')}, so no "
            why += "ticket is kept; export the column with its values, or remove source.key "
            why += "when each row is a ticket"
            found.append(Problem(data.text, 1, f"column {key!r}", why))
        data.cache[cache_key] = kept, keyless, found
    kept, keyless, found = data.cache[cache_key]
    problems += found
    return kept, keyless


def _order(
    data: CsvData, column: str, source: Mapping[str, Any], problems: list[Problem]
) -> np.ndarray:
    """order_by as sortable numbers: numeric when its first value is a number, timestamps
    when that parses as one, else the text's rank. A column that starts numeric and has a
    stray cell is an error rather than silently sorted as text ('10' < '9')."""
    raw = data.table[column]
    present = raw.drop_null()
    if len(present) == 0:
        return np.zeros(len(raw))
    first, fmt = str(present[0].as_py()).strip(), source.get("timestamp_format")
    if re.fullmatch(NUMBER_PATTERN, first):
        values, valid, bad = parse_numbers(raw)
        what = NUMBER_HINT
    elif parse_timestamps(pa.chunked_array([[first]]), fmt)[1][0]:
        micros, valid, bad = parse_timestamps(raw, fmt)
        values, what = micros.astype(np.float64), f"a timestamp like {first!r} (the first one)"
    else:
        keys = [("", "ascending", "at_start")]
        return as_numpy(pc.rank(raw.combine_chunks(), sort_keys=keys, tiebreaker="dense"))
    if bad.any():
        problems.append(bad_cells(data, column, np.arange(len(raw)), bad, what))
    return np.where(valid, values, -np.inf)  # a row without order_by never wins


def _aggregate(micros: np.ndarray, values: np.ndarray, period: str, how: str) -> tuple[Point, ...]:
    keys = keys_of(micros, period)
    import pandas as pd  # here, not at the top: only ticket exports group (~0.5 s to import)

    grouped = pd.Series(values, dtype=np.float64).groupby(keys, sort=True)
    # p90: linear interpolation between the closest ranks (numpy's and pandas' default).
    result = grouped.quantile(0.9) if how == "p90" else getattr(grouped, how)()
    points = []
    for key, value in result.items():
        label = key_label(int(cast(float, key)), period)
        _, start, end = period_bounds(label)
        points.append(Point(label, start, end, float(value)))
    return tuple(points)
