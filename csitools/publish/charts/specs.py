"""Register, series and status -> chart specs: everything a chart shows, as plain data.

``chart_specs`` is pure (no I/O, no matplotlib): each ``ChartSpec`` names its series,
lines, spans, targets and forecast, and a digest of all of it, so the drawing step
(``csitools.publish.charts.drawing``) can skip whatever its cache already holds.

One chart per KPI and one per improvement (a panel per targeted KPI), so a
1,000-entry register makes about 1,200 charts, not one per target.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeGuard

import matplotlib

from csitools.measure.gaps import missing, named
from csitools.measure.series import Point, Series
from csitools.measure.status import ImprovementStatus, RegisterStatus, TargetStatus, cycle_baseline
from csitools.register.model import Cycle, Improvement, Kpi, Register, Target

FORMAT_VERSION = 3
"""Bump whenever the drawing code changes, so cached files drawn the old way are redrawn."""

LABELLED = 6
"""A KPI chart labels this many targets (the earliest due); the rest are unlabelled marks."""

LEAD_DAYS = 92
"""How far before cycle 1 an improvement's panels start: about a quarter of context."""


@dataclass(frozen=True)
class Line:
    """A horizontal reference at ``value``; across the panel, or from ``start`` to ``end``."""

    label: str
    value: float
    style: str  # baseline | target | threshold | benchmark
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Span:
    """A cycle; ``planned`` when it has not begun (a proposal's draft cycle, or one that
    opens after the as-of date): drawn as an outline, not as a cycle under way."""

    label: str
    start: str
    end: str
    planned: bool = False


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
    kpi: str = ""
    """The KPI whose series the panel draws (its data table links the KPI's data file)."""


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
        # different bytes from the same data. The repr of these frozen dataclasses of
        # str, float and tuples names every field, writes floats exactly and escapes
        # what is not printable: it tells specs apart as a JSON of the fields would,
        # at a fifth of the cost.
        text = f"{FORMAT_VERSION}\0{matplotlib.__version__}\0{self!r}"
        return hashlib.sha256(text.encode()).hexdigest()


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, kept inside the calendar: a date far out is a problem
    `csi validate` reports, and `csi charts` still draws the rest."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


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


BENCHMARK_LABEL = 48
"""A benchmark's label on a chart keeps this many characters of its source."""


def benchmark_lines(kpi: Kpi | None) -> tuple[list[Line], str]:
    """A line per benchmark of the KPI, labelled with its source, and the words the
    alt text adds ("" when the KPI has none)."""
    if kpi is None or not kpi.benchmarks:
        return [], ""
    lines, words = [], []
    for b in kpi.benchmarks:
        source = b.source
        if len(source) > BENCHMARK_LABEL:
            source = source[: BENCHMARK_LABEL - 1] + "…"
        # A $ would start matplotlib's mathtext: written \$, it is drawn as itself.
        label = f"Benchmark {amount(b.value, kpi.unit)}: {source}".replace("$", r"\$")
        lines.append(Line(label, b.value, "benchmark"))
        words.append(f"benchmark {amount(b.value, kpi.unit)} ({b.source})")
    return lines, "; " + "; ".join(words)


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
            name,
            "kpi",
            kpi.name,
            alt,
            (Panel("", unit, (), (day, day), day, note=alt, kpi=kpi.id),),
        )
    base = kpi.baseline
    label = f"Baseline {amount(base.value, unit)} ({base.period})"
    lines = [Line(label, base.value, "baseline")]
    alt = _trend(kpi, points, base.value, f"baseline, {base.period}")
    if gaps := missing(points):
        alt += f"; no value for {named(gaps)}, left open"
    if kpi.action_threshold is not None:
        threshold = f"Action threshold {amount(kpi.action_threshold, unit)}"
        lines.append(Line(threshold, kpi.action_threshold, "threshold"))
        alt += f"; {threshold.lower()}"
    benchmarks, benchmark_words = benchmark_lines(kpi)
    lines += benchmarks
    alt += benchmark_words
    targets = sorted(targets, key=lambda t: (t[2], t[0]))
    if targets:
        imp_id, value, by = ([t for t in targets if t[2] >= as_of] or targets[-1:])[0]
        first = f"{amount(value, unit)} by {by.isoformat()} ({imp_id})"
        many = f"{len(targets)} improvement targets, the next"
        alt += f"; {'target' if len(targets) == 1 else many} {first}"
    start = _shift(min(p.start for p in points), -15)
    end = _shift(max([as_of, *(t[2] for t in targets)]), 31)
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
    panel = Panel("", unit, points_, x_range, day, tuple(lines), targets=marks, kpi=kpi.id)
    return ChartSpec(name, "kpi", kpi.name, alt + ".", (panel,))


