"""Gaps: periods with no value inside a KPI's series, between its first and its last
value (two months deleted from a CSV, a week an export left out).

A gap is a warning, not an error: the register still validates and builds, charts
break the line there, the KPI page and the review pack name the periods. Snapshot
measures (open, age) have no gaps: they count at every period's end by construction.
"""

from __future__ import annotations

from collections.abc import Sequence

from csitools.measure.periods import Point, between
from csitools.problems import Problem

SHOWN = 6
"""How many missing periods a message names before it counts the rest."""


def missing(points: Sequence[Point]) -> tuple[str, ...]:
    """The periods between the first and the last of ``points`` that have no value."""
    if len(points) < 2:
        return ()
    present = {p.period for p in points}
    return tuple(p for p in between(points[0].period, points[-1].period) if p not in present)


def named(periods: Sequence[str]) -> str:
    """'2026-03', '2026-03 and 2026-04', '2026-01, 2026-03 and 2026-04', '... and 3 more'."""
    shown = list(periods[:SHOWN])
    rest = len(periods) - len(shown)
    if rest:
        return f"{', '.join(shown)} and {rest} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def gap_warning(kpi: str, path: str, line: int, points: Sequence[Point]) -> Problem | None:
    """The warning for a series with gaps, or None; ``line``: where the reader sees the
    jump (the first row after the first gap), 0 for a ticket export."""
    gaps = missing(points)
    if not gaps:
        return None
    many = len(gaps) > 1
    why = (
        f"KPI {kpi!r} has no value for {named(gaps)}, inside its series from "
        f"{points[0].period} to {points[-1].period}; add the missing "
        f"{'periods' if many else 'period'}, or check that the export is complete "
        "(charts show the gap)"
    )
    return Problem(path, line, "column 'period'" if line else "$", why, "warning")
