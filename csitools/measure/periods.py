"""Periods: the labels a KPI's values are kept under ('2026-03-15', '2026-W07',
'2026-03', '2026-Q1'), their bounds, and the whole-number keys ticket exports are grouped
by (periods since 1970, vectorised with numpy).

A period runs from its first day (``start``) to the first day after it (``end``,
exclusive), so ``end <= as_of`` says it is complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from csitools.register.limits import EARLIEST, LATEST

GRANULARITIES = ("day", "week", "month", "quarter")
US_PER_DAY = 86_400_000_000
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Point:
    """One period's value."""

    period: str  # '2026-03', '2026-W07' (ISO week), '2026-03-15' or '2026-Q1'
    start: date  # the first day of the period
    end: date  # the first day after the period (exclusive)
    value: float


_PATTERNS = (
    ("day", re.compile(r"(\d{4})-(\d{2})-(\d{2})")),
    ("week", re.compile(r"(\d{4})-W(\d{2})")),
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("quarter", re.compile(r"(\d{4})-Q([1-4])")),
)


def period_bounds(label: str) -> tuple[str, date, date]:
    """Granularity, first day and first day after for a period label; ValueError if the
    label is not a period (or names a day, week or month that does not exist)."""
    for granularity, pattern in _PATTERNS:
        m = pattern.fullmatch(label)
        if m is None:
            continue
        year, n = int(m[1]), int(m[2])
        if not EARLIEST.year <= year <= LATEST.year:
            raise ValueError(f"{label!r} is outside the years {EARLIEST.year} to {LATEST.year}")
        if granularity == "day":
            start = date(year, n, int(m[3]))
            return granularity, start, start + timedelta(days=1)
        if granularity == "week":
            start = date.fromisocalendar(year, n, 1)
            return granularity, start, start + timedelta(days=7)
        months = 1 if granularity == "month" else 3
        start = date(year, n if months == 1 else 3 * n - 2, 1)
        after = year * 12 + start.month - 1 + months  # months since year 0
        return granularity, start, date(after // 12, after % 12 + 1, 1)
    raise ValueError(f"{label!r} is not a period: write YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY-Qn")


def label_of(day: date, granularity: str) -> str:
    """The label of the period of ``granularity`` that contains ``day``."""
    if granularity == "day":
        return day.isoformat()
    if granularity == "week":
        iso = day.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if granularity == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def last_period_by(day: date, granularity: str) -> str:
    """The label of the last period that ends on or before ``day`` (ends with it, or
    before the period containing it)."""
    label = label_of(day, granularity)
    _, start, end = period_bounds(label)
    if end > day + timedelta(days=1):  # ``day`` is not the period's last day
        label = label_of(start - timedelta(days=1), granularity)
    return label


def following(label: str) -> str:
    """The label of the period right after ``label``'s."""
    granularity, _, end = period_bounds(label)
    return label_of(end, granularity)


def between(first: str, last: str) -> Iterator[str]:
    """Every period label from ``first`` to ``last``, both included (same granularity)."""
    label = first
    while True:
        yield label
        if label == last:
            return
        label = following(label)


# -- keys: whole numbers per period, for grouping many timestamps at once ---------------
def keys_of(micros: np.ndarray, granularity: str) -> np.ndarray:
    """The period key of each timestamp (microseconds since 1970): days since 1970 for a
    day, the Monday's day for a week, months since 1970 for a month, quarters for a
    quarter."""
    days: np.ndarray = micros // US_PER_DAY
    if granularity == "day":
        return days
    if granularity == "week":
        mondays: np.ndarray = days - (days + 3) % 7  # 1970-01-01 was a Thursday
        return mondays
    months: np.ndarray = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months if granularity == "month" else months // 3


def key_label(key: int, granularity: str) -> str:
    """The label of a period key (the inverse of ``keys_of``)."""
    if granularity in ("day", "week"):
        return label_of(EPOCH + timedelta(days=key), granularity)
    if granularity == "month":
        return f"{1970 + key // 12:04d}-{key % 12 + 1:02d}"
    return f"{1970 + key // 4:04d}-Q{key % 4 + 1}"


def key_end_micros(keys: np.ndarray, granularity: str) -> np.ndarray:
    """The end of each keyed period (the first moment after it), in microseconds."""
    if granularity == "day":
        return (keys + 1) * US_PER_DAY
    if granularity == "week":
        return (keys + 7) * US_PER_DAY
    months = (keys + 1) if granularity == "month" else (keys + 1) * 3
    days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return days * US_PER_DAY
