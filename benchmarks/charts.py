"""How long the charts take, beside the floor.

Generates a register with N/2 KPIs (24 monthly values each) and N/2 improvements (two
cycles; the open one targets two KPIs, so two panels) in a temporary folder, builds the
chart specs, then prints per-chart milliseconds for:
  - render_charts cold (empty cache), serial and with the process pool, and warm;
  - the floor: a bare matplotlib script drawing the same charts (same elements, same
    text, same rc settings set once) with the same pool, writing the files.

Usage: python benchmarks/charts.py [--charts 200] [--jobs N] [--fmt svg] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from io import BytesIO
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from csitools.publish.charts import drawing
from csitools.publish.charts import files as chartfiles
from csitools.publish.charts.files import render_charts
from csitools.publish.charts.specs import ChartSpec, chart_specs
from csitools.validation import validate_repository

sys.path.insert(0, str(Path(__file__).parent))
from figures import Figure as Measured
from figures import clock, report
from registergen import kpi_yaml

BASE = Path(__file__).resolve().parent.parent / "tests" / "cases" / "base"
AS_OF = date(2026, 5, 15)
MONTHS = [f"{2024 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in range(6, 30)]  # 24

ENTRY = """\
id: CSI-{n:04d}
title: Generated improvement {n}
summary: Generated for the chart benchmark.
source: incident-trend
raised_by: alice
raised_on: 2024-12-01
owner: bob
status: in-progress
term: short
size: small
priority: {{impact: 4, urgency: 3, effort: 2, risk: 2}}
cycles:
  - opened: 2025-01-10
    vision: Faster answers
    targets:
      - {{kpi: kpi-{a}, value: {t1}, by: 2025-06-30}}
    closed: 2025-07-10
    outcome: met
  - opened: 2025-07-10
    vision: Faster answers still
    targets:
      - {{kpi: kpi-{a}, value: {t2}, by: 2026-09-30}}
      - {{kpi: kpi-{b}, value: {t2}, by: 2026-12-31}}
