"""Charts: the data that feeds each chart, byte-identical renders, golden SVGs, the
content-hash cache and the process pool. Registers are built on disk from the base case.

Regenerate the golden files (after looking at the charts) with
``pytest tests/test_charts.py --update-goldens``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from datetime import date
from pathlib import Path

import matplotlib
import pytest
from matplotlib.axes import Axes
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from csitools.publish.cachetrust import Signer
from csitools.publish.charts import drawing
from csitools.publish.charts import files as chartfiles
from csitools.publish.charts.drawing import render_chart
from csitools.publish.charts.files import render_charts
from csitools.publish.charts.specs import (
    LABELLED,
    ChartSpec,
    Line,
    Segment,
    Span,
    TargetPoint,
    chart_specs,
    improvement_spec,
    kpi_spec,
)
from csitools.validation import validate_repository
from tests.conftest import REPO, Golden

AS_OF = date(2026, 5, 15)

CSI_0003 = """\
id: CSI-0003
title: Email triage rota
summary: Incidents wait for a free agent.
source: staff-suggestion
raised_by: bob
raised_on: 2026-02-01
owner: bob
status: in-progress
term: short
size: small
priority: {impact: 3, urgency: 3, effort: 2, risk: 1}
cycles:
  - opened: 2026-02-10
    vision: Every email incident is picked up within the hour
    targets:
      - {kpi: email-resolution-time, value: 7, by: 2026-09-30}
