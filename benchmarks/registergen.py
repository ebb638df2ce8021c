"""Generate large registers for the benchmarks: N improvements, people, KPIs with data."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

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


def kpi_yaml(
    k: int, owner: str, baseline: float = 20, period: str = "2025-01", threshold: float = 40
) -> str:
    """A generated KPI file: mean resolution hours, its data in kpis/data/kpi-<k>.csv."""
    return f"""\
id: kpi-{k}
name: Generated KPI {k}
unit: hours
direction: decrease
type: process
indicator: lagging
perspective: internal
csf: Resolve incidents quickly
owner: {owner}
review_cadence: monthly
action_threshold: {threshold:g}
baseline: {{value: {baseline:g}, period: {period}}}
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
        (root / "kpis" / f"kpi-{k}.yaml").write_text(kpi_yaml(k, f"person-{k % people}"))
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