def _cycle_end(cycle: Cycle, as_of: date) -> date:
    """A closed cycle ends when it was closed; an open one runs to its last due date."""
    return cycle.closed or max([as_of, *(t.by for t in cycle.targets)])


def _is_date(forecast: str | None) -> TypeGuard[str]:
    return forecast is not None and forecast[:1].isdigit()  # else None or 'not converging'


def improvement_spec(
    imp: Improvement,
    reg: Register,
    all_series: Mapping[str, Series],
    imp_status: ImprovementStatus | None,
    as_of: date,
) -> ChartSpec:
    """A panel per KPI the improvement targets, in any cycle, over every cycle's span."""
    opened = {t.kpi: t for t in (imp_status.targets if imp_status else ())}
    spans = tuple(_span(imp, c, as_of) for c in imp.cycles)
    start = _shift(imp.cycles[0].opened, -LEAD_DAYS)
    x_range = (start.isoformat(), _shift(_improvement_end(imp, opened, as_of), 31).isoformat())
    kpi_ids = list(dict.fromkeys(t.kpi for c in imp.cycles for t in c.targets))
    panels, sentences = [], []
    for kpi_id in kpi_ids:
        kpi, series = reg.kpis.get(kpi_id), all_series.get(kpi_id)
        partial = bool(kpi.source.get("partial")) if kpi else False
        points = [p for p in known_points(series, as_of, partial) if p.end > start]
        unit, name = (kpi.unit, kpi.name) if kpi else ("", kpi_id)
        lines, points_to, lead = _target_lines(imp, kpi_id, kpi, series, as_of)
        benchmarks, benchmark_words = benchmark_lines(kpi)
        lines += benchmarks
        forecast, ts = None, opened.get(kpi_id)
        last = next((p for p in points if ts and p.period == ts.current_period), None)
        # A forecast date already past is no forecast of the future: not drawn.
        if ts and last and _is_date(ts.forecast) and ts.forecast > as_of.isoformat():
            label = f"Forecast: target by {ts.forecast}"
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
                kpi=kpi_id,
            )
        )
        sentence = _target_sentence(kpi, name, points, lead, ts, imp_status)
        sentences.append(sentence[:-1] + benchmark_words + "." if benchmark_words else sentence)
    alt = " ".join(sentences)
    title = f"{imp.id} {imp.title}"
    return ChartSpec(f"improvement-{imp.id}", "improvement", title, alt, tuple(panels))


def _span(imp: Improvement, cycle: Cycle, as_of: date) -> Span:
    planned = imp.status == "proposed" or cycle.opened > as_of
    label = f"Cycle {cycle.number}" + (" (planned)" if planned else "")
    return Span(label, cycle.opened.isoformat(), _cycle_end(cycle, as_of).isoformat(), planned)


def _improvement_end(imp: Improvement, opened: Mapping[str, TargetStatus], as_of: date) -> date:
    """Where an improvement's chart ends: its last cycle's end or the as-of date, the
    later (a completed improvement's chart shows whether the gain held), or a forecast
    date up to a year past the due date (so a far forecast cannot squash the plot)."""
    end = max(as_of, *(_cycle_end(c, as_of) for c in imp.cycles))
    for target_st in opened.values():
        if _is_date(target_st.forecast):
            latest = _shift(target_st.due, 365)
            end = max(end, min(date.fromisoformat(target_st.forecast), latest))
    return end


def _target_lines(
    imp: Improvement, kpi_id: str, kpi: Kpi | None, series: Series | None, as_of: date
) -> tuple[list[Line], list[TargetPoint], tuple[Cycle, Target, float | None, str]]:
    """The baseline and target lines of one KPI over every cycle, the target markers, and
    the last (cycle, target, baseline, where it came from): the one the text speaks of."""
    unit = kpi.unit if kpi else ""
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
    return lines, points_to, lead


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
