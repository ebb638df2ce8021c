"""Chart specs -> SVG or PNG bytes (matplotlib's Agg canvas), cached by content hash.

``render_charts`` draws only the specs whose digest is not in the cache yet, in a
process pool when there are enough of them, copies the results into the output
folder (never over a file csi did not write) and removes cache entries no spec
produced. The same spec gives the same bytes: no date metadata, a fixed SVG hash
salt, text as text in DejaVu Sans.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from csitools.charts import ChartSpec, Panel, num

SERIAL_BELOW = 8
"""Fewer charts to draw than this: draw them in this process, since starting a pool
costs more than it saves."""

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
class RenderReport:
    written: tuple[Path, ...]
    rendered: int
    cached: int
    removed: int  # cache entries no spec produced
    pruned: int = 0  # charts of an earlier run in out_dir that no spec produced


# ---- specs: register + series + status -> plain data ------------------------------


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


def drawn(label: Annotation) -> bool:
    """Whether matplotlib draws the label: not when its anchor lies outside the panel."""
    if label.xycoords != "data":
        return True
    x, y = label.axes.transData.transform(label.xy)
    return bool(label.axes.get_window_extent().contains(x, y))


def _settle(ax: Axes, labels: list[Annotation], fixed: Sequence[Any] = ()) -> None:
    """Keep each label inside the plot and off the labels before it (and the ``fixed``
    texts): one that runs past a side is turned to the other side of its anchor; one
    that overlaps moves away from its anchor, the way it was placed or else the other
    way, to the nearest height where it is clear and inside the plot."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    to_points = 72 / ax.figure.dpi
    placed: list[Bbox] = [text.get_window_extent(renderer) for text in fixed]
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
        for up in (dy >= 0, dy < 0):
            shifted, moved = box, 0.0
            for _ in range(len(placed)):
                hit = next((p for p in placed if shifted.overlaps(p)), None)
                if hit is None:
                    break
                step = (hit.y1 - shifted.y0 + 2) if up else (hit.y0 - shifted.y1 - 2)
                shifted, moved = shifted.translated(0, step), moved + step
            inside = frame.y0 <= shifted.y0 and shifted.y1 <= frame.y1
            if not any(shifted.overlaps(p) for p in placed) and inside:
                label.xyann = (dx, dy + moved * to_points)
                box = shifted
                break
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
    names = []
    for i, span in enumerate(panel.spans):
        a, b = max(_x(span.start), x0), min(_x(span.end), x1)
        # Neighbouring cycles differ in shade and are named, so colour is not needed.
        ax.axvspan(a, b, color=SKY, alpha=0.12 if i % 2 else 0.25, linewidth=0, zorder=0)
        names.append(
            ax.text(
                (a + b) / 2, 0.97, span.label, transform=on_x, ha="center", va="top", weight="bold"
            )
        )
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
        xs = [_x(day) for _, day, _ in panel.points]
        ys = [v for _, _, v in panel.points]
        # Above the label boxes: no label may hide a measurement.
        ax.plot(xs, ys, color=BLUE, linewidth=2, marker="o", markersize=4, zorder=5)
        # Beside the last point, on the side away from the latest target: the series
        # came from the other side and heads to the target, so this corner is free.
        # The forecast, which starts at the last point, is named in the same label.
        up = not panel.targets or panel.targets[-1].value < ys[-1]
        last = f"Measured {num(ys[-1])}" + (f"\n{panel.forecast.label}" if panel.forecast else "")
        # Right of it, where no measurement is yet; where that runs off the plot, left
        # of it and across from where the series came, clear of the point's height.
        kw = {**OFFSET, "ha": "left", "va": "center", "color": BLUE}
        label = ax.annotate(last, (xs[-1], ys[-1]), xytext=(6, 12 if up else -12), **kw)
        renderer = ax.figure.canvas.get_renderer()
        box = label.get_window_extent(renderer)
        frame = ax.get_window_extent(renderer)
        if box.x1 > frame.x1:
            label.set_horizontalalignment("right")
            label.xyann = _beside_points(ax, box, xs, ys, frame, above_first=not up)
        labels.append(label)
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
    _settle(ax, labels, names)
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
    return buffer.getvalue()


