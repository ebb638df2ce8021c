"""The register out: JSON as written plus what csi computes, or a CSV a spreadsheet
opens safely (cells that start like a formula are escaped)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from csitools.reporting.status import VALUE_FIGURES, csv_cell, status_dict
from csitools.validation import Validation

EXPORT_FIELDS = [
    "id", "title", "status", "health", "score", "lane", *VALUE_FIGURES, "source", "services",
    "raised_by", "raised_on", "owner", "term", "size", "impact", "urgency", "effort", "risk",
    "cycle", "next_due", "flags", "benefits", "csf", "depends_on", "summary",
]  # fmt: skip


def export_dict(validation: Validation) -> dict[str, Any]:
    """The register as written, each improvement and KPI with what csi computes for
    it under ``computed`` (the shape of ``csi status --format json``)."""
    status = status_dict(validation.status)
    by_id = {s["id"]: s for s in status["improvements"]}
    kpis = {k["id"]: k for k in status["kpis"]}
    reg = validation.register
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


def export_json(validation: Validation) -> str:
    return json.dumps(export_dict(validation), indent=2, ensure_ascii=False) + "\n"


def export_csv(validation: Validation) -> str:
    """One row per improvement, every cell escaped against formula injection (a
    title typed as ``=HYPERLINK(...)`` stays text in a spreadsheet)."""
    by_id = {s.id: s for s in validation.status.improvements}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_FIELDS)
    for imp in validation.register.improvements:
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
