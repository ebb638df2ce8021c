"""Every benchmark, one after the other, and one table of their figures: each beside
its floor measured in the same run, as a ratio, with its target.

Each benchmark runs in a process of its own (as `python benchmarks/NAME.py`, at the
size given here) and hands its figures back through ``figures.report``. ``--quick``
runs them at a small size (for a check that they work, not for the figures the README
quotes); ``--only`` picks some. The table is printed as Markdown, ready for the README.

Usage: python benchmarks/all.py [--quick] [--only validate,build,...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

SIZES = {
    "validate": (["--entries", "5000"], ["--entries", "500"]),
    "build": (["--entries", "1000", "--kpis", "200"], ["--entries", "60", "--kpis", "12"]),
    "charts": (["--charts", "200"], ["--charts", "24", "--repeat", "1"]),
    "history": (["--entries", "1000"], ["--entries", "100", "--commits", "5"]),
    "metrics": (["--rows", "1000000"], ["--rows", "50000"]),
    "report": (["--entries", "100"], ["--entries", "20"]),
}
"""Each benchmark's arguments: full size (the README's figures), then --quick."""


def machine() -> str:
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.system()} {platform.machine()}, {cores} cores, Python "
        f"{platform.python_version()}, load average {load:.1f} when it started"
    )


def run(name: str, args: list[str], out: Path) -> float:
    start = time.perf_counter()
    env = {**os.environ, "CSI_BENCH_OUT": str(out)}
    proc = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *args], env=env)
    if proc.returncode != 0:
        sys.exit(f"benchmarks/{name}.py {' '.join(args)} failed (exit {proc.returncode})")
    return time.perf_counter() - start


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| benchmark | figure | CPU s | floor | floor CPU s | ratio | target |",
        "|---|---|--:|---|--:|--:|---|",
    ]
    for r in rows:
        seconds, floor = float(r["seconds"]), float(r["floor_seconds"])  # type: ignore[arg-type]
        target = r["target"]
        verdict = ""
        if target is not None:
            verdict = f"≤ {target:g} {'ok' if seconds / floor <= float(target) else 'MISSED'}"  # type: ignore[arg-type]
        lines.append(
            f"| {r['benchmark']} | {str(r['what']).strip()} | {seconds:.2f} | {r['floor']} | "
            f"{floor:.2f} | {seconds / floor:.2f} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a check, not figures")
    parser.add_argument("--only", default=",".join(SIZES), help="comma-separated benchmarks")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(SIZES))
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    started = machine()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.jsonl"
        out.touch()
        took = {}
        for name in chosen:
            print(f"== benchmarks/{name}.py", flush=True)
            took[name] = run(name, SIZES[name][1 if args.quick else 0], out)
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    print()
    print(f"Machine: {started}; {'quick sizes' if args.quick else 'full sizes'}.")
    print(f"Wall-clock time taken: {', '.join(f'{n} {s:.0f} s' for n, s in took.items())}.")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
