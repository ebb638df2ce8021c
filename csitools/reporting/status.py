"""A register's computed status -> text: ``csi status --format table|json|csv``, and the
status and CSV cells that ``csi export`` writes."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import click

from csitools.problems import plural
from csitools.reporting import attributes

if TYPE_CHECKING:
    from csitools.measure.breakdown import Contributors
    from csitools.measure.series import Point
    from csitools.measure.status import ImprovementStatus, RegisterStatus, TargetStatus
    from csitools.measure.sustain import Sustainment
    from csitools.measure.value import Value


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


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _point(point: Point | None) -> dict[str, Any] | None:
    return None if point is None else {"period": point.period, "value": _round(point.value)}


VALUE_FIGURES = (
    "expected_annual",
    "realised_annual",
    "running_annual",
    "roi_expected",
    "roi_realised",
    "payback_months_expected",
    "payback_months_realised",
    "realised_from",
)
"""The value figures a spreadsheet gets, in the order of ``csi status --format json``."""


def value_dict(v: Value) -> dict[str, Any]:
    """An improvement's value: the figures, how they were found, why any is null."""
    return {
        "currency": v.currency,
        **attributes(v, " ".join(VALUE_FIGURES)),
        **attributes(
            v,
            "expected_from one_off stated_annual expected_cycle expected_target "
            "expected_units realised_units realised_period",
        ),
        "recorded": [
            {"period": r.period, "amount": r.amount, "evidence": r.evidence} for r in v.recorded
        ],
        "reasons": dict(v.reasons),
    }


def _sustain(watch: Sustainment | None) -> dict[str, Any] | None:
    """A completed entry under watch: each target KPI's result and the periods since."""
    if watch is None:
        return None
    return {
        **attributes(watch, "periods cycle"),
        "closed": watch.closed.isoformat(),
        **attributes(watch, "health complete"),
        "kpis": [
            {
                "kpi": h.kpi,
                "result": _point(h.result),
                "watched": [_point(p) for p in h.watched],
                "holds": h.holds,
            }
            for h in watch.kpis
        ],
    }


def _breakdown(breakdown: Contributors | None) -> dict[str, Any] | None:
    """The top contributors of the latest period, with their trend."""
    if breakdown is None:
        return None
    return {
        "by": breakdown.column,
        "period": breakdown.period,
        "top": [
            {
                "group": c.group,
                "tickets": c.tickets,
                "value": _round(c.value),
                "trend": [{"period": p, "value": _round(v)} for p, v in c.trend],
            }
            for c in breakdown.contributors
        ],
    }


def status_dict(status: RegisterStatus) -> dict[str, Any]:
    """The machine-readable status; the shape `csi status --format json` promises."""
    return {
        "as_of": status.as_of.isoformat(),
        "improvements": [_improvement_dict(s) for s in status.improvements],
        "kpis": [
            {
                "id": k.id,
                "latest": _round(k.latest.value) if k.latest else None,
                "latest_period": k.latest.period if k.latest else None,
                "stale": k.stale,
                "threshold_breach": k.threshold_breach,
                "gaps": list(k.gaps),
                "breakdown": _breakdown(k.breakdown),
            }
            for k in status.kpis.values()
        ],
    }


def _improvement_dict(s: ImprovementStatus) -> dict[str, Any]:
    return {
        **attributes(s, "id title status health score lane"),
        "value": value_dict(s.value),
        "cycle": s.cycle,
        "flags": list(s.flags),
        "targets": [_target_dict(t) for t in s.targets],
        "outcomes": [
            {
                "cycle": o.cycle,
                "closed": o.closed.isoformat(),
                "recorded": o.recorded,
                "computed": o.computed,
                "progress": dict(o.progress),
                "measured": {k: _round(v) for k, v in o.measured.items()},
            }
            for o in s.outcomes
        ],
        "updates": [{"on": u.on.isoformat(), "by": u.by, "text": u.text} for u in s.updates],
        "sustain": _sustain(s.sustain),
    }


def _target_dict(t: TargetStatus) -> dict[str, Any]:
    return {
        "kpi": t.kpi,
        "baseline": _round(t.baseline),
        **attributes(t, "baseline_from target"),
        "current": _round(t.current),
        "current_period": t.current_period,
        "judged": _round(t.judged),
        "judged_period": t.judged_period,
        "since": _point(t.since),
        "progress": _round(t.progress),
        "elapsed": _round(t.elapsed),
        "due": t.due.isoformat(),
        **attributes(t, "health forecast"),
        "flags": list(t.flags),
        "tensions": [
            {
                "kpi": x.kpi,
                "baseline": _round(x.baseline),
                "latest": _round(x.latest),
                "period": x.period,
            }
            for x in t.tensions
        ],
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


def csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start like a formula; a leading quote keeps them text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        text = "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


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