"""


def specs_of(repo: Path, as_of: date = AS_OF) -> dict[str, ChartSpec]:
    result = validate_repository(repo, as_of)
    specs = chart_specs(result.register, result.series, result.status, as_of)
    return {s.name: s for s in specs}


def write_series(repo: Path, kpi: str, rows: str) -> None:
    (repo / "kpis" / "data" / f"{kpi}.csv").write_text("period,value\n" + rows)


@pytest.fixture
def repo(register_dir: Callable[..., Path]) -> Path:
    return register_dir()


# ---- the data behind each chart ------------------------------------------------------


def test_one_chart_per_kpi_and_per_improvement_with_targets(repo: Path) -> None:
    # CSI-0002 has no cycle, so no chart; CSI-0001's two cycles make one chart.
    specs = specs_of(repo)
    assert list(specs) == [
        "kpi-email-resolution-time",
        "kpi-email-satisfaction",
        "improvement-CSI-0001",
    ]
    assert [s.kind for s in specs.values()] == ["kpi", "kpi", "improvement"]


def test_kpi_chart_shows_series_baseline_threshold_and_targets(repo: Path) -> None:
    spec = specs_of(repo)["kpi-email-resolution-time"]
    assert spec.title == "Mean time to resolve email incidents"
    [panel] = spec.panels
    assert panel.unit == "hours"
    assert panel.points[0] == ("2025-10", "2025-10-16", 16.4)
    assert [(p, v) for p, _, v in panel.points][-2:] == [("2026-03", 9.0), ("2026-04", 8.8)]
    assert len(panel.points) == 7
    assert panel.lines == (
        Line("Baseline 16 hours (2025-12)", 16.0, "baseline"),
        Line("Action threshold 20 hours", 20.0, "threshold"),
    )
    # Only the current cycle's target: cycle 1's 8 h is history, shown on the entry's chart.
    assert panel.targets == (
        TargetPoint("CSI-0001: 6 hours by 2026-12-31", "2026-12-31", 6.0, below=True),
    )
    assert panel.as_of == "2026-05-15"
    assert panel.x_range == ("2025-09-16", "2027-01-31")
    assert spec.alt == (
        "Mean time to resolve email incidents fell from 16 hours (baseline, 2025-12) to "
        "8.8 hours in 2026-04; action threshold 20 hours; target 6 hours by 2026-12-31 "
        "(CSI-0001)."
    )


def test_data_after_the_as_of_date_is_not_shown(repo: Path) -> None:
    with (repo / "kpis" / "data" / "email-resolution-time.csv").open("a") as f:
        f.write("2026-05,7.9\n")
    # May is not complete on 15 May, so the chart stops at April as the status does.
    [panel] = specs_of(repo)["kpi-email-resolution-time"].panels
    assert panel.points[-1][0] == "2026-04"
    [panel] = specs_of(repo, date(2026, 6, 1))["kpi-email-resolution-time"].panels
    assert panel.points[-1][0] == "2026-05"


def test_improvement_chart_has_a_panel_per_targeted_kpi_over_both_cycles(repo: Path) -> None:
    spec = specs_of(repo)["improvement-CSI-0001"]
    assert spec.title == "CSI-0001 Faster resolution of email incidents"
    time, satisfaction = spec.panels
    assert (time.title, time.unit) == ("Mean time to resolve email incidents", "hours")
    assert satisfaction.unit == "score (1-5)"
    cycles = (
        Span("Cycle 1", "2026-01-10", "2026-04-10"),
        Span("Cycle 2", "2026-04-10", "2026-12-31"),
    )
    assert time.spans == satisfaction.spans == cycles
    # A quarter before cycle 1 (2025-10-10): October, whose period ends after it, is in.
    assert time.x_range == ("2025-10-10", "2027-01-31")
    assert [p for p, _, _ in time.points] == [f"2025-{m}" for m in (10, 11, 12)] + [
        f"2026-0{m}" for m in range(1, 5)
    ]
    # Cycle 1 starts from the agreed baseline, cycle 2 from cycle 1's measured result.
    assert time.lines == (
        Line("Baseline 16 hours", 16.0, "baseline", "2026-01-10", "2026-04-10"),
        Line("", 8.0, "target", "2026-01-10", "2026-03-31"),
        Line("Baseline 9 hours", 9.0, "baseline", "2026-04-10", "2026-12-31"),
        Line("", 6.0, "target", "2026-04-10", "2026-12-31"),
    )
    assert time.targets == (
        TargetPoint("Target 8 hours by 2026-03-31", "2026-03-31", 8.0, below=True),
        TargetPoint("Target 6 hours by 2026-12-31", "2026-12-31", 6.0, below=True),
    )
    assert satisfaction.targets == (
        TargetPoint("Target 4.2 score (1-5) by 2026-03-31", "2026-03-31", 4.2, below=False),
    )
    assert time.forecast is None  # one point since cycle 2 opened: nothing to fit
    assert time.as_of == satisfaction.as_of == "2026-05-15"
    assert spec.alt == (
        "Mean time to resolve email incidents fell from 9 hours (baseline, cycle 1 result) "
        "to 8.8 hours in 2026-04; target 6 hours by 2026-12-31, on track. "
        "Satisfaction with email support rose from 3.2 score (1-5) (baseline, 2025-12) to "
        "4 score (1-5) in 2026-04; target 4.2 score (1-5) by 2026-03-31 (cycle 1 partially met)."
    )


def test_forecast_runs_from_the_last_point_to_the_forecast_date_at_the_target(
    repo: Path,
) -> None:
    with (repo / "kpis" / "data" / "email-resolution-time.csv").open("a") as f:
        f.write("2026-05,7.9\n")
    as_of = date(2026, 6, 15)
    result = validate_repository(repo, as_of)
    [target] = next(s for s in result.status.improvements if s.id == "CSI-0001").targets
    assert target.forecast is not None and target.forecast[0].isdigit()
    spec = specs_of(repo, as_of)["improvement-CSI-0001"]
    time = spec.panels[0]
    assert time.forecast == Segment(
        f"Forecast: target by {target.forecast}", "2026-05-16", 7.9, target.forecast, 6.0
    )
    assert f"on track, forecast to reach it on {target.forecast}." in spec.alt


def _covered(ax: Axes, box: Bbox) -> list[str]:
    """What of the data ``box`` covers: a measurement's or a target's marker (within its
    radius), or a stretch of the measurements' line (sampled every pixel)."""
    hits = []
    for line in ax.get_lines():
        marker = line.get_marker()
        if marker not in ("o", "D"):
            continue
        marks = ax.transData.transform(line.get_xydata())
        r = float(line.get_markersize()) * ax.figure.dpi / 72 / 2
        hits += [
            f"{marker} marker at {x:.0f},{y:.0f}"
            for x, y in marks
            if box.x0 - r < x < box.x1 + r and box.y0 - r < y < box.y1 + r
        ]
        for (x0, y0), (x1, y1) in itertools.pairwise(marks):
            steps = int(math.hypot(x1 - x0, y1 - y0)) + 1
            if any(
                box.contains(x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps)
                for k in range(steps + 1)
            ):
                hits.append(f"line {x0:.0f},{y0:.0f}-{x1:.0f},{y1:.0f}")
    return hits


def test_a_forecast_date_already_past_is_not_drawn(repo: Path) -> None:
    with (repo / "kpis" / "data" / "email-resolution-time.csv").open("a") as f:
        f.write("2026-05,7.9\n")
    as_of = date(2026, 6, 15)
    result = validate_repository(repo, as_of)
    imp_status = next(s for s in result.status.improvements if s.id == "CSI-0001")
    imp = next(i for i in result.register.improvements if i.id == "CSI-0001")
    # The same status, its forecast a day before the as-of date: no future to draw.
    past = dataclasses.replace(imp_status.targets[0], forecast="2026-06-14")
    imp_status = dataclasses.replace(imp_status, targets=(past,))
    spec = improvement_spec(imp, result.register, result.series, imp_status, as_of)
    assert spec.panels[0].forecast is None
    assert "Forecast" not in render_chart(spec).decode()


