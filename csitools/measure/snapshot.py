"""Snapshot measures: the backlog at each period's end, and how old it is.

``measure: {open: [opened_at, resolved_at]}`` with ``aggregate: count`` counts the
tickets open at the end of each period: opened at or before the end (the first moment
after the period), and resolved empty or after it. ``measure: {age: [opened_at,
resolved_at], unit: days}`` with ``aggregate: p90 | median | mean`` ages those tickets
(the end minus the opening).

Each ticket is judged by its final state (an event log's last row per key, kept before
this), so a ticket reopened after resolution counts by what its last row says: open
while that row's resolved time is empty, or until the later resolution it names.

Every period counts, from the one of the first ticket's opening to the one holding the
newest timestamp in the export (opened or resolved, of any ticket): an export says
nothing about what happened after it was taken, so an old export goes stale instead of
repeating its last count up to the as-of date.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from csitools.measure.periods import Point, key_end_micros, key_label, keys_of, period_bounds

SNAPSHOTS = ("open", "age")
NEVER = np.iinfo(np.int64).max
"""The resolved time of a ticket that is not resolved: after every period's end."""


def period_ends(first: int, newest: int, granularity: str) -> tuple[np.ndarray, np.ndarray]:
    """The keys of every period from the one holding ``first`` to the one holding
    ``newest`` (microseconds since 1970), and each period's end in microseconds."""
    low, high = keys_of(np.array([first, newest], np.int64), granularity)
    keys = np.arange(int(low), int(high) + 1, dtype=np.int64)
    return keys, key_end_micros(keys, granularity)


def open_at(opened: np.ndarray, resolved: np.ndarray, ends: np.ndarray) -> Iterator[np.ndarray]:
    """For each end, the indexes of the tickets open then (opened <= end < resolved).
    Each set is found from the smaller side: the tickets opened by then, or those not
    resolved by then."""
    by_opening = np.argsort(opened, kind="stable")
    by_resolution = np.argsort(resolved, kind="stable")
    opened_sorted, resolved_sorted = opened[by_opening], resolved[by_resolution]
    for end in ends:
        n_opened = int(np.searchsorted(opened_sorted, end, side="right"))
        first_unresolved = int(np.searchsorted(resolved_sorted, end, side="right"))
        if n_opened <= len(resolved) - first_unresolved:
            candidates = by_opening[:n_opened]
            yield candidates[resolved[candidates] > end]
        else:
            candidates = by_resolution[first_unresolved:]
            yield candidates[opened[candidates] <= end]


def open_counts(opened: np.ndarray, resolved: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many tickets are open at each end: opened by then, less those also resolved
    by then (a resolved ticket is never resolved before it opened here)."""
    n_opened = np.searchsorted(np.sort(opened), ends, side="right")
    n_resolved = np.searchsorted(np.sort(resolved), ends, side="right")
    counts: np.ndarray = n_opened - n_resolved
    return counts


def aggregate_ages(ages: np.ndarray, how: str) -> float:
    """p90 is interpolated linearly between the closest ranks, as for other measures."""
    if how == "p90":
        return float(np.quantile(ages, 0.9))
    return float(np.median(ages) if how == "median" else np.mean(ages))


def snapshot_points(
    kind: str,
    opened: np.ndarray,
    resolved: np.ndarray,
    periods: tuple[np.ndarray, np.ndarray],
    granularity: str,
    how: str,
    unit_seconds: int,
) -> tuple[Point, ...]:
    """One point per period (``periods``: keys and ends, from ``period_ends``) for the
    tickets given (``resolved`` is ``NEVER`` for the ones not resolved); a period with
    nothing open has no age."""
    keys, ends = periods
    if kind == "open":
        values = open_counts(opened, resolved, ends).astype(np.float64)
    else:
        per_unit = unit_seconds * 1e6
        values = np.array(
            [
                aggregate_ages((end - opened[idx]) / per_unit, how) if len(idx) else np.nan
                for end, idx in zip(ends, open_at(opened, resolved, ends), strict=True)
            ]
        )
    points = []
    for key, value in zip(keys, values, strict=True):
        if np.isfinite(value):
            label = key_label(int(key), granularity)
            _, start, end = period_bounds(label)
            points.append(Point(label, start, end, float(value)))
    return tuple(points)
