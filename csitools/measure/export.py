"""The register and its computed status as plain data: the JSON shape of ``csi status``
and ``csi export``, and ``csi export``'s CSV, a spreadsheet opens safely (cells that
start like a formula are escaped).

Here, before ``publish`` and ``reporting``, so that the site's downloads
(``data/register.csv``, ``data/register.json``) and ``csi export`` are one function's
output, and ``csi status --format json`` the same dicts."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csitools.measure.breakdown import Contributors
    from csitools.measure.series import Point
    from csitools.measure.status import ImprovementStatus, RegisterStatus, TargetStatus
    from csitools.measure.sustain import Sustainment
    from csitools.measure.value import Value
    from csitools.register.model import Register


def attributes(obj: object, names: str) -> dict[str, Any]:
    """``{name: obj.name}`` for the space-separated ``names``: the fields a JSON report
    takes over as they are, named once (the report's shape is in its golden files)."""
    return {name: getattr(obj, name) for name in names.split()}


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


EXPORT_FIELDS = [
    "id", "title", "status", "health", "score", "lane", *VALUE_FIGURES, "source", "services",
    "raised_by", "raised_on", "owner", "term", "size", "impact", "urgency", "effort", "risk",
    "cycle", "next_due", "flags", "benefits", "csf", "depends_on", "summary",
]  # fmt: skip


def export_dict(reg: Register, register_status: RegisterStatus) -> dict[str, Any]:
    """The register as written, each improvement and KPI with what csi computes for
    it under ``computed`` (the shape of ``csi status --format json``)."""
    status = status_dict(register_status)
    by_id = {s["id"]: s for s in status["improvements"]}
    kpis = {k["id"]: k for k in status["kpis"]}
    drop = ("id", "title", "status")
    return {
        "as_of": status["as_of"],
        "title": reg.settings.title,
        "improvements": [
            {
                **(imp.doc.data if imp.doc else {"id": imp.id}),
                "computed": {k: v for k, v in by_id[imp.id].items() if k not in drop},
            }
            for imp in reg.improvements
            if imp.id in by_id
        ],
        "kpis": [
            {
                **(kpi.doc.data if kpi.doc else {"id": kpi.id}),
                "computed": {k: v for k, v in kpis.get(kpi.id, {}).items() if k != "id"},
            }
            for kpi in reg.kpis.values()
        ],
        "people": reg.people_doc.data if reg.people_doc else {"people": []},
    }


def export_json(reg: Register, status: RegisterStatus) -> str:
    """``csi export --format json``: the register and its status as one JSON document."""
    return json.dumps(export_dict(reg, status), indent=2, ensure_ascii=False) + "\n"


def export_csv(reg: Register, status: RegisterStatus) -> str:
    """One row per improvement, every cell escaped against formula injection (a
    title typed as ``=HYPERLINK(...)`` stays text in a spreadsheet)."""
    by_id = {s.id: s for s in status.improvements}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_FIELDS)
    for imp in reg.improvements:
        s = by_id.get(imp.id)
        dues = [t.due for t in s.targets] if s else []
        row = {
            "id": imp.id,
            "title": imp.title,
            "status": imp.status,
            "health": s.health if s else None,
            "score": s.score if s else None,
            "lane": s.lane if s else None,
            **{name: getattr(s.value, name) if s else None for name in VALUE_FIGURES},
            "source": imp.source,
            "services": "; ".join(imp.services),
            "raised_by": imp.raised_by,
            "raised_on": imp.raised_on.isoformat(),
            "owner": imp.owner,
            "term": imp.term,
            "size": imp.size,
            "impact": imp.priority.impact,
            "urgency": imp.priority.urgency,
            "effort": imp.priority.effort,
            "risk": imp.priority.risk,
            "cycle": s.cycle if s else None,
            "next_due": min(dues).isoformat() if dues else None,
            "flags": " ".join(s.flags) if s else "",
            "benefits": imp.benefits,
            "csf": imp.csf,
            "depends_on": " ".join(imp.depends_on),
            "summary": imp.summary.rstrip("\n"),
        }
        writer.writerow([csv_cell(row[name]) for name in EXPORT_FIELDS])
    return out.getvalue()