def test_a_completed_improvement_is_charted_to_the_as_of_date() -> None:
    """Did the gain hold? CSI-0008 closed in January; its chart runs to November."""
    [panel] = specs_of(REPO, date(2026, 11, 23))["improvement-CSI-0008"].panels
    assert panel.x_range[1] == "2026-12-24"  # the as-of date and a month
    assert panel.spans == (Span("Cycle 1", "2025-02-17", "2026-01-16"),)
    assert panel.points[-1][0] == "2026-10"  # measured after the closure too
    assert max(day for _, day, _ in panel.points) > "2026-01-16"


def test_a_cycle_not_begun_is_drawn_as_planned(repo: Path) -> None:
    # CSI-0012's first cycle opens after the as-of date; a proposal's is a draft.
    [panel] = specs_of(REPO, date(2026, 11, 23))["improvement-CSI-0012"].panels
    assert panel.spans == (Span("Cycle 1 (planned)", "2026-11-30", "2027-06-30", True),)
    entry = repo / "register" / "CSI-0001-email-resolution.yaml"
    entry.write_text(entry.read_text().replace("status: in-progress", "status: proposed"))
    spans = specs_of(repo)["improvement-CSI-0001"].panels[0].spans
    assert [(s.label, s.planned) for s in spans] == [
        ("Cycle 1 (planned)", True),
        ("Cycle 2 (planned)", True),
    ]
    svg = render_chart(specs_of(repo)["improvement-CSI-0001"]).decode()
    assert "Cycle 1 (planned)" in svg
    assert svg.count("stroke-dasharray") > svg.count("Cycle 1 (planned)")  # an outline


@pytest.mark.slow
def test_labels_stay_inside_the_plot_and_off_each_other_and_the_data() -> None:
    """Every chart of the sample register: no label covers another, a measurement, the
    measurements' line or a target's marker, or leaves its panel."""
    day = date(2026, 11, 23)
    result = validate_repository(REPO, day)
    specs = chart_specs(result.register, result.series, result.status, day)
    checked, covering = 0, []
    for spec in specs:
        fig = drawing._figure(spec)
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            frame = ax.get_window_extent(renderer)
            labels = [t for t in ax.texts if isinstance(t, Annotation) and drawing.drawn(t)]
            boxes = [t.get_window_extent(renderer) for t in labels]
            for i, (label, box) in enumerate(zip(labels, boxes, strict=True)):
                assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1, spec.name
                assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, spec.name
                assert not any(box.overlaps(other) for other in boxes[i + 1 :]), spec.name
                covering += [f"{spec.name} {label.get_text()!r}: {h}" for h in _covered(ax, box)]
                checked += 1
    assert covering == []
    assert checked > 100


def test_a_kpi_without_data_gets_a_placeholder(repo: Path) -> None:
    write_series(repo, "email-satisfaction", "2026-06,4.1\n")  # only after the as-of date
    specs = specs_of(repo)
    spec = specs["kpi-email-satisfaction"]
    assert spec.placeholder
    assert spec.alt == "No data yet for Satisfaction with email support as of 2026-05-15."
    assert b"No data yet" in render_chart(spec)
    # The improvement still charts its targets, with a note in the empty panel.
    panel = specs["improvement-CSI-0001"].panels[1]
    assert panel.points == () and panel.note.startswith("No data for")
    assert "No data for Satisfaction with email support; target 4.2" in (
        specs["improvement-CSI-0001"].alt
    )
    assert b"No data for" in render_chart(specs["improvement-CSI-0001"])


def test_chart_specs_refuses_a_status_of_another_date(repo: Path) -> None:
    result = validate_repository(repo, AS_OF)
    with pytest.raises(ValueError, match="as of"):
        chart_specs(result.register, result.series, result.status, date(2026, 1, 1))


