"""The mutation score of each configured module, from mutmut's own results.

Reads ``mutmut results --all true`` (one line per mutant: ``name: status``), leaves out
the equivalent mutants listed in tests/mutation-equivalents.md (changes that cannot
alter behaviour), and prints a Markdown table: per module the mutants, how many were
killed, survived or had no test, and the score = killed / (mutants - equivalent).

    python .ci/mutation_score.py [--min 90] [MODULE ...]

With --min, exits 1 when a module that was run scores below it. Modules not run yet
(every mutant "not checked") are listed but not judged.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.md"
KILLED = {"killed", "timeout", "caught by type check"}


def equivalents(text: str) -> set[str]:
    """Mutant names listed as "- `name`: reason" lines."""
    return set(re.findall(r"^- `([\w.]+__mutmut_\d+)`", text, re.M))


def module_of(mutant: str) -> str:
    return mutant.split(".x_", 1)[0].split(".xǁ", 1)[0]


def scores(results: str, equivalent: set[str]) -> dict[str, Counter[str]]:
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for line in results.splitlines():
        name, _, status = line.strip().partition(": ")
        if not status:
            continue
        counts = by_module[module_of(name)]
        counts["mutants"] += 1
        if name in equivalent:
            counts["equivalent"] += 1
        elif status in KILLED:
            counts["killed"] += 1
        else:
            counts[status] += 1
    return dict(by_module)


def table(by_module: dict[str, Counter[str]]) -> tuple[str, dict[str, float | None]]:
    rows = ["| module | mutants | killed | survived | no tests | equivalent | score |"]
    rows.append("|---|---:|---:|---:|---:|---:|---:|")
    score: dict[str, float | None] = {}
    for module, c in sorted(by_module.items()):
        judged = c["mutants"] - c["equivalent"] - c["not checked"]
        score[module] = 100 * c["killed"] / judged if judged else None
        shown = "not run" if score[module] is None else f"{score[module]:.1f}%"
        rows.append(
            f"| {module} | {c['mutants']} | {c['killed']} | {c['survived']} | "
            f"{c['no tests']} | {c['equivalent']} | {shown} |"
        )
    return "\n".join(rows), score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="only these modules (csitools.measure.health)")
    parser.add_argument("--min", type=float, help="fail below this score (percent)")
    args = parser.parse_args()
    results = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_module = scores(results, equivalents(EQUIVALENTS.read_text(encoding="utf-8")))
    if args.modules:
        by_module = {m: c for m, c in by_module.items() if m in args.modules}
    text, score = table(by_module)
    print(text)
    low = [m for m, s in score.items() if s is not None and args.min is not None and s < args.min]
    for module in low:
        print(f"{module}: {score[module]:.1f}% is below {args.min:g}%", file=sys.stderr)
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
