"""Chart specs -> SVG or PNG bytes (matplotlib's Agg canvas).

The same spec gives the same bytes: no date metadata, a fixed SVG hash salt, text as
text in DejaVu Sans. Labels are measured while they are placed, and moved off each
other and back inside their panel. Files, the cache and the process pool are in
``chartfiles``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING, Any, cast

import matplotlib
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from csitools.publish.charts.placement import clear_height, marks
from csitools.publish.charts.placement import runs as _runs
from csitools.publish.charts.specs import ChartSpec, Panel, amount
from csitools.publish.charts.theme import (
    BLUE,
    GREEN,
    GREY,
    GRID,
    INK,
    ORANGE,
    PAPER,
    PURPLE,
    SKY,
    VERMILLION,
    themed_svg,
)

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

STYLES: dict[str, dict[str, Any]] = {
    "baseline": {"color": INK, "linestyle": ":", "linewidth": 1.6},
    "target": {"color": GREEN, "linestyle": "-.", "linewidth": 1.8},
    "threshold": {"color": VERMILLION, "linestyle": (0, (8, 3)), "linewidth": 1.6},
    "benchmark": {"color": ORANGE, "linestyle": (0, (6, 2, 1, 2)), "linewidth": 2.0},
    "asof": {"color": GREY, "linestyle": "-", "linewidth": 1.0},
}

RC: dict[RcKeyType, Any] = {
    # DejaVu Sans ships with matplotlib, so text is measured the same on every machine;
    # the SVG names it, then sans-serif, for browsers that lack it.
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "svg.fonttype": "none",  # text as text: smaller files, faster, selectable
    "svg.hashsalt": "csitools-charts",  # fixed ids instead of random ones
    "figure.facecolor": PAPER,
    "axes.facecolor": PAPER,
    "text.color": INK,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "date.epoch": "1970-01-01T00:00:00",  # _x() counts days from this epoch
    "axes.spines.top": False,
    "axes.spines.right": False,
}
METADATA: dict[str, dict[str, Any]] = {"svg": {"Date": None}, "png": {"Software": None}}
EPOCH = date(1970, 1, 1)
DRAWABLE = 1e300
"""The largest magnitude axis limits are taken from: spans and margins stay finite."""
# Direct labels sit on a translucent box of the background's colour, so they stay
# legible over lines and shading.
BOX = {"boxstyle": "square,pad=0.15", "facecolor": PAPER, "edgecolor": "none", "alpha": 0.85}
LABEL_SIZE = 9.5
"""Points: an 8-inch chart is shown about 690 px wide on a desktop page (0.9 of its own
size), where 9.5 pt text is 11.3 px high."""
LABEL: dict[str, Any] = {"fontsize": LABEL_SIZE, "bbox": BOX, "zorder": 4}
OFFSET: dict[str, Any] = {"textcoords": "offset points", "ha": "right", **LABEL}
FORECAST: dict[str, Any] = {"color": PURPLE, "linestyle": (0, (4, 2)), "linewidth": 1.8}


def _x(iso: str) -> float:
    return float((date.fromisoformat(iso) - EPOCH).days)


def _y_limits(panel: Panel) -> tuple[float, float]:
    values = [v for _, _, v in panel.points]
    values += [line.value for line in panel.lines] + [t.value for t in panel.targets]
    if panel.forecast:
        values += [panel.forecast.start_value, panel.forecast.end_value]
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    # Validation keeps data within ±1e15; beyond DRAWABLE the span of two finite values
    # (±1e308) would overflow to infinity, so the limits are taken from clipped values.
    lo, hi = (max(min(v, DRAWABLE), -DRAWABLE) for v in (min(finite), max(finite)))
    span = hi - lo or abs(hi) * 0.2 or 1.0
    # Extra room on top for the cycle labels, which sit inside the axes.
    return lo - 0.12 * span, hi + 0.35 * span


def _spread(labels: list[tuple[float, float, str]], gap: float) -> list[tuple[float, float, str]]:
    """Push apart labels that end near the same x so that none overlaps another."""
    placed: list[tuple[float, float, str]] = []
    for x, y, text in sorted(labels, key=lambda item: (item[1], item[0])):
        for px, py, _ in placed:
            if abs(px - x) < 1e-9 and y - py < gap:
                y = py + gap
        placed.append((x, y, text))
    return placed


def drawn(label: Annotation) -> bool:
    """Whether matplotlib draws the label: not when its anchor lies outside the panel."""
    if label.xycoords != "data":
        return True
    axes = label.axes
    assert axes is not None  # every label here is made by ax.annotate
    x, y = axes.transData.transform(label.xy)
    return bool(axes.get_window_extent().contains(x, y))


def _settle(
    ax: Axes, labels: list[Annotation], fixed: Sequence[Any] = (), marks: Sequence[Bbox] = ()
) -> None:
    """Keep each label inside the plot and off the labels before it (and the ``fixed``
    texts, and the ``marks``: the measurements' line and markers): one that runs past a
    side is turned to the other side of its anchor; one that overlaps moves away from
    its anchor, the way it was placed or else the other way, to the nearest height
    where it is clear and inside the plot."""
    renderer = cast(FigureCanvasAgg, ax.figure.canvas).get_renderer()
    frame = ax.get_window_extent(renderer)
    to_points = 72 / ax.figure.dpi
    placed: list[Bbox] = [text.get_window_extent(renderer) for text in fixed]
    placed += marks
    for label in filter(drawn, labels):
        box = label.get_window_extent(renderer)  # measured once; moves are arithmetic
        dx, dy = label.xyann
        flip = box.x1 > frame.x1 and label.get_horizontalalignment() == "left" and dx >= 0
        if flip or (box.x0 < frame.x0 and label.get_horizontalalignment() == "right" and dx <= 0):
            # Mirrored about its anchor: the box moves by its width and twice the offset.
            label.set_horizontalalignment("right" if flip else "left")
            label.xyann = dx, dy = -dx, dy
            step = box.width + 2 * abs(dx) / to_points
            box = box.translated(-step if flip else step, 0)
        inward = max(frame.y0 - box.y0, 0) or min(frame.y1 - box.y1, 0)
        if inward:
            label.xyann = dx, dy = dx, dy + inward * to_points
            box = box.translated(0, inward)
        # The nearer of the clear heights above and below; on a tie, the way it was placed.
        # It moves up or down only: what lies beside its column cannot be in its way.
        column = [(p.y0, p.y1) for p in placed if p.x0 <= box.x1 and box.x0 <= p.x1]
        found = (clear_height(box, column, frame, up) for up in (dy >= 0, dy < 0))
        moves = [m for m in found if m is not None]
        if moves:
            moved = min(moves, key=abs)
            label.xyann = (dx, dy + moved * to_points)
            box = box.translated(0, moved)
        placed.append(box)


def _beside_points(
    ax: Axes, box: Bbox, xs: list[float], ys: list[float], frame: Bbox, above_first: bool
) -> tuple[float, float]:
    """The offset (points) for the last point's label placed left of it: clear of the
    point's height, on the side the series heads to, and further out, step by step,
    until no earlier measurement lies under it (or as far as the plot allows)."""
    to_points = 72 / ax.figure.dpi
    px, py = ax.transData.transform((xs[-1], ys[-1]))
    marks = ax.transData.transform(list(zip(xs, ys, strict=True)))
    width, height = box.width, box.height
    first = None
    for step in range(12):
        for sign in (1, -1) if above_first else (-1, 1):
            centre = py + sign * (height / 2 + 5 + 8 * step)
            spot = Bbox.from_bounds(px - 6 / to_points - width, centre - height / 2, width, height)
            if not (frame.y0 <= spot.y0 and spot.y1 <= frame.y1):
                continue
            offset = (-6.0, (centre - py) * to_points)
            first = first or offset
            if not any(
                spot.x0 - 3 <= x <= spot.x1 + 3 and spot.y0 - 3 <= y <= spot.y1 + 3
                for x, y in marks
            ):
                return offset
    return first or (-6.0, -(height / 2 + 5) * to_points)


def _draw_panel(ax: Axes, panel: Panel, bottom: bool) -> None:
    x0, x1 = _x(panel.x_range[0]), _x(panel.x_range[1])
    lo, hi = _y_limits(panel)
    ax.set_xlim(x0, x1)
    ax.set_ylim(lo, hi)
    on_x = ax.get_xaxis_transform()  # x in data, y in axes fraction
    names = _draw_spans(ax, panel, x0, x1, on_x)
    ends = []
    for line in panel.lines:
        a = _x(line.start) if line.start else x0
        b = min(_x(line.end), x1) if line.end else x1
        ax.plot([a, b], [line.value, line.value], zorder=2, **STYLES[line.style])
        if line.label:
            ends.append((b, line.value, line.label))
    # Labels in order of importance: _settle moves later ones off earlier ones.
    labels = []
    if panel.points:
        labels.append(_draw_series(ax, panel))
    else:
        ax.text(0.5, 0.5, panel.note, transform=ax.transAxes, ha="center", va="center", **LABEL)
    if f := panel.forecast:
        ax.plot([_x(f.start), _x(f.end)], [f.start_value, f.end_value], zorder=5, **FORECAST)
    for t in panel.targets:
        xy = (_x(t.day), t.value)
        ax.plot(*xy, marker="D", markersize=7, color=GREEN, markeredgecolor=INK, zorder=5)
        if t.label:
            kw = {**OFFSET, "va": "center"}
            labels.append(ax.annotate(t.label, xy, xytext=(-6, -9 if t.below else 9), **kw))
    for b, y, text in _spread(ends, 0.07 * (hi - lo)):
        labels.append(ax.annotate(text, (b, y), xytext=(0, 3), va="bottom", **OFFSET))
    x = _x(panel.as_of)
    if x0 <= x <= x1:  # a completed improvement's chart may end before the as-of date
        ax.axvline(x, zorder=1, **STYLES["asof"])
        # Under the cycle names, in the headroom _y_limits keeps free of data.
        right = (x - x0) / (x1 - x0) < 0.8
        kw = {**OFFSET, "ha": "left" if right else "right", "va": "top", "xycoords": on_x}
        labels.append(
            ax.annotate(f"As of {panel.as_of}", (x, 0.9), xytext=(3 if right else -3, 0), **kw)
        )
    _settle(ax, labels, names, marks(ax, panel, _x))
    _finish_axes(ax, panel, bottom)


def _draw_spans(ax: Axes, panel: Panel, x0: float, x1: float, on_x: Any) -> list[Any]:
    """The cycles as shaded spans, each named at the top; returns the names."""
    names = []
    for i, span in enumerate(panel.spans):
        a, b = max(_x(span.start), x0), min(_x(span.end), x1)
        # Neighbouring cycles differ in shade and are named, so colour is not needed; a
        # planned cycle is an outline, not the shading of work under way.
        if span.planned:
            ax.axvspan(a, b, fill=False, edgecolor=GREY, linestyle="--", linewidth=1, zorder=0)
        else:
            ax.axvspan(a, b, color=SKY, alpha=0.12 if i % 2 else 0.25, linewidth=0, zorder=0)
        names.append(
            ax.text(
                (a + b) / 2, 0.97, span.label, transform=on_x, ha="center", va="top", weight="bold"
            )
        )
    return names


def _draw_series(ax: Axes, panel: Panel) -> Annotation:
    """The measured values as a line with markers, and the label of the latest one."""
    xs = [_x(day) for _, day, _ in panel.points]
    ys = [v for _, _, v in panel.points]
    # Above the label boxes: no label may hide a measurement. A period with no value
    # breaks the line, so a gap in the data stays visible.
    for run in _runs([period for period, _, _ in panel.points]):
        ax.plot(
            [xs[i] for i in run],
            [ys[i] for i in run],
            color=BLUE,
            linewidth=2,
            marker="o",
            markersize=4,
            zorder=5,
        )
    # Beside the last point, on the side away from the latest target: the series
    # came from the other side and heads to the target, so this corner is free.
    # The forecast, which starts at the last point, is named in the same label.
    up = not panel.targets or panel.targets[-1].value < ys[-1]
    last = f"Measured {amount(ys[-1], panel.unit)}"
    last += f"\n{panel.forecast.label}" if panel.forecast else ""
    # Right of it, where no measurement is yet; where that runs off the plot, left
    # of it and across from where the series came, clear of the point's height.
    kw = {**OFFSET, "ha": "left", "va": "center", "color": BLUE}
    label = ax.annotate(last, (xs[-1], ys[-1]), xytext=(6, 12 if up else -12), **kw)
    renderer = cast(FigureCanvasAgg, ax.figure.canvas).get_renderer()
    box = label.get_window_extent(renderer)
    frame = ax.get_window_extent(renderer)
    if box.x1 > frame.x1:
        label.set_horizontalalignment("right")
        label.xyann = _beside_points(ax, box, xs, ys, frame, above_first=not up)
    return label


def _finish_axes(ax: Axes, panel: Panel, bottom: bool) -> None:
    """Title, unit, date ticks and grid."""
    if panel.title:
        ax.set_title(panel.title, loc="left", fontsize=10)
    ax.set_ylabel(panel.unit)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    if bottom:
        ax.set_xlabel("Date")


def _figure(spec: ChartSpec) -> Figure:
    if spec.placeholder:
        fig = Figure(figsize=(8, 2.5))
        fig.text(0.5, 0.85, spec.title, ha="center", va="top", fontsize=13)
        fig.text(0.5, 0.45, spec.alt, ha="center", va="center", fontsize=11, color=GREY)
        fig.add_artist(Rectangle((0.01, 0.03), 0.98, 0.94, fill=False, ec=GREY, ls="--"))
        return fig
    n = len(spec.panels)
    height = 4.0 if n == 1 else 0.9 + 2.7 * n
    fig = Figure(figsize=(8, height), dpi=100)
    FigureCanvasAgg(fig)  # labels are measured while they are placed
    top, bottom = 1 - 0.55 / height, 0.6 / height
    fig.subplots_adjust(left=0.09, right=0.97, top=top, bottom=bottom, hspace=0.25)
    fig.suptitle(spec.title, x=0.09, ha="left", y=1 - 0.12 / height, fontsize=12)
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    for i, (ax, panel) in enumerate(zip(axes, spec.panels, strict=True)):
        _draw_panel(ax, panel, bottom=i == n - 1)
    return fig


def render_chart(spec: ChartSpec, fmt: str = "svg") -> bytes:
    """The chart as SVG (or PNG) bytes; the same spec always gives the same bytes."""
    if fmt not in METADATA:
        raise ValueError(f"unknown chart format {fmt!r}; use svg or png")
    # rcdefaults inside the context: a user's matplotlibrc cannot change our bytes,
    # and nothing leaks into the caller's settings.
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(RC)
        fig = _figure(spec)
        if not isinstance(fig.canvas, FigureCanvasAgg):  # the placeholder has none yet
            FigureCanvasAgg(fig)
        buffer = BytesIO()
        about = {"Title": spec.title, "Description": spec.alt}  # for the file on its own
        fig.savefig(buffer, format=fmt, dpi=100, metadata={**METADATA[fmt], **about})
    return themed_svg(buffer.getvalue()) if fmt == "svg" else buffer.getvalue()
