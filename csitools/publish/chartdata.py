"""A chart's spec -> the table of its data: the values per period with the baseline and
target in force, and the lines drawn across it (threshold, benchmarks, targets, forecast).

Read from the same ``ChartSpec`` the drawing reads, so the table holds what the chart
shows and nothing else: the long alternative to the image. Plain text here; the
templates put every cell through ``markdown.cell``.
"""

from __future__ import annotations

from dataclasses import dataclass

from csitools.publish.charts.specs import ChartSpec, Line, Panel, Span, amount
from csitools.publish.words import num


@dataclass(frozen=True)
class DataRow:
    period: str
    value: str
    cycle: str = ""
    baseline: str = ""
    target: str = ""


@dataclass(frozen=True)
class DataTable:
    """One panel's data: a row per period drawn, and the other lines in words."""

    kpi: str
    title: str
    unit: str
    rows: tuple[DataRow, ...]
    cycles: bool
    """Whether the rows say which cycle (and so which baseline and target) they fall in."""
    notes: tuple[str, ...] = ()


def _in_force(span: Span | Line, day: str) -> bool:
    return (span.start or "") <= day <= (span.end or "9999")


def _cycle_row(panel: Panel, period: str, day: str, value: float) -> DataRow:
    """A period of an improvement's panel: its cycle's baseline and target, if any."""
    span = next((s for s in reversed(panel.spans) if _in_force(s, day)), None)
    if span is None:
        return DataRow(period, num(value))
    of_cycle = [line for line in panel.lines if line.start == span.start]
    baseline = next((line for line in of_cycle if line.style == "baseline"), None)
    target = next((line for line in of_cycle if line.style == "target"), None)
    return DataRow(
        period,
        num(value),
        span.label,
        num(baseline.value) if baseline else "—",
        num(target.value) if target else "—",
    )


def _notes(panel: Panel) -> tuple[str, ...]:
    """What the rows do not carry, as the chart's labels say it: the threshold, the
    benchmarks, each target with its due date, the forecast."""
    notes = [
        line.label.replace(r"\$", "$")
        for line in panel.lines
        if line.style in ("threshold", "benchmark")
    ]
    for mark in panel.targets:
        notes.append(mark.label or f"Target {amount(mark.value, panel.unit)} by {mark.day}")
    if panel.forecast is not None:
        notes.append(panel.forecast.label)
    return tuple(notes)


def panel_table(panel: Panel, kind: str) -> DataTable:
    cycles = kind == "improvement"
    if cycles:
        rows = tuple(_cycle_row(panel, p, day, v) for p, day, v in panel.points)
    else:
        baseline = next((line for line in panel.lines if line.style == "baseline"), None)
        b = num(baseline.value) if baseline else "—"
        rows = tuple(DataRow(p, num(v), baseline=b) for p, _, v in panel.points)
    return DataTable(panel.kpi, panel.title, panel.unit, rows, cycles, _notes(panel))


def chart_tables(spec: ChartSpec) -> tuple[DataTable, ...]:
    """A table per panel of the chart, in the chart's order."""
    return tuple(panel_table(panel, spec.kind) for panel in spec.panels)
