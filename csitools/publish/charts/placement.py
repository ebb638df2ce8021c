"""Where a chart's labels may go: the boxes over the data no label may cover (the
measurements' markers and line, the targets' markers) and the nearest free height for
a label that has to move. Used by ``drawing`` while it places labels.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

from csitools.measure.periods import following
from csitools.publish.charts.specs import Panel


def runs(periods: Sequence[str]) -> list[range]:
    """The indexes of ``periods`` in runs of consecutive periods: a new run starts
    after each gap."""
    runs, start = [], 0
    for i in range(1, len(periods) + 1):
        if i == len(periods) or following(periods[i - 1]) != periods[i]:
            runs.append(range(start, i))
            start = i
    return runs


def clear_height(
    box: Bbox, column: Sequence[tuple[float, float]], frame: Bbox, up: bool
) -> float | None:
    """How far (pixels) ``box`` moves up (or down) to the nearest height where it
    overlaps none of the heights ``column`` holds (what lies above or below it) and
    stays inside ``frame``; 0.0 when it is clear where it is, None when no such height
    is found."""
    y0, y1, moved = box.y0, box.y1, 0.0
    for _ in range(len(column) + 1):
        hit = next(((a, b) for a, b in column if a <= y1 + moved and y0 + moved <= b), None)
        if hit is None:
            break
        moved += (hit[1] - (y0 + moved) + 2) if up else (hit[0] - (y1 + moved) - 2)
    clear = not any(a <= y1 + moved and y0 + moved <= b for a, b in column)
    if clear and frame.y0 <= y0 + moved and y1 + moved <= frame.y1:
        return moved
    return None


def marks(ax: Axes, panel: Panel, day_x: Callable[[str], float]) -> list[Bbox]:
    """Boxes (display pixels) over the measurements' markers and line and the target
    markers, which no label may cover: a box per marker, and small ones every few
    pixels along each stretch of line."""
    px = ax.figure.dpi / 72
    boxes = []
    for t in panel.targets:
        x, y = ax.transData.transform((day_x(t.day), t.value))
        boxes.append(Bbox.from_bounds(x - 5 * px, y - 5 * px, 10 * px, 10 * px))
    if not panel.points:
        return boxes
    points = ax.transData.transform([(day_x(day), v) for _, day, v in panel.points])
    for x, y in points:
        boxes.append(Bbox.from_bounds(x - 3 * px, y - 3 * px, 6 * px, 6 * px))
    frame = ax.get_window_extent()
    for run in runs([period for period, _, _ in panel.points]):
        for i, j in zip(run, list(run)[1:], strict=False):
            seen = visible(points[i], points[j], frame)
            if seen is None:
                continue
            (x0, y0), (x1, y1) = seen
            steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / (3 * px)))
            for k in range(1, steps):
                x, y = x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps
                boxes.append(Bbox.from_bounds(x - 1.5 * px, y - 1.5 * px, 3 * px, 3 * px))
    return boxes


def visible(a: Any, b: Any, frame: Bbox) -> tuple[tuple[float, float], ...] | None:
    """The part of the segment from ``a`` to ``b`` inside ``frame`` (Liang–Barsky), or
    None: a value far off the plot must not make a line of millions of boxes."""
    (x0, y0), (x1, y1) = a, b
    if not all(map(math.isfinite, (x0, y0, x1, y1))):
        return None
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for p, q in (
        (-dx, x0 - frame.x0),
        (dx, frame.x1 - x0),
        (-dy, y0 - frame.y0),
        (dy, frame.y1 - y0),
    ):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return None
    return (x0 + lo * dx, y0 + lo * dy), (x0 + hi * dx, y0 + hi * dy)
