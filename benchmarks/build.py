"""How long `csi build` takes on a large register, beside plain MkDocs.

Generates 1,000 improvements and 200 KPIs (default) in a temporary folder with the
sample's mkdocs.yml, then prints:
  - cold `csi build` (no chart cache, fresh process);
  - the cold chart time alone (render_charts with an empty cache, in-process);
  - the floor: plain `mkdocs build` of the same generated Markdown and charts, with
    the csi plugin removed, in the same run;
  - a rebuild after one entry changes (chart cache warm).
Targets: cold <= 1.5 x floor + cold chart time; rebuild <= 25% of cold.

Usage: python benchmarks/build.py [--entries 1000] [--kpis 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from csitools.publish.charts.files import render_charts
from csitools.publish.charts.specs import chart_specs
from csitools.publish.pages import Chart, build_pages
from csitools.validation import validate_repository

sys.path.insert(0, str(Path(__file__).parent))
from registergen import generate

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--kpis", type=int, default=200)
    args = parser.parse_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    csi = [sys.executable, "-m", "csitools.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "register-repo"
        generate(root, args.entries, kpis=args.kpis)
        shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
        (root / "site_config").mkdir(exist_ok=True)
        shutil.copytree(REPO / "site_config" / "docs", root / "site_config" / "docs")
        (root / "site_config" / "overrides").mkdir()
        (root / "site_config" / "register.yml").write_text("title: Benchmark register\n")
        print(f"register: {args.entries:,} improvements, {args.kpis:,} KPIs")

        t_cold = timed([*csi, "build", "--as-of", AS_OF], root, env)
        pages = sum(1 for _ in (root / "site").rglob("*.html"))
        charts = len(list((root / "site" / "charts").glob("*.svg")))
        print(f"site: {pages:,} pages, {charts:,} charts")

        # Cold chart time alone, in-process, into a fresh cache.
        day = dt.date.fromisoformat(AS_OF)
        v = validate_repository(root, day)
        specs = chart_specs(v.register, v.series, v.status, day)
        scratch = Path(tmp) / "scratch"
        start = time.perf_counter()
        render_charts(specs, scratch / "out", scratch / "cache")
        t_charts = time.perf_counter() - start

        # The floor: plain MkDocs over the same Markdown and charts, no csi plugin.
        plain = Path(tmp) / "plain"
        docs = plain / "docs"
        shutil.copytree(REPO / "site_config" / "docs", docs)
        site_charts = {s.name: Chart(f"charts/{s.name}.svg", s.alt) for s in specs}
        for path, text in build_pages(v.register, v.status, site_charts).items():
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / path).write_text(text, encoding="utf-8")
        shutil.copytree(scratch / "out", docs / "charts")
        shutil.copytree(REPO / "csitools" / "publish" / "assets", docs / "assets" / "csi")
        config = yaml.safe_load((REPO / "mkdocs.yml").read_text())
        config["plugins"] = ["search"]
        config["docs_dir"] = "docs"
        config["theme"].pop("custom_dir", None)
        config["extra_css"] = ["assets/csi/csi.css"]
        config["extra_javascript"] = ["assets/csi/csi.js"]
        (plain / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q"]
        t_floor = timed(mkdocs, plain, env)

        # A rebuild after one entry changes: the chart cache is warm.
        entry = next((root / "register").glob("CSI-0001-*.yaml"))
        entry.write_text(entry.read_text().replace("Improvement number 1 ", "Improvement one "))
        t_rebuild = timed([*csi, "build", "--as-of", AS_OF], root, env)

    budget = 1.5 * t_floor + t_charts
    print("timings:")
    print(f"  cold csi build                      {t_cold:7.2f} s")
    print(f"  cold chart rendering alone          {t_charts:7.2f} s  ({len(specs):,} charts)")
    print(f"  floor: plain mkdocs build           {t_floor:7.2f} s")
    print(f"  rebuild after one entry changed     {t_rebuild:7.2f} s")
    print(
        f"cold / (1.5 x floor + charts) = {t_cold / budget:.2f} (target <= 1.00); "
        f"rebuild / cold = {t_rebuild / t_cold:.0%} (target <= 25%)"
    )


if __name__ == "__main__":
    main()
