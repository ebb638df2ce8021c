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

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csitools.measure.breakdown import GroupValues
from csitools.measure.csvdata import (
    CsvData,
    bad_cells,
    more,
    parse_numbers,
    read_csv,
)
from csitools.measure.gaps import gap_warning
from csitools.measure.gaps import missing as missing_periods
from csitools.measure.periods import Point as Point  # re-exported: Series holds Points
from csitools.measure.periods import period_bounds as period_bounds
from csitools.measure.snapshot import SNAPSHOTS
from csitools.measure.tickets import BadData, ticket_points
from csitools.measure.where import NUMBER_HINT
from csitools.measure.workbook import read_workbook
from csitools.problems import Problem
from csitools.register.limits import EARLIEST, LATEST
from csitools.register.load import resolved_inside
from csitools.register.sources import source_columns

_PERIOD_HINT = (
    f"a period; write YYYY-MM, YYYY-MM-DD, YYYY-Www (ISO week) or YYYY-Qn, in the years "
    f"{EARLIEST.year} to {LATEST.year}"
)


@dataclass(frozen=True)
class Series:
    kpi: str
    source: str  # the csv path as written in the KPI
    granularity: str  # 'day' | 'week' | 'month' | 'quarter'
    points: tuple[Point, ...]  # sorted by start, one per period
    rows: int  # rows that counted (after where-filters and keep-last-per-key)
    skipped: int  # left out, not an error: no time, no end of a duration, no value, no key
    groups: GroupValues | None = None
    """With ``breakdown_by``: the KPI per period and group."""


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
    files: dict[tuple[Path, str | None], tuple[str, list[str]]] = {}
    problems: list[Problem] = []
    for kpi, source in sources.items():
        text = str(source["csv"]).replace("\\", "/")
        try:
            real = resolved_inside(root, text)
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
            real = None
        if real is None:
            why = "the path leads outside the repository (after resolving .. and links), so "
            why += "it is not read; keep metric data inside it, e.g. under kpis/data/"
            problems.append(Problem(text, 0, "$", why))
            continue
        # One read per file (per sheet of a workbook), whatever number of KPIs use it.
        files.setdefault((real, source.get("sheet")), (text, []))[1].append(kpi)
    series: dict[str, Series] = {}
    for (real, sheet), (text, kpis) in files.items():
        columns = list(dict.fromkeys(c for kpi in kpis for c in _columns(sources[kpi])))
        if real.suffix.lower() == ".xlsx":
            formats = {sources[kpi].get("timestamp_format") for kpi in kpis}
            fmt = formats.pop() if len(formats) == 1 else None
            data, file_problems = read_workbook(real, text, columns, kpis, sheet, fmt)
        else:
            data, file_problems = read_csv(real, text, columns, kpis)
        problems += file_problems
        if data is None:
            continue
        for kpi in kpis:
            source = sources[kpi]
            try:
                series[kpi] = made = _one_series(kpi, source, data)
                gap = _gap_warning(kpi, source, data, made)
                problems += [gap] if gap else []
            except BadData as bad:
                problems += bad.args
            except (pa.ArrowException, ValueError, OverflowError, KeyError, TypeError) as exc:
                # Not expected for schema-valid sources; still a message, not a traceback.
                why = f"KPI {kpi!r} cannot be computed from this file: {exc}"
                problems.append(Problem(text, 0, "$", why))
    # Several KPIs reading one file meet the same bad cell: report it once.
    return series, list(dict.fromkeys(problems))


def _one_series(kpi: str, source: Mapping[str, Any], data: CsvData) -> Series:
    missing = [column for column in _columns(source) if column not in data.header]
    if missing:
        raise BadData(*(_missing(data, kpi, column) for column in missing))
    repeated = _repeated_misuse(kpi, source, data)
    if repeated:
        raise BadData(*repeated)
    if "measure" in source:
        m = ticket_points(kpi, source, data)
        made = Series(kpi, data.text, source["period"], m.points, m.rows, m.skipped, m.groups)
    else:
        made = _time_series(kpi, data)
    # KPIs may spell one file differently: each series keeps its KPI's spelling.
    return replace(made, source=str(source["csv"]))


def _gap_warning(
    kpi: str, source: Mapping[str, Any], data: CsvData, series: Series
) -> Problem | None:
    """A warning naming the periods missing inside the series; for a time series on
    the line of the first row after the first gap."""
    measure = source.get("measure") or {}
    gaps = missing_periods(series.points)
    if not gaps or any(kind in measure for kind in SNAPSHOTS):
        return None
    line = 0
    if not measure:
        after = next(p.period for p in series.points if p.period > gaps[0])
        labels = pc.utf8_trim_whitespace(data.table["period"])
        line = data.line(int(pc.index(labels, after).as_py()))
    return gap_warning(kpi, data.text, line, series.points)


def _repeated_misuse(kpi: str, source: Mapping[str, Any], data: CsvData) -> list[Problem]:
    """A column the header repeats holds a list (Jira's Labels): only conditions can
    read it; a ticket's time, key, measure or group needs one value."""
    measure = source.get("measure") or {}
    roles = [(source.get(field), field) for field in ("key", "order_by", "time", "breakdown_by")]
    roles += [
        (column, f"measure.{kind}")
        for kind in ("duration", "open", "age")
        for column in measure.get(kind) or ()
    ]
    roles += [(measure.get("column"), "measure.column")]
    found = []
    for column, role in roles:
        if column in data.copies:
            n = len(data.copies[column])
            why = (
                f"column {column!r} appears {n} times in the header (an export writes a list "
                f"so, such as Jira's Labels); KPI {kpi!r} reads it as source.{role}, which "
                "needs one value per ticket: only where and share conditions read a repeated "
                "column"
            )
            found.append(Problem(data.text, 1, f"column {column!r}", why))
    return found


def _columns(source: Mapping[str, Any]) -> list[str]:
    return [column for _, column in source_columns(source)]


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
        raise BadData(*problems)
    points = sorted(
        (Point(labels[i], start, end, float(values[i])) for i, _, start, end in parsed if valid[i]),
        key=lambda point: point.start,
    )
    return Series(kpi, data.text, granularity, tuple(points), len(points), len(rows) - len(points))
