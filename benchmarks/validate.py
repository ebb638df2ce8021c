"""How long `csi validate` takes on a large register, beside the floor.

Generates a register of N improvements (default 5,000, ~60 lines each) with people
and KPIs in a temporary folder, then prints:
  - `csi validate` end to end (a fresh process: start-up, imports, everything);
  - validate_repository() in-process;
  - the floor measured in the same run: PyYAML's CSafeLoader alone over the same
    files, and schema validation alone (jsonschema-rs, and jsonschema for reference).

Usage: python benchmarks/validate.py [--entries 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from csitools.pipeline import validate_repository
from csitools.schema import load_schema

ENTRY = """\
# yaml-language-server: $schema=../csitools/schemas/improvement.schema.json
id: CSI-{n:04d}
title: Improvement number {n} for the {service} service
summary: |
  Generated entry {n}. Users of {service} report slow answers; the trend in the
  incident data over the last two quarters supports the complaint.
services: [{service}]
source: {source}
raised_by: {raised_by}
raised_on: {raised}
owner: {owner}
status: in-progress
term: short
size: small
priority: {{impact: {impact}, urgency: 3, effort: {effort}, risk: 2}}
benefits:
  description: Faster answers for users
  financial: {{amount: {benefit}, currency: USD, per: year}}
  intangible: [Agents freed for complex work]
cost: {{amount: 30000, currency: USD}}
csf: Resolve incidents quickly
links: {{problems: [PRB{n:07d}], changes: [CHG{n:07d}]}}
raci:
  - activity: Set vision and targets
    responsible: [{owner}]
    accountable: {accountable}
    consulted: [team-{team}]
    informed: [cab]
  - activity: Deliver the changes
    responsible: [team-{team}]
    accountable: {owner}
cycles:
  - opened: {opened}
    vision: Users get answers within one working day
    current_state: Slow answers, many reassignments
    desired_state: Answers the same day
    targets:
      - {{kpi: kpi-{kpi}, value: {target}, by: {by}}}
    plan:
      - Write knowledge articles
      - Train the agents
    actions_taken:
      - Articles published
    closed: null
    outcome: null
"""

KPI = """\
id: kpi-{k}
name: Generated KPI {k}
unit: hours
direction: decrease
type: process
indicator: lagging
perspective: internal
csf: Resolve incidents quickly
owner: person-{owner}
review_cadence: monthly
action_threshold: 40
baseline: {{value: 20, period: 2025-01}}
source:
  csv: kpis/data/kpi-{k}.csv
"""

SOURCES = ["incident-trend", "problem-record", "customer-feedback", "sla-breach", "audit-finding"]


def generate(root: Path, entries: int, people: int = 60, kpis: int = 40) -> None:
    rng = random.Random(7)
    (root / "register").mkdir(parents=True)
    (root / "kpis" / "data").mkdir(parents=True)
    teams = 8
    lines = ["people:"]
    lines += [f"  - {{id: person-{i}, name: Person {i}}}" for i in range(people)]
    lines.append("teams:")
    lines += [
        f"  - {{id: team-{t}, name: Team {t}, members: [person-{t}, person-{t + 10}]}}"
        for t in range(teams)
    ]
    lines.append("  - {id: cab, name: Change Advisory Board, members: [person-1]}")
    (root / "register" / "people.yaml").write_text("\n".join(lines) + "\n")
    for k in range(kpis):
        (root / "kpis" / f"kpi-{k}.yaml").write_text(KPI.format(k=k, owner=k % people))
        rows = ["period,value"] + [
            f"{2025 + m // 12}-{m % 12 + 1:02d},{20 - m * 0.3 + rng.random():.2f}"
            for m in range(22)
        ]
        (root / "kpis" / "data" / f"kpi-{k}.csv").write_text("\n".join(rows) + "\n")
    for n in range(1, entries + 1):
        raised = dt.date(2025, 1, 1) + dt.timedelta(days=n % 300)
        opened = raised + dt.timedelta(days=20)
        text = ENTRY.format(
            n=n,
            service=f"Service {n % 17}",
            source=SOURCES[n % len(SOURCES)],
            raised_by=f"person-{n % people}",
            owner=f"person-{(n + 1) % people}",
            accountable=f"person-{(n + 2) % people}",
            team=n % teams,
            impact=1 + n % 5,
            effort=1 + (n // 5) % 5,
            benefit=10000 + n,
            raised=raised,
            opened=opened,
            kpi=n % kpis,
            target=10 + n % 5,
            by=opened + dt.timedelta(days=200),
        )
        (root / "register" / f"CSI-{n:04d}-generated-entry.yaml").write_text(text)


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.entries)
        files = sorted((root / "register").glob("CSI-*.yaml"))
        texts = [f.read_text() for f in files]
        n_files = len(files) + 1 + len(list((root / "kpis").glob("*.yaml")))
        print(f"register: {len(files):,} improvements, {n_files:,} YAML files in all")

        cli = [sys.executable, "-m", "csitools.cli", "validate", str(root)]
        probe = subprocess.run(cli, capture_output=True, text=True)
        print(f"csi validate says: {probe.stdout.strip().splitlines()[-1]}")
        t_cli = best(lambda: subprocess.run(cli, capture_output=True, check=False), 3)
        t_core = best(lambda: validate_repository(root, dt.date(2026, 11, 23)), 3)

        t_yaml = best(lambda: [yaml.load(t, Loader=yaml.CSafeLoader) for t in texts], 3)
        datas = [yaml.load(t, Loader=yaml.CSafeLoader) for t in texts]
        for d in datas:  # dates as text, as csitools keeps them
            d["raised_on"] = str(d["raised_on"])
            for c in d["cycles"]:
                c["opened"] = str(c["opened"])
                for t in c["targets"]:
                    t["by"] = str(t["by"])
        import jsonschema
        import jsonschema_rs

        schema = load_schema("improvement")
        rs = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
        py = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        t_rs = best(lambda: [rs.is_valid(d) for d in datas], 3)
        t_py = best(lambda: [list(py.iter_errors(d)) for d in datas[:500]], 1) * len(datas) / 500

        def row(label: str, seconds: float) -> None:
            per = seconds / len(files) * 1000
            print(
                f"  {label:<46} {seconds:7.3f} s  {per:6.3f} ms/file  "
                f"{len(files) / seconds:8,.0f} files/s"
            )

        print("timings (best of 3):")
        row("csi validate (fresh process, end to end)", t_cli)
        row("validate_repository() in-process", t_core)
        print("floor, measured in the same run:")
        row("PyYAML CSafeLoader alone", t_yaml)
        row("jsonschema-rs is_valid alone", t_rs)
        row("floor = CSafeLoader + jsonschema-rs", t_yaml + t_rs)
        row("(reference: jsonschema iter_errors, 500 extrapolated)", t_py)
        print(
            f"csi validate / floor: {t_cli / (t_yaml + t_rs):.2f}x; "
            "target: under 3 s for 5,000 files"
        )


if __name__ == "__main__":
    main()