# ---- files, cache, pool -------------------------------------------------------------


DRAWING_KEY = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
"""This module's own source: a chart cached by an earlier version of the drawing code is
drawn again, not reused."""


def cache_key(spec: ChartSpec) -> str:
    """What a cached chart is filed under: the spec's data and the code that draws it."""
    return hashlib.sha256(f"{spec.digest()}:{DRAWING_KEY}".encode()).hexdigest()


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


def _pool_context() -> multiprocessing.context.BaseContext | None:
    """fork is fastest, but forking a process that runs threads (`mkdocs serve` builds
    in one while its server and watcher run in others) can deadlock the child on a
    lock held by another thread; start workers from a clean forkserver then."""
    if threading.active_count() > 1 and "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return None


def _cpu_count() -> int:
    counter = getattr(os, "process_cpu_count", None) or os.cpu_count  # 3.13+ has the former
    return counter() or 1


def _render_pool(
    todo: list[tuple[ChartSpec, Path]],
    fmt: str,
    workers: int,
    progress: Callable[[], None] | None,
) -> None:
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
        futures = [pool.submit(_render_to, spec, fmt, path) for spec, path in todo]
        try:
            for future in as_completed(futures):
                future.result()  # re-raises a worker's exception here
                if progress:
                    progress()
        except BaseException:
            pool.shutdown(cancel_futures=True)  # do not draw the rest for nothing
            raise


def render_charts(
    specs: Sequence[ChartSpec],
    out_dir: Path,
    cache_dir: Path,
    fmt: str = "svg",
    jobs: int | None = None,
    progress: Callable[[], None] | None = None,
) -> RenderReport:
    """Draw the charts missing from ``cache_dir``, copy every chart to
    ``out_dir/<name>.<fmt>``, and delete the cache entries no spec produced.

    Raises ForeignFiles, having written nothing into ``out_dir``, when a file there has
    a chart's name but csi did not write it."""
    if fmt not in METADATA:
        raise ValueError(f"unknown chart format {fmt!r}; use svg or png")
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError("chart names must be unique")
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    keyed = [(spec, cache_dir / f"{cache_key(spec)}.{fmt}") for spec in specs]
    todo = [(spec, path) for spec, path in keyed if not path.exists()]
    workers = min(jobs or _cpu_count(), len(todo))
    serial = todo
    if workers > 1 and len(todo) >= SERIAL_BELOW:
        try:
            _render_pool(todo, fmt, workers, progress)
            serial = []
        except BrokenProcessPool:
            # Workers could not start or died (no semaphores, an unimportable __main__
            # under forkserver): draw what is missing here rather than fail the build.
            serial = [(spec, path) for spec, path in todo if not path.exists()]
    for spec, path in serial:
        _render_to(spec, fmt, path)
        if progress:
            progress()
    if progress:
        for _ in range(len(keyed) - len(todo)):  # the cached ones are done too
            progress()
    charts = [(out_dir / f"{spec.name}.{fmt}", path.read_bytes()) for spec, path in keyed]
    manifest = out_dir / f"{MANIFEST}-{fmt}"
    earlier = _listed(manifest)
    foreign = [target for target, data in charts if not _ours(target, data, earlier, fmt)]
    if foreign:
        raise ForeignFiles(tuple(foreign), manifest)
    # Listed before they are written: a run that stops half-way leaves no chart unlisted.
    current = {target.name for target, _ in charts}
    if not current <= earlier:
        write_atomic(manifest, _manifest_text(earlier | current))
    for target, data in charts:
        # Unchanged files keep their mtime, so `mkdocs serve` does not reload for nothing.
        if not (target.exists() and target.read_bytes() == data):
            write_atomic(target, data)
    written = [target for target, _ in charts]
    keep = {path.name for _, path in keyed}
    removed = 0
    for entry in cache_dir.glob(f"*.{fmt}"):
        if entry.name not in keep:
            entry.unlink(missing_ok=True)
            removed += 1
    pruned = _prune(manifest, earlier | current, current)
    return RenderReport(tuple(written), len(todo), len(keyed) - len(todo), removed, pruned)


