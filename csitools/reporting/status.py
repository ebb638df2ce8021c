"""A register's computed status -> text: ``csi status --format table|json|csv`` (the
plain data behind the JSON, and the CSV cell escaping, are ``measure.export``'s)."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import click

from csitools.measure.export import VALUE_FIGURES, csv_cell, status_dict
from csitools.problems import plural

if TYPE_CHECKING:
    from csitools.measure.status import ImprovementStatus, RegisterStatus


HEALTH_COLOURS = {
    "achieved": "green",
    "sustained": "green",
    "on-track": "green",
    "at-risk": "yellow",
    "stale": "magenta",
    "no-data": "bright_black",
    "missed": "red",
    "regressed": "red",
    "slipped": "red",
}


def status_json(status: RegisterStatus) -> str:
    return json.dumps(status_dict(status), indent=2, ensure_ascii=False) + "\n"


STATUS_CSV_FIELDS = [
    "id",
    "title",
    "status",
    "health",
    "score",
    "lane",
    *VALUE_FIGURES,
    "cycle",
    "flags",
    "next_due",
    "kpi",
    "baseline",
    "target",
    "current",
    "current_period",
    "progress",
    "elapsed",
    "forecast",
]


def status_csv(status: RegisterStatus) -> str:
    """One row per target (an entry without targets gets one row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATUS_CSV_FIELDS)
    for s in status.improvements:
        figures = [getattr(s.value, name) for name in VALUE_FIGURES]
        common = [s.id, s.title, s.status, s.health, s.score, s.lane, *figures, s.cycle]
        common += [" ".join(s.flags), _next_due(s)]
        rows = [
            [
                t.kpi,
                t.baseline,
                t.target,
                t.current,
                t.current_period,
                t.progress,
                t.elapsed,
                t.forecast,
            ]
            for t in s.targets
        ] or [[None] * 8]
        for row in rows:
            writer.writerow([csv_cell(v) for v in common + row])
    return out.getvalue()


def _next_due(s: ImprovementStatus) -> str | None:
    dues = [t.due for t in s.targets]
    return min(dues).isoformat() if dues else None


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def status_table(status: RegisterStatus, colour: bool, width: int = 100) -> str:
    """A table that fits ``width`` columns; the title takes what is left."""
    fixed = [("ID", 8), ("STATUS", 11), ("HEALTH", 9), ("SCORE", 5), ("LANE", 9)]
    fixed += [("DUE", 10), ("FLAGS", 16)]
    title_width = max(12, width - sum(w for _, w in fixed) - len(fixed) - 1)
    cols = [fixed[0], ("TITLE", title_width), *fixed[1:]]
    lines = [" ".join(name.ljust(w) for name, w in cols).rstrip()]
    for s in status.improvements:
        health = s.health or "—"
        cells = [
            s.id,
            _cut(s.title, title_width),
            s.status,
            health,
            f"{s.score:.2f}",
            s.lane,
            _next_due(s) or "—",
            _cut(" ".join(s.flags), 16),
        ]
        padded = [c.ljust(w) for c, (_, w) in zip(cells, cols, strict=True)]
        if colour and s.health in HEALTH_COLOURS:
            padded[3] = click.style(padded[3], fg=HEALTH_COLOURS[s.health])
        lines.append(" ".join(padded).rstrip())
    counts: dict[str, int] = {}
    for s in status.improvements:
        counts[s.health or "not measured"] = counts.get(s.health or "not measured", 0) + 1
    order = [*HEALTH_COLOURS, "not measured"]
    summary = ", ".join(f"{counts[h]} {h}" for h in order if h in counts)
    n = len(status.improvements)
    lines.append(f"{plural(n, 'improvement')} as of {status.as_of}")
    if summary:
        lines.append(summary)
    return "\n".join(lines) + "\n"