def test_digest_names_the_inputs(repo: Path) -> None:
    spec = specs_of(repo)["kpi-email-resolution-time"]
    assert spec.digest() == specs_of(repo)["kpi-email-resolution-time"].digest()
    assert len(spec.digest()) == 64
    assert dataclasses.replace(spec, alt=spec.alt + " ").digest() != spec.digest()
    assert hash(spec) == hash(dataclasses.replace(spec))  # frozen, hashable
    # Deep in a panel: one point's value by the least a float can move, or its period.
    panel = spec.panels[0]
    (period, middle, value), *rest = panel.points
    for point in [(period, middle, math.nextafter(value, math.inf)), ("2000-01", middle, value)]:
        moved = dataclasses.replace(panel, points=(point, *rest))
        assert dataclasses.replace(spec, panels=(moved,)).digest() != spec.digest()
    # Text that is not printable is written escaped, so it cannot pass for other text.
    odd = [dataclasses.replace(spec, title=t).digest() for t in ("a\nb", "a\x00b", "a\ud800b")]
    assert len(set(odd)) == 3


# ---- rendering ------------------------------------------------------------------------


@pytest.mark.slow
def test_same_spec_same_bytes_and_no_leaked_settings(repo: Path) -> None:
    before = dict(matplotlib.rcParams)
    for spec in specs_of(repo).values():
        for fmt in ("svg", "png"):
            assert render_chart(spec, fmt) == render_chart(spec, fmt)
    assert dict(matplotlib.rcParams) == before


def test_svg_is_text_with_a_fixed_font_and_no_date(repo: Path) -> None:
    svg = render_chart(specs_of(repo)["kpi-email-resolution-time"]).decode()
    assert "<dc:date>" not in svg
    assert "DejaVu Sans" in svg
    assert "Mean time to resolve email incidents" in svg  # text, not glyph paths


def test_unknown_format_is_refused(repo: Path, tmp_path: Path) -> None:
    spec = specs_of(repo)["kpi-email-resolution-time"]
    with pytest.raises(ValueError, match="svg or png"):
        render_chart(spec, "pdf")
    with pytest.raises(ValueError, match="svg or png"):
        render_charts([spec], tmp_path / "out", tmp_path / "cache", fmt="pdf")


@pytest.mark.parametrize(
    ("name", "chart", "change"),
    [
        ("kpi.svg", "kpi-email-resolution-time", None),
        ("improvement.svg", "improvement-CSI-0001", None),
        ("placeholder.svg", "kpi-email-satisfaction", "2026-06,4.1\n"),
    ],
)
def test_golden_svg(repo: Path, golden: Golden, name: str, chart: str, change: str | None) -> None:
    if change is not None:
        write_series(repo, "email-satisfaction", change)
    svg = render_chart(specs_of(repo)[chart])
    if golden.update:
        golden.check("charts/matplotlib-version.txt", matplotlib.__version__ + "\n")
    if golden.path("charts/matplotlib-version.txt").read_text().strip() != matplotlib.__version__:
        pytest.skip("golden charts were drawn by another matplotlib; run with --update-goldens")
    golden.check(f"charts/{name}", svg)


# ---- the cache and the pool ---------------------------------------------------------------

SIGNER = Signer(b"0" * 64)
"""A checkout's signer: only charts it vouches for are reused or removed."""