MANIFEST = ".csi-charts"
"""``.csi-charts-svg`` / ``-png`` list the charts csi wrote into an output folder, so the
next run removes the ones no improvement or KPI produces any more, and never a file csi
did not write."""


class ForeignFiles(Exception):
    """Files in the output folder that have a chart's name but that csi did not write:
    not listed in the folder's manifest and not recognisably a csitools chart."""

    def __init__(self, paths: tuple[Path, ...], manifest: Path) -> None:
        super().__init__(", ".join(str(p) for p in paths))
        self.paths = paths
        self.manifest = manifest


def _listed(manifest: Path) -> set[str]:
    if not manifest.is_file():  # missing, or a folder or pipe in its place: never read it
        return set()
    try:
        return set(manifest.read_text(encoding="utf-8").splitlines()) - {""}
    except (OSError, UnicodeDecodeError):
        return set()


def _manifest_text(names: set[str]) -> bytes:
    return "".join(f"{name}\n" for name in sorted(names)).encode("utf-8")


def _ours(target: Path, data: bytes, listed: set[str], fmt: str) -> bool:
    """Whether csi may write ``data`` to ``target``: nothing is there, csi wrote what is
    there (it is listed), or what is there is a csitools chart or these very bytes."""
    if not (target.exists() or target.is_symlink()):
        return True
    if target.is_symlink() or not target.is_file():
        return False  # a link or a folder is never a chart csi wrote
    if target.name in listed:
        return True
    try:
        there = target.read_bytes()
    except OSError:
        return False
    return there == data or looks_like_a_chart(there, fmt)


def looks_like_a_chart(data: bytes, fmt: str) -> bool:
    """Whether ``data`` bears what ``render_chart`` writes into every chart: matplotlib's
    metadata with a title and a description (the text alternative) and without what
    METADATA removes (the SVG's date, the PNG's Software stamp), which matplotlib
    writes unless told not to."""
    if fmt == "png":
        keys = set(_png_text_keys(data))
        return data.startswith(b"\x89PNG\r\n\x1a\n") and keys == {"Title", "Description"}
    head = data[:20_000]
    return (
        head.startswith(b"<?xml")
        and b"<dc:title>Matplotlib v" in head
        and b"<dc:description>" in head
        and b"<dc:date>" not in head
    )


def _png_text_keys(data: bytes) -> list[str]:
    """The keywords of a PNG's text chunks (tEXt, zTXt, iTXt)."""
    keys, at = [], 8
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            body = data[at + 8 : at + 8 + size]
            keys.append(body.split(b"\0", 1)[0].decode("latin-1"))
        if kind == b"IEND":
            break
        at += 12 + size
    return keys


def _prune(manifest: Path, earlier: set[str], current: set[str]) -> int:
    """Remove the charts listed in ``earlier`` but not in ``current``; list ``current``."""
    out_dir = manifest.parent
    pruned = 0
    fmt = manifest.name.rpartition("-")[2]
    for name in sorted(earlier - current):
        # Only plain names of charts in out_dir, never a path that leads elsewhere, and
        # only a file that still is a chart (the manifest is a file anyone can edit).
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(f".{fmt}"):
            continue
        path = out_dir / name
        if path.is_file() and not path.is_symlink() and looks_like_a_chart(path.read_bytes(), fmt):
            path.unlink()
            pruned += 1
    if earlier != current or not manifest.exists():
        write_atomic(manifest, _manifest_text(current))
    return pruned
