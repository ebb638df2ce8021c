"""Series -> charts (SVG, optionally PNG), cached by content hash.

Two steps, so the cache can decide before anything is drawn: ``chart_specs`` turns
the register, series and status into ``ChartSpec``s, plain data that name everything
a chart shows (pure, no I/O); ``render_charts`` draws only the specs whose digest is
not in the cache yet, in a process pool when there are enough of them, and copies
the results into the output folder.

One chart per KPI and one per improvement (a panel per targeted KPI), so a
1,000-entry register makes about 1,200 charts, not one per target.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from csitools.metrics import Point, Series
from csitools.model import Cycle, Improvement, Kpi, Register, Target
from csitools.status import ImprovementStatus, RegisterStatus, TargetStatus, cycle_baseline

FORMAT_VERSION = 1
"""Bump whenever the drawing code changes, so cached files drawn the old way are redrawn."""

SERIAL_BELOW = 8
"""Fewer charts to draw than this: draw them in this process, since starting a pool
costs more than it saves."""

LABELLED = 6
"""A KPI chart labels this many targets (the earliest due); the rest are unlabelled marks."""

LEAD_DAYS = 92
"""How far before cycle 1 an improvement's panels start: about a quarter of context."""

# Okabe–Ito: distinguishable with the common colour-vision deficiencies. Every line
# also has its own dash pattern and a direct label, so colour is never the only cue.
INK, BLUE, GREEN, VERMILLION = "#000000", "#0072B2", "#009E73", "#D55E00"
PURPLE, SKY, GREY = "#CC79A7", "#56B4E9", "#555555"  # grey: not Okabe–Ito, only for as-of
STYLES: dict[str, dict[str, Any]] = {
    "baseline": {"color": INK, "linestyle": ":", "linewidth": 1.6},
    "target": {"color": GREEN, "linestyle": "-.", "linewidth": 1.8},
    "threshold": {"color": VERMILLION, "linestyle": (0, (8, 3)), "linewidth": 1.6},
    "asof": {"color": GREY, "linestyle": "-", "linewidth": 1.0},
}

RC: dict[str, Any] = {
    # DejaVu Sans ships with matplotlib, so text is measured the same on every machine;
    # the SVG names it, then sans-serif, for browsers that lack it.
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "svg.fonttype": "none",  # text as text: smaller files, faster, selectable
    "svg.hashsalt": "csitools-charts",  # fixed ids instead of random ones
    "date.epoch": "1970-01-01T00:00:00",  # _x() counts days from this epoch
    "axes.spines.top": False,
    "axes.spines.right": False,
}
METADATA: dict[str, dict[str, Any]] = {"svg": {"Date": None}, "png": {"Software": None}}
EPOCH = date(1970, 1, 1)
# Direct labels sit on a translucent white box, so they stay legible over lines and shading.
BOX = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
LABEL: dict[str, Any] = {"fontsize": 8, "bbox": BOX, "zorder": 4}
OFFSET: dict[str, Any] = {"textcoords": "offset points", "ha": "right", **LABEL}
FORECAST: dict[str, Any] = {"color": PURPLE, "linestyle": (0, (4, 2)), "linewidth": 1.8}


@dataclass(frozen=True)
class Line:
    """A horizontal reference at ``value``; across the panel, or from ``start`` to ``end``."""

    label: str
    value: float
    style: str  # baseline | target | threshold
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Span:
    label: str
    start: str
    end: str


@dataclass(frozen=True)
class TargetPoint:
    """A target: its value by its date. Labelled on the side away from the baseline,
    where the series is not heading from."""

    label: str
    day: str
    value: float
    below: bool = False


@dataclass(frozen=True)
class Segment:
    label: str
    start: str
    start_value: float
    end: str
    end_value: float


@dataclass(frozen=True)
class Panel:
    title: str
    unit: str
    points: tuple[tuple[str, str, float], ...]
    """(period, ISO date of the period's middle, value): what was known as of the date."""
    x_range: tuple[str, str]
    as_of: str
    lines: tuple[Line, ...] = ()
    spans: tuple[Span, ...] = ()
    targets: tuple[TargetPoint, ...] = ()
    forecast: Segment | None = None
    note: str = ""
    """Shown in place of the series when there are no points."""


