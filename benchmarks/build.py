"""How long `csi build` takes on a large register, with each builder beside its floor.

Generates 1,000 improvements and 200 KPIs (default) in a temporary folder with the
sample's mkdocs.yml and hand-written pages, then measures, all in the same run:
  - for each builder (zensical, mkdocs): a cold `csi build --builder B` (no cache of any
    kind, a fresh process), then a rebuild after one entry's title changed;
  - the charts alone: render_charts with an empty cache, in-process;
  - each builder's floor: the bare builder over the same staged pages (the folder csi
    stages under .cache/csi/staging, copied): `zensical build --clean` and a plain
    `mkdocs build` of the staged mkdocs.yml, which has no csi plugin.
Targets: with zensical, cold <= 1.2 x (its floor + charts) and the rebuild <= 15% of
the cold build; the rebuild is also set beside bare zensical's own incremental rebuild
of the same change (its cache warm from the cold build, the changed staged files
copied in). MkDocs' figures are reported beside them, without a target.

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
from pathlib import Path

from csitools.publish.charts.files import render_charts
from csitools.publish.charts.specs import chart_specs
from csitools.validation import validate_repository

sys.path.insert(0, str(Path(__file__).parent))
from figures import Figure, clock, report
from registergen import generate

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"
BIN = Path(sys.executable).parent


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = clock()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = clock() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def make_register(root: Path, entries: int, kpis: int) -> None:
    generate(root, entries, kpis=kpis)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "site_config").mkdir(exist_ok=True)
    shutil.copytree(REPO / "site_config" / "docs", root / "site_config" / "docs")
    (root / "site_config" / "overrides").mkdir()
    (root / "site_config" / "register.yml").write_text("title: Benchmark register\n")


def cold_and_rebuild(
    root: Path, builder: str, env: dict[str, str], scratch: Path
) -> tuple[float, float, float | None]:
    """A cold build (caches and site removed), then one after an entry's title changed
    (the entry is put back afterwards). For zensical also the floor of that rebuild: the
    bare ``zensical build`` (its own cache warm, as csi's is) of the staged folder as the
    cold build left it, with the files csi's rebuild staged differently copied in."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "site", ignore_errors=True)
    csi = [sys.executable, "-m", "csitools.cli", "build", "--as-of", AS_OF, "--builder", builder]
    cold = timed(csi, root, env)
    staging = root / ".cache" / "csi" / "staging"
    after_cold = scratch / f"staged-{builder}-cold"
    if builder == "zensical":
        shutil.copytree(staging, after_cold, symlinks=True)
    entry = next((root / "register").glob("CSI-0001-*.yaml"))
    before = entry.read_text()
    entry.write_text(before.replace("Improvement number 1 ", "Improvement one "))
    rebuild = timed(csi, root, env)
    entry.write_text(before)
    if builder != "zensical":
        return cold, rebuild, None
    # Zensical's cache names the folder it built: the floor runs in csi's own staging
    # folder, put back as the cold build left it, with the files csi's rebuild staged
    # differently copied in.
    after_rebuild = scratch / f"staged-{builder}-rebuild"
    shutil.copytree(staging, after_rebuild, symlinks=True)
    shutil.rmtree(staging)
    shutil.copytree(after_cold, staging, symlinks=True)
    changed = 0
    for path in after_rebuild.rglob("*"):
        rel = path.relative_to(after_rebuild)
        if rel.parts[0] in (".cache", "site") or not path.is_file():
            continue
        twin = staging / rel
        if not (twin.is_file() and twin.read_bytes() == path.read_bytes()):
            shutil.copy2(path, twin)
            changed += 1
    print(f"the rebuild staged {changed} files differently")
    bare = timed([str(BIN / "zensical"), "build", "-f", str(staging / "mkdocs.yml")], staging, env)
    return cold, rebuild, bare


def charts_alone(root: Path, scratch: Path) -> tuple[float, int]:
    day = dt.date.fromisoformat(AS_OF)
    v = validate_repository(root, day)
    specs = chart_specs(v.register, v.series, v.status, day)
    start = clock()
    render_charts(specs, scratch / "out", scratch / "cache")
    return clock() - start, len(specs)


def floors(root: Path, scratch: Path, env: dict[str, str]) -> dict[str, float]:
    """Each bare builder over a copy of the pages csi staged (zensical's cache cleaned)."""
    staged = scratch / "staged"
    shutil.copytree(root / ".cache" / "csi" / "staging", staged, symlinks=True)
    shutil.rmtree(staged / "site", ignore_errors=True)
    config = str(staged / "mkdocs.yml")
    zensical = timed([str(BIN / "zensical"), "build", "--clean", "-f", config], staged, env)
    shutil.rmtree(staged / "site")
    mkdocs = timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config], staged, env)
    return {"zensical": zensical, "mkdocs": mkdocs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--kpis", type=int, default=200)
    args = parser.parse_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    with tempfile.TemporaryDirectory() as tmp:
        env.setdefault("XDG_CACHE_HOME", str(Path(tmp) / "xdg"))
        root = Path(tmp) / "register-repo"
        make_register(root, args.entries, args.kpis)
        print(f"register: {args.entries:,} improvements, {args.kpis:,} KPIs")
        runs = {"zensical": cold_and_rebuild(root, "zensical", env, Path(tmp))}
        pages = sum(1 for _ in (root / "site").rglob("*.html"))
        floor = floors(root, Path(tmp), env)  # from the pages the zensical build staged
        runs["mkdocs"] = cold_and_rebuild(root, "mkdocs", env, Path(tmp))
        t_charts, n_charts = charts_alone(root, Path(tmp) / "charts")
    print(f"site: {pages:,} pages, {n_charts:,} charts; charts alone {t_charts:.2f} s")
    figures = []
    for builder, (cold, rebuild, bare_rebuild) in runs.items():
        target = 1.2 if builder == "zensical" else None
        figures += [
            Figure("build", f"cold csi build --builder {builder}", cold,
                   f"bare {builder} + charts alone", floor[builder] + t_charts, target),
            Figure("build", f"  the same, beside the bare {builder} alone", cold,
                   f"bare {builder} build", floor[builder]),
            Figure("build", f"rebuild after one entry changed ({builder})", rebuild,
                   f"cold csi build --builder {builder}", cold,
                   0.15 if builder == "zensical" else None),
        ]  # fmt: skip
        if bare_rebuild is not None:
            figures.append(
                Figure("build", f"  the same, beside the bare {builder} rebuild", rebuild,
                       f"bare {builder}, same change", bare_rebuild)
            )  # fmt: skip
    report(figures)


if __name__ == "__main__":
    main()