@pytest.mark.slow
def test_cache_renders_only_what_changed_and_drops_stale_entries(
    repo: Path, tmp_path: Path
) -> None:
    (repo / "register" / "CSI-0003-email-triage.yaml").write_text(CSI_0003)
    out, cache = tmp_path / "site" / "charts", tmp_path / "cache"

    def run() -> tuple[object, list[str]]:
        specs = list(specs_of(repo).values())
        report = render_charts(specs, out, cache, jobs=1, signer=SIGNER)
        return report, [s.name for s in specs]

    first, names = run()
    assert names == [
        "kpi-email-resolution-time",
        "kpi-email-satisfaction",
        "improvement-CSI-0001",
        "improvement-CSI-0003",
    ]
    assert (first.rendered, first.cached, first.removed) == (4, 0, 0)
    assert first.written == tuple(out / f"{n}.svg" for n in names)
    assert all(p.read_bytes().startswith(b"<?xml") for p in first.written)
    assert len(list(cache.glob("*.svg"))) == 4

    second, _ = run()
    assert (second.rendered, second.cached, second.removed) == (0, 4, 0)

    # Satisfaction feeds its own chart and CSI-0001's, not resolution time's or CSI-0003's.
    write_series(repo, "email-satisfaction", "2025-12,3.2\n2026-01,3.6\n2026-04,4.1\n")
    before = {p.name: p.read_bytes() for p in first.written}
    third, _ = run()
    assert (third.rendered, third.cached, third.removed) == (2, 2, 2)
    changed = {p.name for p in third.written if p.read_bytes() != before[p.name]}
    assert changed == {"kpi-email-satisfaction.svg", "improvement-CSI-0001.svg"}

    # Gone: its chart, and its target on the resolution-time chart, which is redrawn.
    # Its chart leaves the output folder too; files csi did not write stay.
    (out / "notes.txt").write_text("mine")
    (out / "kpi-handmade.svg").write_text("<svg/>")
    (repo / "register" / "CSI-0003-email-triage.yaml").unlink()
    fourth, _ = run()
    assert (fourth.rendered, fourth.cached, fourth.removed, fourth.pruned) == (1, 2, 2, 1)
    assert len(list(cache.glob("*.svg"))) == 3
    assert sorted(p.name for p in out.iterdir()) == [
        ".csi-charts-svg",
        "improvement-CSI-0001.svg",
        "kpi-email-resolution-time.svg",
        "kpi-email-satisfaction.svg",
        "kpi-handmade.svg",
        "notes.txt",
    ]
    assert not [p for p in (*out.iterdir(), *cache.iterdir()) if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_a_change_to_the_drawing_code_draws_again(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = list(specs_of(repo).values())
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert render_charts(specs, out, cache, signer=SIGNER).rendered == len(specs)
    assert render_charts(specs, out, cache, signer=SIGNER).rendered == 0
    monkeypatch.setattr(chartfiles, "DRAWING_KEY", "another version of drawing.py")
    again = render_charts(specs, out, cache, signer=SIGNER)
    assert (again.rendered, again.removed) == (len(specs), len(specs))


@pytest.mark.slow
def test_formats_keep_separate_cache_entries(repo: Path, tmp_path: Path) -> None:
    specs = list(specs_of(repo).values())
    out, cache = tmp_path / "out", tmp_path / "cache"
    render_charts(specs, out, cache, signer=SIGNER)
    png = render_charts(specs, out, cache, fmt="png", signer=SIGNER)
    assert (png.rendered, png.removed, png.pruned) == (3, 0, 0)  # the SVG entries stay
    assert len(list(out.glob("*.svg"))) == 3
    assert render_charts(specs, out, cache, signer=SIGNER).rendered == 0
    assert png.written[0].read_bytes().startswith(b"\x89PNG")
    assert b"Software" not in png.written[0].read_bytes()  # no version stamp in the bytes


@pytest.mark.slow
def test_pool_renders_the_same_bytes_and_reports_progress(repo: Path, tmp_path: Path) -> None:
    base = specs_of(repo)["improvement-CSI-0001"]
    # Eight distinct charts: enough to start the pool instead of drawing in-process.
    specs = [dataclasses.replace(base, name=f"chart-{i}", title=f"Chart {i}") for i in range(8)]
    done: list[int] = []

    def run() -> chartfiles.RenderReport:
        out, cache = tmp_path / "out", tmp_path / "cache"
        return render_charts(
            specs, out, cache, jobs=2, progress=lambda: done.append(1), signer=SIGNER
        )

    report = run()
    assert (report.rendered, len(done)) == (8, 8)
    for spec, path in zip(specs, report.written, strict=True):
        assert path.read_bytes() == render_chart(spec)
    done.clear()
    again = run()
    assert (again.rendered, again.cached, len(done)) == (0, 8, 8)


def test_duplicate_names_are_refused(repo: Path, tmp_path: Path) -> None:
    spec = specs_of(repo)["kpi-email-resolution-time"]
    with pytest.raises(ValueError, match="unique"):
        render_charts([spec, spec], tmp_path / "out", tmp_path / "cache")


def test_a_failing_chart_fails_the_run_and_leaves_no_partial_files(
    repo: Path, tmp_path: Path
) -> None:
    base = specs_of(repo)["improvement-CSI-0001"]
    # No panels: nothing to draw on, so matplotlib raises, in a worker of the pool.
    specs = [dataclasses.replace(base, name=f"bad-{i}", panels=()) for i in range(8)]
    cache = tmp_path / "cache"
    with pytest.raises(ValueError):
        render_charts(specs, tmp_path / "out", cache, jobs=2)
    assert list(cache.iterdir()) == []


def test_a_kpi_chart_labels_only_the_first_few_of_many_targets(repo: Path) -> None:
    result = validate_repository(repo, AS_OF)
    kpi = result.register.kpis["email-resolution-time"]
    targets = [(f"CSI-{n:04d}", 6.0 + n % 3, date(2026, 6 + n % 7, 1)) for n in range(10, 30)]
    spec = kpi_spec(kpi, result.series[kpi.id], targets, AS_OF)
    marks = spec.panels[0].targets
    assert len(marks) == 20
    assert sum(1 for t in marks if t.label) == LABELLED
    assert [t.day for t in marks] == sorted(t.day for t in marks)  # earliest due first
    assert "; 20 improvement targets, the next 8 hours by 2026-06-01 (CSI-0014)." in spec.alt
