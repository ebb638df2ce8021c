"""CSV -> per-period KPI series: a time series (``period,value``), or a ticket export (a
row per ticket, or an event log whose last row per ``key`` is the ticket's final state)
turned into one value per period by ``measure`` and ``aggregate`` (the KPI's ``source``
in the field reference).

Each CSV is read once per :func:`load_series` call with pyarrow, only the columns its KPIs
name and every cell as text, so the reader guesses nothing and a bad cell can be reported
with its line. Conversions are vectorised (pyarrow.compute, numpy, a pandas group-by);
Python only touches suspicious cells and per-period results. Bad data becomes a Problem.
Line numbers are physical lines (``CsvData.line``), right when quoted values span lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csitools.measure.csvdata import (
    CsvData,
    as_numpy,
    bad_cells,
    more,
    parse_numbers,
    parse_timestamps,
    read_csv,
)
from csitools.measure.periods import key_label, keys_of, period_bounds
from csitools.measure.where import NUMBER_HINT, matches
from csitools.problems import Problem
from csitools.register.model import EARLIEST, LATEST

UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400}
MEASURES = ("duration", "share", "count", "column")

_NUMBER = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
_PERIOD_HINT = (
    f"a period; write YYYY-MM, YYYY-MM-DD, YYYY-Www (ISO week) or YYYY-Qn, in the years "
    f"{EARLIEST.year} to {LATEST.year}"
)


@dataclass(frozen=True)
class Point:
    period: str  # '2026-03', '2026-W07' (ISO week), '2026-03-15' or '2026-Q1'
    start: date  # the first day of the period
    end: date  # the first day after the period (exclusive)
    value: float


@dataclass(frozen=True)
class Series:
    kpi: str
    source: str  # the csv path as written in the KPI
    granularity: str  # 'day' | 'week' | 'month' | 'quarter'
    points: tuple[Point, ...]  # sorted by start, one per period
    rows: int  # rows that counted (after where-filters and keep-last-per-key)
    skipped: int  # left out, not an error: no time, no end of a duration, no value, no key


def latest_complete(series: Series, as_of: date, partial: bool = False) -> Point | None:
    """The newest point whose period is complete as of ``as_of`` (end <= as_of); with
    ``partial`` the period containing ``as_of`` counts too (start <= as_of)."""
    for point in reversed(series.points):
        if (point.start if partial else point.end) <= as_of:
            return point
    return None


def load_series(
    sources: Mapping[str, Mapping[str, Any]], root: Path
) -> tuple[dict[str, Series], list[Problem]]:
    """A Series for every KPI whose data could be read, and a Problem for every bad input.

    ``sources`` maps a KPI id to its (schema-valid) ``source`` block; csv paths are
    relative to ``root`` and nothing outside it is read. Never raises for bad data."""
    root_real = root.resolve()
    files: dict[Path, tuple[str, list[str]]] = {}
    problems: list[Problem] = []
    for kpi, source in sources.items():
        text = str(source["csv"]).replace("\\", "/")
        try:
            real = (root / text).resolve()
            inside = real.is_relative_to(root_real)
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop
            inside = False
        if not inside:
            why = "the path leads outside the repository (after resolving .. and links), so "
            why += "it is not read; keep metric data inside it, e.g. under kpis/data/"
            problems.append(Problem(text, 0, "$", why))
            continue
        files.setdefault(real, (text, []))[1].append(kpi)
    series: dict[str, Series] = {}
    for real, (text, kpis) in files.items():
        columns = list(dict.fromkeys(c for kpi in kpis for c in _columns(sources[kpi])))
        data, file_problems = read_csv(real, text, columns, kpis)
        problems += file_problems
        if data is None:
            continue
        for kpi in kpis:
            source = sources[kpi]
            try:
                missing = [column for column in _columns(source) if column not in data.header]
                if missing:
                    raise _Bad(*(_missing(data, kpi, column) for column in missing))
                made = (
                    _tickets(kpi, source, data) if "measure" in source else _time_series(kpi, data)
                )
                # KPIs may spell one file differently: each series keeps its KPI's spelling.
                series[kpi] = replace(made, source=str(source["csv"]))
            except _Bad as bad:
                problems += bad.args
            except (pa.ArrowException, ValueError, OverflowError, KeyError, TypeError) as exc:
                # Not expected for schema-valid sources; still a message, not a traceback.
                why = f"KPI {kpi!r} cannot be computed from this file: {exc}"
                problems.append(Problem(text, 0, "$", why))
    # Several KPIs reading one file meet the same bad cell: report it once.
    return series, list(dict.fromkeys(problems))


# -- reading: one pyarrow read per file, every cell as text ----------------------------
class _Bad(Exception):
    """Bad data for one KPI (its args are the Problems): it gets no series."""


def _columns(source: Mapping[str, Any]) -> list[str]:
    if "measure" not in source:
        return ["period", "value"]
    m = source["measure"]
    names = [source.get("key"), source.get("order_by"), source.get("time")]
    names += [*(source.get("where") or {}), *(m.get("duration") or ()), *(m.get("share") or {})]
    return [name for name in dict.fromkeys([*names, m.get("column")]) if name]


def _missing(data: CsvData, kpi: str, column: str) -> Problem:
    why = f"column {column!r} is not in the header (KPI {kpi!r} reads it); the columns are: "
    return Problem(data.text, 1, f"column {column!r}", why + ", ".join(data.header))


def _time_series(kpi: str, data: CsvData) -> Series:
    # One row per period: plain Python per row is cheap here, and period_bounds is the
    # one definition of a period label.
    raw_periods, raw_values = data.table["period"], data.table["value"]
    labels = [(label or "").strip() for label in raw_periods.to_pylist()]
    rows = np.arange(len(labels))
    values, valid, bad_values = parse_numbers(raw_values)
    parsed: list[tuple[int, str, date, date]] = []
    bad_periods = np.zeros(len(labels), bool)
    for i, label in enumerate(labels):
        try:
            parsed.append((i, *period_bounds(label)))
        except ValueError:
            bad_periods[i] = True
    problems: list[Problem] = []
    if bad_periods.any():
        problems.append(bad_cells(data, "period", rows, bad_periods, _PERIOD_HINT))
    granularity = parsed[0][1] if parsed else "month"
    mixed = [(i, kind) for i, kind, _, _ in parsed if kind != granularity]
    if mixed:
        (i, kind), j = mixed[0], parsed[0][0]
        why = (
            f"{labels[i]!r} is a {kind} but {labels[j]!r} on line {data.line(j)} is a {granularity}"
        )
        why += f"{more(len(mixed) - 1)}; a file holds one granularity: split it, or write "
        why += f"every period as a {granularity}"
        problems.append(Problem(data.text, data.line(i), "column 'period'", why))
    first_of: dict[str, int] = {}
    repeats = [i for i, *_ in parsed if first_of.setdefault(labels[i], i) != i]
    if repeats:
        i = repeats[0]
        why = f"period {labels[i]!r} is already on line {data.line(first_of[labels[i]])}"
        why += f"{more(len(repeats) - 1)}; keep one row per period"
        problems.append(Problem(data.text, data.line(i), "column 'period'", why))
    if bad_values.any():
        problems.append(bad_cells(data, "value", rows, bad_values, NUMBER_HINT))
    if problems:
        raise _Bad(*problems)
    points = sorted(
        (Point(labels[i], start, end, float(values[i])) for i, _, start, end in parsed if valid[i]),
        key=lambda point: point.start,
    )
    return Series(kpi, data.text, granularity, tuple(points), len(points), len(rows) - len(points))


def _tickets(kpi: str, source: Mapping[str, Any], data: CsvData) -> Series:
    measure = source["measure"]
    kinds = [kind for kind in MEASURES if kind in measure]
    if len(kinds) != 1:
        why = f"KPI {kpi!r}: source.measure needs exactly one of duration, share, count or "
        raise _Bad(Problem(data.text, 0, "$", f"{why}column (it has {', '.join(kinds) or 'none'})"))
    fmt = source.get("timestamp_format")
    problems: list[Problem] = []
    kept, keyless = _keep_last(data, source, problems)
    hit = np.ones(len(kept), bool)
    # Filters apply to each ticket's final state, after keep-last: filtering first would
    # bring back an earlier state of a ticket whose category (say) changed later.
    for column, want in (source.get("where") or {}).items():
        hit &= matches(data, column, want, kept, problems)
    rows = kept[hit]

    def stamps(column: str) -> tuple[np.ndarray, np.ndarray]:
        # Parsed once per file, column, format and keep-last rule (KPIs share them), on the
        # kept rows only; the where-filters differ between KPIs, so they apply afterwards.
        cache_key = ("time", column, fmt, source.get("key"), source.get("order_by"))
        if cache_key not in data.cache:
            raw = data.table[column].take(kept)
            micros, valid, bad = parse_timestamps(raw, fmt)
            what = f"a timestamp in the format {fmt!r}; fix the cell or source.timestamp_format"
            if not fmt:
                what = "an ISO 8601 timestamp such as 2026-03-15T10:30; fix the cell, or give "
                what += "source.timestamp_format (such as '%d-%m-%Y %H:%M')"
            problem = bad_cells(data, column, kept, bad, what) if bad.any() else None
            data.cache[cache_key] = micros, valid, problem
        micros, valid, problem = data.cache[cache_key]
        problems.extend([problem] if problem else [])
        return micros[hit], valid[hit]

    when, ok = stamps(source["time"])  # a ticket without its time has no period: skipped
    if kinds[0] == "duration":
        (begin, begin_ok), (end, end_ok) = (stamps(column) for column in measure["duration"])
        # Not resolved yet, or resolved before it opened (a clock or data-entry slip that
        # would pull the mean down): skipped and counted as such, not an error.
        ok = ok & begin_ok & end_ok & (end >= begin)
        values = (end - begin) / (UNIT_SECONDS[measure.get("unit", "hours")] * 1e6)
    elif kinds[0] == "share":
        match = np.ones(len(rows), bool)
        for column, want in measure["share"].items():
            match &= matches(data, column, want, rows, problems)
        values = np.where(match, 100.0, 0.0)  # so the mean is the percentage
    elif kinds[0] == "count":
        values = np.ones(len(rows))
    else:
        raw = data.table[measure["column"]].take(rows)
        values, valid, bad = parse_numbers(raw)
        if bad.any():
            problems.append(bad_cells(data, measure["column"], rows, bad, NUMBER_HINT))
        ok = ok & valid
    if problems:
        raise _Bad(*problems)
    points = _aggregate(when[ok], values[ok], source["period"], source["aggregate"])
    counted = int(ok.sum())
    return Series(kpi, data.text, source["period"], points, counted, len(ok) - counted + keyless)


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
        data.cache[cache_key] = kept, int((codes < 0).sum()), found
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
    if re.fullmatch(_NUMBER, first):
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