"""


def make_register(root: Path, kpis: int, entries: int) -> None:
    shutil.copytree(BASE / "register", root / "register")
    shutil.copytree(BASE / "site_config", root / "site_config")
    for name in ("CSI-0001-email-resolution.yaml", "CSI-0002-knowledge-base.yaml"):
        (root / "register" / name).unlink()
    (root / "kpis" / "data").mkdir(parents=True)
    for k in range(kpis):
        base = 20 + k % 7
        (root / "kpis" / f"kpi-{k}.yaml").write_text(
            kpi_yaml(k, "dave", baseline=base, period="2024-12", threshold=base + 6)
        )
        rows = [f"{m},{base - i * 0.4 + (i * 7 + k) % 5 * 0.3:.1f}" for i, m in enumerate(MONTHS)]
        (root / "kpis" / "data" / f"kpi-{k}.csv").write_text("period,value\n" + "\n".join(rows))
    for n in range(1, entries + 1):
        a, b = n % kpis, (n * 7 + 3) % kpis
        base = 20 + a % 7  # cycle 1 is met: the series falls 0.4 a month from base
        text = ENTRY.format(n=n, a=a, b=b, t1=base - 2, t2=base - 10)
        (root / "register" / f"CSI-{n:04d}-generated.yaml").write_text(text)


# ---- the floor: the same charts drawn by a bare script ----------------------------------


def _setup_bare() -> None:
    matplotlib.rcdefaults()
    matplotlib.rcParams.update(drawing.RC)


def bare(spec: ChartSpec, fmt: str, path: Path) -> None:
    """The same artists as drawing.render_chart, without its wrapper: no rc context, no
    label placement rules, no cache; rc settings are set once per process."""
    box = drawing.BOX
    fig = Figure(figsize=(8, 4.0 if len(spec.panels) == 1 else 0.9 + 2.7 * len(spec.panels)))
    fig.suptitle(spec.title)
    axes = fig.subplots(len(spec.panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, p in zip(axes, spec.panels, strict=True):
        x = drawing._x
        ax.set_xlim(x(p.x_range[0]), x(p.x_range[1]))
        for s in p.spans:
            ax.axvspan(x(s.start), x(s.end), color="#56B4E9", alpha=0.2)
            ax.text((x(s.start) + x(s.end)) / 2, 0.97, s.label, transform=ax.get_xaxis_transform())
        for line in p.lines:
            a, b = x(line.start or p.x_range[0]), x(line.end or p.x_range[1])
            ax.plot([a, b], [line.value] * 2, **drawing.STYLES[line.style])
            if line.label:
                ax.text(b, line.value, line.label, fontsize=8, bbox=box)
        ax.axvline(x(p.as_of), color="#555555")
        ax.text(x(p.as_of), 0.9, p.as_of, transform=ax.get_xaxis_transform(), bbox=box)
        for t in p.targets:
            ax.plot(x(t.day), t.value, marker="D", color="#009E73")
            ax.text(x(t.day), t.value, t.label, fontsize=8, bbox=box)
        ax.plot([x(d) for _, d, _ in p.points], [v for *_, v in p.points], marker="o")
        ax.text(x(p.points[-1][1]), p.points[-1][2], "Measured", fontsize=8, bbox=box)
        if p.forecast:
            f = p.forecast
            ax.plot([x(f.start), x(f.end)], [f.start_value, f.end_value], linestyle="--")
            ax.text(x(f.end), f.end_value, f.label, fontsize=8, bbox=box)
        ax.xaxis.set_major_locator(locator := matplotlib.dates.AutoDateLocator())
        ax.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator))
        ax.set_ylabel(p.unit)
    axes[-1].set_xlabel("Date")
    buffer = BytesIO()
    fig.savefig(buffer, format=fmt, metadata=drawing.METADATA[fmt])
    path.write_bytes(buffer.getvalue())


def run_bare(specs: list[ChartSpec], out: Path, fmt: str, jobs: int) -> float:
    start = clock()
    if jobs == 1:
        _setup_bare()
        for spec in specs:
            bare(spec, fmt, out / f"{spec.name}.{fmt}")
    else:
        with ProcessPoolExecutor(jobs, initializer=_setup_bare) as pool:
            paths = [out / f"{s.name}.{fmt}" for s in specs]
            list(pool.map(bare, specs, [fmt] * len(specs), paths, chunksize=4))
    return clock() - start


def run_ours(specs: list[ChartSpec], out: Path, cache: Path, fmt: str, jobs: int) -> float:
    start = clock()
    render_charts(specs, out, cache, fmt=fmt, jobs=jobs)
    return clock() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--charts", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=chartfiles._cpu_count())
    parser.add_argument("--fmt", default="svg", choices=["svg", "png"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    jobs = args.jobs
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        make_register(root, args.charts // 2, args.charts - args.charts // 2)
        start = clock()
        result = validate_repository(root, AS_OF)
        validated = clock() - start
        if result.problems:  # the generated register should be clean; say so if not
            print(f"note: {len(result.problems)} problems, first: {result.problems[0]}")
        start = clock()
        specs = chart_specs(result.register, result.series, result.status, AS_OF)
        spec_s = clock() - start
        n = len(specs)
        panels = sum(len(s.panels) for s in specs)
        print(f"{n} charts ({panels} panels), {args.fmt}, {args.jobs} jobs, matplotlib "
              f"{matplotlib.__version__}; validate {validated:.2f} s, chart_specs "
              f"{spec_s * 1000:.0f} ms ({spec_s / n * 1000:.2f} ms/chart)")  # fmt: skip

        def fresh() -> tuple[Path, Path]:
            folder = Path(tempfile.mkdtemp(dir=tmp))
            (folder / "out").mkdir()
            return folder / "out", folder / "cache"

        # Best of --repeat, ours and bare interleaved: other work on the machine only
        # ever slows a run down, and it then slows both sides alike.
        runs: dict[str, list[float]] = {}
        for _ in range(args.repeat):
            for label, run in (
                ("render_charts cold, serial", lambda: run_ours(specs, *fresh(), args.fmt, 1)),
                ("bare matplotlib, serial", lambda: run_bare(specs, fresh()[0], args.fmt, 1)),
                ("render_charts cold, pool", lambda: run_ours(specs, *fresh(), args.fmt, jobs)),
                ("bare matplotlib, pool", lambda: run_bare(specs, fresh()[0], args.fmt, jobs)),
            ):
                runs.setdefault(label, []).append(run())
        out, cache = fresh()
        run_ours(specs, out, cache, args.fmt, jobs)
        runs["render_charts warm (all cached)"] = [
            run_ours(specs, out, cache, args.fmt, jobs) for _ in range(args.repeat)
        ]
        t = {label: min(times) for label, times in runs.items()}
        for label, seconds in t.items():
            print(f"  {label:<34} {seconds:7.2f} s  {seconds / n * 1000:7.2f} ms/chart")
        serial, pooled = t["render_charts cold, serial"], t["render_charts cold, pool"]
        bare_serial, bare_pool = t["bare matplotlib, serial"], t["bare matplotlib, pool"]
        print(f"pool speed-up: ours {serial / pooled:.2f}x, bare {bare_serial / bare_pool:.2f}x")
        print(f"ours / bare: serial {serial / bare_serial:.2f}x, pool {pooled / bare_pool:.2f}x "
              "(target <= 1.2x)")  # fmt: skip
        report([
            Measured("charts", f"render_charts cold, pool ({n} charts)", pooled,
                     "bare matplotlib, pool", bare_pool, 1.2),
            Measured("charts", "render_charts cold, serial", serial,
                     "bare matplotlib, serial", bare_serial, 1.2),
        ])  # fmt: skip
        size = sum(f.stat().st_size for f in out.iterdir()) / n / 1024
        print(f"mean file size {size:.1f} KiB; cores {os.cpu_count()}; best of {args.repeat}")


if __name__ == "__main__":
    main()
