"""Breakdowns: a ticket KPI per value of one column (``breakdown_by: assignment_group``),
so the KPI page can name the top contributors of the latest period and their trend.

``group_values`` works the KPI out per period and group with the same measure and
aggregate as the KPI itself; ``top_contributors`` picks, for the period being judged,
the groups with the most tickets (the largest values for a count or a sum) and their
values over the last periods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csitools.measure.periods import key_label
from csitools.measure.snapshot import aggregate_ages, open_at

TOP = 5
"""How many contributors the KPI page and the status name."""
TREND = 6
"""How many periods, up to the latest, a contributor's trend shows."""
EMPTY = "(empty)"
"""The group of tickets whose breakdown cell is empty."""


@dataclass(frozen=True)
class GroupValues:
    """The KPI per period and group: ``table[period][group] = (tickets, value)``."""

    column: str
    table: Mapping[str, Mapping[str, tuple[int, float]]]


@dataclass(frozen=True)
class Contributor:
    group: str
    tickets: int
    value: float
    trend: tuple[tuple[str, float | None], ...]
    """(period, value) for the last periods up to the latest; None: no tickets then."""


@dataclass(frozen=True)
class Contributors:
    column: str
    period: str
    contributors: tuple[Contributor, ...]


def group_codes(raw: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str]]:
    """Each cell's group number, and the group names (an empty cell is ``EMPTY``)."""
    encoded = pc.dictionary_encode(pc.fill_null(raw, EMPTY))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    names = [str(name) for name in encoded.dictionary.to_pylist()]
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), names


def per_ticket_groups(
    keys: np.ndarray,
    values: np.ndarray,
    codes: np.ndarray,
    names: Sequence[str],
    column: str,
    granularity: str,
    how: str,
) -> GroupValues:
    """Per-ticket measures (one value per ticket, placed in a period by ``keys``)
    aggregated per period and group, as the KPI aggregates them."""
    import pandas as pd  # only ticket exports group (see tickets._aggregate)

    frame = pd.DataFrame({"key": keys, "group": codes, "value": values})
    grouped = frame.groupby(["key", "group"], sort=True)["value"]
    result = grouped.quantile(0.9) if how == "p90" else getattr(grouped, how)()
    sizes = grouped.size().to_dict()
    table: dict[str, dict[str, tuple[int, float]]] = {}
    for index, value in result.items():
        key, group = cast(tuple[int, int], index)
        label, name = key_label(int(key), granularity), names[int(group)]
        table.setdefault(label, {})[name] = (int(sizes[index]), float(value))
    return GroupValues(column, table)


def snapshot_groups(
    kind: str,
    opened: np.ndarray,
    resolved: np.ndarray,
    codes: np.ndarray,
    names: Sequence[str],
    column: str,
    periods: tuple[np.ndarray, np.ndarray],
    granularity: str,
    how: str,
    unit_seconds: int,
) -> GroupValues:
    """The tickets open at each period's end (or their age), per group."""
    keys, ends = periods
    table: dict[str, dict[str, tuple[int, float]]] = {}
    for key, end, idx in zip(keys, ends, open_at(opened, resolved, ends), strict=True):
        counts = np.bincount(codes[idx], minlength=len(names))
        row: dict[str, tuple[int, float]] = {}
        for g in map(int, np.flatnonzero(counts)):
            n = int(counts[g])
            if kind == "open":
                row[names[g]] = (n, float(n))
            else:
                ages = (end - opened[idx[codes[idx] == g]]) / (unit_seconds * 1e6)
                row[names[g]] = (n, aggregate_ages(ages, how))
        table[key_label(int(key), granularity)] = row
    return GroupValues(column, table)


def top_contributors(
    groups: GroupValues, periods: Sequence[str], how: str, top: int = TOP, trend: int = TREND
) -> Contributors | None:
    """The top groups of the last of ``periods`` (the series' periods up to the one
    judged) and their values over the last ``trend`` periods. Groups rank by tickets,
    or by value for a count or a sum (their share of the total), then by name."""
    if not periods:
        return None
    latest = groups.table.get(periods[-1], {})

    def rank(item: tuple[str, tuple[int, float]]) -> tuple[float, str]:
        name, (tickets, value) = item
        return (-(value if how in ("count", "sum") else tickets), name)

    shown = periods[-trend:]
    chosen = sorted(latest.items(), key=rank)[:top]
    return Contributors(
        groups.column,
        periods[-1],
        tuple(
            Contributor(
                name,
                tickets,
                value,
                tuple((p, _value_of(groups, p, name)) for p in shown),
            )
            for name, (tickets, value) in chosen
        ),
    )


def _value_of(groups: GroupValues, period: str, name: str) -> float | None:
    cell = groups.table.get(period, {}).get(name)
    return None if cell is None else cell[1]
