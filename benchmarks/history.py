"""How long reading the register's git history takes on a large repository.

Builds, with one ``git fast-import``, a repository of 1,000 improvements (default)
and 200 KPIs where every entry has 20 commits: an import, then 19 rounds of one
commit per entry that walk its status proposed -> approved -> in-progress ->
measuring -> completed, change its owner, add an action to its cycle, tighten its
target three times after approval and rename its file once. Then prints the time
``load_history`` takes to compute every entry's history (one ``git log``, one
``git cat-file --batch``, the parsing), and the time of the changelog built on it.
Target: under 3 s on a 2-core machine.

Usage: python benchmarks/history.py [--entries 1000] [--commits 20]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from csitools.history.log import _LOG_ARGS
from csitools.history.revisions import History, changelog, load_history

sys.path.insert(0, str(Path(__file__).parent))
from figures import Figure, clock, report
from registergen import kpi_yaml

STATUSES = ["proposed"] * 2 + ["approved"] * 2 + ["in-progress"] * 12 + ["measuring"] * 2
STATUSES += ["completed"] * 100

ENTRY = """\
# yaml-language-server: $schema=../csitools/schemas/improvement.schema.json
id: CSI-{n:04d}
title: Improvement number {n}
summary: |
  Generated entry {n}. Users of service {service} report slow answers; the trend in
  the incident data over the last two quarters supports the complaint.
services: [Service {service}]
source: incident-trend
raised_by: person-{raised_by}
raised_on: 2025-03-01
owner: person-{owner}
status: {status}
term: short
size: small
priority: {{impact: {impact}, urgency: 3, effort: 2, risk: 2}}
benefits:
  description: Faster answers for users
  financial: {{amount: {benefit}, currency: USD, per: year}}
cost: {{amount: 30000, currency: USD}}
csf: Resolve incidents quickly
raci:
  - activity: Set vision and targets
    responsible: [person-{owner}]
    accountable: person-{raised_by}
    informed: [cab]
cycles:
  - opened: 2025-04-01
    vision: Users of service {service} get answers within one working day (entry {n})
    current_state: Slow answers, many reassignments
    targets:
      - {{kpi: kpi-{kpi}, value: {target}, by: 2026-06-30}}
    plan: [Write knowledge articles, Train the agents]
    actions_taken:{actions}
"""


def entry_path(n: int, revision: int, commits: int) -> str:
    slug = "generated-entry" if revision < commits // 2 else "renamed-entry"
    return f"register/CSI-{n:04d}-{slug}.yaml"


def entry(n: int, revision: int) -> str:
    actions = "".join(f"\n      - Action {a} done for entry {n}" for a in range(revision)) or " []"
    return ENTRY.format(
        n=n,
        service=n % 17,
        raised_by=n % 60,
        owner=(n + revision // 5) % 60,
        status=STATUSES[revision],
        impact=1 + n % 5,
        benefit=10000 + n,
        kpi=n % 200,
        target=20 - n % 5 - revision // 6,
        actions=actions,
    )


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n%s\n" % (len(raw), raw)


def stream(entries: int, commits: int, kpis: int = 200) -> bytes:
    """A fast-import stream: the import commit, then one commit per entry per round."""
    out = bytearray()
    when = 1_735_689_600  # 2025-01-01

    def header(n: int, message: str) -> None:
        nonlocal when
        when += 60
        who = f"Person {n % 7} <person-{n % 7}@example.org> {when} +0000"
        out.extend(b"commit refs/heads/main\nauthor %s\ncommitter %s\n" % ((who.encode(),) * 2))
        out.extend(_data(message))

    header(0, "Import the register")
    people = "people:\n" + "".join(f"  - {{id: person-{i}, name: P {i}}}\n" for i in range(60))
    out.extend(b"M 100644 inline register/people.yaml\n" + _data(people))
    for k in range(kpis):
        out.extend(b"M 100644 inline kpis/kpi-%d.yaml\n" % k + _data(kpi_yaml(k, f"person-{k}")))
    for n in range(1, entries + 1):
        out.extend(f"M 100644 inline {entry_path(n, 0, commits)}\n".encode() + _data(entry(n, 0)))
    for revision in range(1, commits):
        for n in range(1, entries + 1):
            header(n, f"CSI-{n:04d}: revision {revision}")
            old, new = entry_path(n, revision - 1, commits), entry_path(n, revision, commits)
            if old != new:
                out.extend(f"R {old} {new}\n".encode())
            out.extend(f"M 100644 inline {new}\n".encode() + _data(entry(n, revision)))
    return bytes(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=20, help="commits per entry")
    args = parser.parse_args()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = clock()
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=env, check=True)
        subprocess.run(
            ["git", "fast-import", "--quiet"],
            cwd=root,
            env=env,
            input=stream(args.entries, args.commits),
            check=True,
        )
        subprocess.run(["git", "checkout", "-q", "main"], cwd=root, env=env, check=True)
        built = clock() - start
        total = 1 + args.entries * (args.commits - 1)
        print(f"built {total:,} commits for {args.entries:,} entries in {built:.1f} s")

        start = clock()
        history = load_history(root)
        elapsed = clock() - start
        if not isinstance(history, History):
            sys.exit(f"no history: {history.reason}")
        revisions = sum(len(r) for r in history.entries.values())
        flagged = sum(r.after_approval for rs in history.entries.values() for r in rs)
        print(
            f"load_history: {elapsed:.2f} s for {len(history.entries):,} files, "
            f"{revisions:,} revisions ({flagged:,} after approval)"
        )
        start = clock()
        items = changelog(history)
        print(f"changelog: {clock() - start:.2f} s for {len(items):,} items")
        print(f"target: load_history < 3 s -> {'ok' if elapsed < 3 else 'MISSED'}")
        floor = git_floor(root, env)
        report(
            [
                Figure("history", f"load_history, {total:,} commits", elapsed,
                       "git log + git cat-file --batch", floor, 1.5),
            ]
        )  # fmt: skip


def git_floor(root: Path, env: dict[str, str]) -> float:
    """Git alone doing what load_history asks of it: the same git log, then one
    git cat-file --batch of every blob that log names (listed beforehand, untimed)."""
    raw = subprocess.run(
        ["git", "log", "--root", "-M", "--raw", "--no-abbrev", "--format="],
        cwd=root, env=env, capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    blobs = {line.split()[3] for line in raw.splitlines() if line.startswith(":")}
    blobs.discard("0" * 40)
    start = clock()
    subprocess.run(["git", *_LOG_ARGS, "HEAD"], cwd=root, env=env, capture_output=True, check=True)
    subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=root, env=env, input="".join(f"{b}\n" for b in sorted(blobs)).encode(),
        capture_output=True, check=True,
    )  # fmt: skip
    return clock() - start


if __name__ == "__main__":
    main()