@dataclass(frozen=True)
class ChartSpec:
    """Everything that feeds one chart: pure data, hashable, picklable."""

    name: str  # file stem: kpi-<kpi-id> or improvement-<CSI-id>
    kind: str  # kpi | improvement
    title: str
    alt: str
    panels: tuple[Panel, ...]

    @property
    def placeholder(self) -> bool:
        return self.kind == "kpi" and not any(p.points for p in self.panels)

    def digest(self) -> str:
        # The matplotlib version is in the key because another version may draw
        # different bytes from the same data.
        payload = [FORMAT_VERSION, matplotlib.__version__, asdict(self)]
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class RenderReport:
    written: tuple[Path, ...]
    rendered: int
    cached: int
    removed: int


# ---- specs: register + series + status -> plain data ------------------------------


def num(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def amount(value: float, unit: str) -> str:
    return f"{num(value)}%" if unit == "%" else f"{num(value)} {unit}".rstrip()


def _mid(point: Point) -> str:
    return (point.start + (point.end - point.start) / 2).isoformat()


def known_points(series: Series | None, as_of: date, partial: bool = False) -> list[Point]:
    """The points known as of the date: complete periods, and the current one when the
    KPI's export counts it as complete (``partial``), as the status does."""
    if series is None:
        return []
    return [p for p in series.points if p.end <= as_of or (partial and p.start <= as_of)]


def _trend(kpi: Kpi, points: Sequence[Point], baseline: float, where: str) -> str:
    last = points[-1]
    start = amount(baseline, kpi.unit)
    if last.value == baseline:
        return f"{kpi.name} stayed at {start} ({where}) in {last.period}"
    verb = "fell" if last.value < baseline else "rose"
    now = amount(last.value, kpi.unit)
    return f"{kpi.name} {verb} from {start} ({where}) to {now} in {last.period}"


def kpi_spec(
    kpi: Kpi, series: Series | None, targets: Sequence[tuple[str, float, date]], as_of: date
) -> ChartSpec:
    """The KPI's series, agreed baseline, action threshold and targets (improvement id,
    value, due date)."""
    points = known_points(series, as_of, bool(kpi.source.get("partial")))
    name, unit, day = f"kpi-{kpi.id}", kpi.unit, as_of.isoformat()
    if not points:
        alt = f"No data yet for {kpi.name} as of {day}."
        return ChartSpec(
            name, "kpi", kpi.name, alt, (Panel("", unit, (), (day, day), day, note=alt),)
        )
    base = kpi.baseline
    label = f"Baseline {amount(base.value, unit)} ({base.period})"
    lines = [Line(label, base.value, "baseline")]
    alt = _trend(kpi, points, base.value, f"baseline, {base.period}")
    if kpi.action_threshold is not None:
        threshold = f"Action threshold {amount(kpi.action_threshold, unit)}"
        lines.append(Line(threshold, kpi.action_threshold, "threshold"))
        alt += f"; {threshold.lower()}"
    targets = sorted(targets, key=lambda t: (t[2], t[0]))
    if targets:
        imp_id, value, by = ([t for t in targets if t[2] >= as_of] or targets[-1:])[0]
        first = f"{amount(value, unit)} by {by.isoformat()} ({imp_id})"
        many = f"{len(targets)} improvement targets, the next"
        alt += f"; {'target' if len(targets) == 1 else many} {first}"
    start = min(p.start for p in points) - timedelta(days=15)
    end = max([as_of, *(t[2] for t in targets)]) + timedelta(days=31)
    # Labels for the first few only: more would pile up; the alt text counts them all.
    marks = tuple(
        TargetPoint(
            f"{i}: {amount(v, unit)} by {by}" if n < LABELLED else "",
            by.isoformat(),
            v,
            v < base.value,
        )
        for n, (i, v, by) in enumerate(targets)
    )
    x_range = (start.isoformat(), end.isoformat())
    points_ = tuple((p.period, _mid(p), p.value) for p in points)
    panel = Panel("", unit, points_, x_range, day, tuple(lines), targets=marks)
    return ChartSpec(name, "kpi", kpi.name, alt + ".", (panel,))


def _cycle_end(cycle: Cycle, as_of: date) -> date:
    """A closed cycle ends when it was closed; an open one runs to its last due date."""
    return cycle.closed or max([as_of, *(t.by for t in cycle.targets)])


def _is_date(forecast: str | None) -> bool:
    return bool(forecast) and forecast[0].isdigit()  # else None or 'not converging'


def improvement_spec(
    imp: Improvement,
    reg: Register,
    all_series: Mapping[str, Series],
    imp_status: ImprovementStatus | None,
    as_of: date,
) -> ChartSpec:
    """A panel per KPI the improvement targets, in any cycle, over every cycle's span."""
    opened = {t.kpi: t for t in (imp_status.targets if imp_status else ())}
    spans = tuple(
        Span(f"Cycle {c.number}", c.opened.isoformat(), _cycle_end(c, as_of).isoformat())
        for c in imp.cycles
    )
    start = imp.cycles[0].opened - timedelta(days=LEAD_DAYS)
    end = max(_cycle_end(c, as_of) for c in imp.cycles)
    for ts in opened.values():
        if _is_date(ts.forecast):
            # A year past the due date at most, so a far forecast cannot squash the plot.
            end = max(end, min(date.fromisoformat(ts.forecast), ts.due + timedelta(days=365)))
    x_range = (start.isoformat(), (end + timedelta(days=31)).isoformat())
    kpi_ids = list(dict.fromkeys(t.kpi for c in imp.cycles for t in c.targets))
    panels, sentences = [], []
    for kpi_id in kpi_ids:
        kpi, series = reg.kpis.get(kpi_id), all_series.get(kpi_id)
        partial = bool(kpi.source.get("partial")) if kpi else False
        points = [p for p in known_points(series, as_of, partial) if p.end > start]
        unit, name = (kpi.unit, kpi.name) if kpi else ("", kpi_id)
        lines: list[Line] = []
        points_to: list[TargetPoint] = []
        for cycle in imp.cycles:
            since, to = cycle.opened.isoformat(), _cycle_end(cycle, as_of).isoformat()
            for target in (t for t in cycle.targets if t.kpi == kpi_id):
                b, b_from = cycle_baseline(imp, cycle, target, kpi, series)
                if b is not None:
                    lines.append(Line(f"Baseline {amount(b, unit)}", b, "baseline", since, to))
                # The target line runs to its due date and is labelled at the marker there.
                due = target.by.isoformat()
                lines.append(Line("", target.value, "target", since, due))
                label = f"Target {amount(target.value, unit)} by {due}"
                below = b is not None and target.value < b
                points_to.append(TargetPoint(label, due, target.value, below))
                lead = (cycle, target, b, b_from)
        forecast, ts = None, opened.get(kpi_id)
        last = next((p for p in points if ts and p.period == ts.current_period), None)
        if ts and last and _is_date(ts.forecast):
            label = f"Forecast: target reached {ts.forecast}"
            forecast = Segment(label, _mid(last), last.value, str(ts.forecast), ts.target)
        panels.append(
            Panel(
                title=name if len(kpi_ids) > 1 else "",
                unit=unit,
                points=tuple((p.period, _mid(p), p.value) for p in points),
                x_range=x_range,
                lines=tuple(lines),
                as_of=as_of.isoformat(),
                spans=spans,
                targets=tuple(points_to),
                forecast=forecast,
                note="" if points else f"No data for {name} as of {as_of.isoformat()}",
            )
        )
        sentences.append(_target_sentence(kpi, name, points, lead, ts, imp_status))
    alt = " ".join(sentences)
    title = f"{imp.id} {imp.title}"
    return ChartSpec(f"improvement-{imp.id}", "improvement", title, alt, tuple(panels))


def _target_sentence(
    kpi: Kpi | None,
    name: str,
    points: Sequence[Point],
    lead: tuple[Cycle, Target, float | None, str],
    ts: TargetStatus | None,
    imp_status: ImprovementStatus | None,
) -> str:
    """One sentence per panel: where the KPI went, and its latest cycle's target."""
    cycle, target, b, b_from = lead
    if kpi is None or not points:
        text = f"No data for {name}"
    elif b is None:
        text = f"{name} was {amount(points[-1].value, kpi.unit)} in {points[-1].period}"
    else:
        where = {"kpi": f"baseline, {kpi.baseline.period}", "entry": "baseline stated in the entry"}
        text = _trend(kpi, points, b, where.get(b_from, f"baseline, {b_from} result"))
    text += f"; target {amount(target.value, kpi.unit if kpi else '')} by {target.by.isoformat()}"
    if ts is not None:
        text += f", {ts.health.replace('-', ' ')}"
        if _is_date(ts.forecast):
            text += f", forecast to reach it on {ts.forecast}"
    elif cycle.closed is not None and imp_status is not None:
        outcome = next((o for o in imp_status.outcomes if o.cycle == cycle.number), None)
        word = outcome and (outcome.computed or outcome.recorded)
        text += f" (cycle {cycle.number} {word.replace('-', ' ')})" if word else ""
    return text + "."


def chart_specs(
    register: Register,
    series: Mapping[str, Series],
    status: RegisterStatus,
    as_of: date,
) -> list[ChartSpec]:
    """One spec per KPI, and one per improvement that has a cycle with targets. Pure.

    ``as_of`` must be the date ``status`` was computed for; it is passed so callers
    state it, and checked so the two cannot disagree silently.
    """
    if status.as_of != as_of:
        raise ValueError(f"status is as of {status.as_of}, charts asked as of {as_of}")
    # The KPI charts show the targets of each improvement's current cycle (the open one,
    # else the last); earlier cycles' targets are history, shown on the entry's chart.
    targets: dict[str, list[tuple[str, float, date]]] = {}
    for imp in register.improvements:
        if imp.current_cycle is not None and imp.status != "rejected":
            for t in imp.current_cycle.targets:
                targets.setdefault(t.kpi, []).append((imp.id, t.value, t.by))
    specs = [
        kpi_spec(k, series.get(k.id), targets.get(k.id, ()), as_of) for k in register.kpis.values()
    ]
    by_id = {s.id: s for s in status.improvements}
    specs += [
        improvement_spec(imp, register, series, by_id.get(imp.id), as_of)
        for imp in register.improvements
        if any(c.targets for c in imp.cycles)
    ]
    return specs


# ---- drawing ------------------------------------------------------------------------


def _x(iso: str) -> float:
    return float((date.fromisoformat(iso) - EPOCH).days)


def _y_limits(panel: Panel) -> tuple[float, float]:
    values = [v for _, _, v in panel.points]
    values += [line.value for line in panel.lines] + [t.value for t in panel.targets]
    if panel.forecast:
        values += [panel.forecast.start_value, panel.forecast.end_value]
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
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


def _draw_panel(ax: Axes, panel: Panel, bottom: bool) -> None:
    x0, x1 = _x(panel.x_range[0]), _x(panel.x_range[1])
    lo, hi = _y_limits(panel)
    ax.set_xlim(x0, x1)
    ax.set_ylim(lo, hi)
    on_x = ax.get_xaxis_transform()  # x in data, y in axes fraction
    for i, span in enumerate(panel.spans):
        a, b = max(_x(span.start), x0), min(_x(span.end), x1)
        # Neighbouring cycles differ in shade and are named, so colour is not needed.
        ax.axvspan(a, b, color=SKY, alpha=0.12 if i % 2 else 0.25, linewidth=0, zorder=0)
        ax.text((a + b) / 2, 0.97, span.label, transform=on_x, ha="center", va="top", weight="bold")
    ends = []
    for line in panel.lines:
        a = _x(line.start) if line.start else x0
        b = min(_x(line.end), x1) if line.end else x1
        ax.plot([a, b], [line.value, line.value], zorder=2, **STYLES[line.style])
        if line.label:
            ends.append((b, line.value, line.label))
    for b, y, text in _spread(ends, 0.07 * (hi - lo)):
        ax.annotate(text, (b, y), xytext=(0, 3), va="bottom", **OFFSET)
    x = _x(panel.as_of)
    ax.axvline(x, zorder=1, **STYLES["asof"])
    # Under the cycle names, in the headroom _y_limits keeps free of data.
    right = (x - x0) / (x1 - x0) < 0.8
    kw = {**OFFSET, "ha": "left" if right else "right", "va": "top", "xycoords": on_x}
    ax.annotate(f"As of {panel.as_of}", (x, 0.9), xytext=(3 if right else -3, 0), **kw)
    for t in panel.targets:
        xy = (_x(t.day), t.value)
        ax.plot(*xy, marker="D", markersize=7, color=GREEN, markeredgecolor=INK, zorder=5)
        if t.label:
            ax.annotate(t.label, xy, xytext=(-6, -9 if t.below else 9), va="center", **OFFSET)
    if panel.points:
        xs = [_x(day) for _, day, _ in panel.points]
        ys = [v for _, _, v in panel.points]
        # Above the label boxes: no label may hide a measurement.
        ax.plot(xs, ys, color=BLUE, linewidth=2, marker="o", markersize=4, zorder=5)
        # Right of the last point, on the side away from the latest target: the series
        # came from the other side and heads to the target, so this corner is free.
        up = not panel.targets or panel.targets[-1].value < ys[-1]
        last = f"Measured {num(ys[-1])}"
        kw = {**OFFSET, "ha": "left", "va": "center", "color": BLUE}
        ax.annotate(last, (xs[-1], ys[-1]), xytext=(4, 10 if up else -10), **kw)
    else:
        ax.text(0.5, 0.5, panel.note, transform=ax.transAxes, ha="center", va="center", **LABEL)
    if f := panel.forecast:
        ax.plot([_x(f.start), _x(f.end)], [f.start_value, f.end_value], zorder=5, **FORECAST)
        # Right of its end, across the target line from the target's own label (which
        # sits left of the target marker); leftwards only near the right edge.
        right = (_x(f.end) - x0) / (x1 - x0) < 0.75
        up = 10 if panel.targets and panel.targets[-1].below else -10
        kw = {**OFFSET, "ha": "left" if right else "right", "va": "center"}
        ax.annotate(f.label, (_x(f.end), f.end_value), xytext=(4 if right else -4, up), **kw)
    if panel.title:
        ax.set_title(panel.title, loc="left", fontsize=10)
    ax.set_ylabel(panel.unit)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
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
    fig = Figure(figsize=(8, height))
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
        FigureCanvasAgg(fig)
        buffer = BytesIO()
        about = {"Title": spec.title, "Description": spec.alt}  # for the file on its own
        fig.savefig(buffer, format=fmt, dpi=100, metadata={**METADATA[fmt], **about})
    return buffer.getvalue()


# ---- files, cache, pool -------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Readers never see half a file: write a temporary beside it, then rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _render_to(spec: ChartSpec, fmt: str, path: Path) -> None:
    write_atomic(path, render_chart(spec, fmt))


def _cpu_count() -> int:
    counter = getattr(os, "process_cpu_count", None) or os.cpu_count  # 3.13+ has the former
    return counter() or 1


def render_charts(
    specs: Sequence[ChartSpec],
    out_dir: Path,
    cache_dir: Path,
    fmt: str = "svg",
    jobs: int | None = None,
    progress: Callable[[], None] | None = None,
) -> RenderReport:
    """Draw the charts missing from ``cache_dir``, copy every chart to
    ``out_dir/<name>.<fmt>``, and delete the cache entries no spec produced."""
    if fmt not in METADATA:
        raise ValueError(f"unknown chart format {fmt!r}; use svg or png")
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError("chart names must be unique")
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    keyed = [(spec, cache_dir / f"{spec.digest()}.{fmt}") for spec in specs]
    todo = [(spec, path) for spec, path in keyed if not path.exists()]
    workers = min(jobs or _cpu_count(), len(todo))
    if workers > 1 and len(todo) >= SERIAL_BELOW:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_render_to, spec, fmt, path) for spec, path in todo]
            try:
                for future in as_completed(futures):
                    future.result()  # re-raises a worker's exception here
                    if progress:
                        progress()
            except BaseException:
                pool.shutdown(cancel_futures=True)  # do not draw the rest for nothing
                raise
    else:
        for spec, path in todo:
            _render_to(spec, fmt, path)
            if progress:
                progress()
    if progress:
        for _ in range(len(keyed) - len(todo)):  # the cached ones are done too
            progress()
    written = []
    for spec, path in keyed:
        target = out_dir / f"{spec.name}.{fmt}"
        data = path.read_bytes()
        # Unchanged files keep their mtime, so `mkdocs serve` does not reload for nothing.
        if not (target.exists() and target.read_bytes() == data):
            write_atomic(target, data)
        written.append(target)
    keep = {path.name for _, path in keyed}
    removed = 0
    for entry in cache_dir.glob(f"*.{fmt}"):
        if entry.name not in keep:
            entry.unlink(missing_ok=True)
            removed += 1
    return RenderReport(tuple(written), len(todo), len(keyed) - len(todo), removed)
