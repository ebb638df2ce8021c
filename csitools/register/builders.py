"""Schema-valid documents -> the register's frozen records (``csitools.register.model``).

``build_register`` models every valid document of a ``LoadResult`` and remembers the
ids of the invalid ones (``Register.unusable``), so that cross-file checks neither
trust broken files nor call their ids missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from csitools.register.catalogue import benchmarks, build_catalogue
from csitools.register.documents import Document
from csitools.register.load import LoadResult, file_id
from csitools.register.model import (
    Baseline,
    Cycle,
    Improvement,
    Kpi,
    Money,
    Person,
    PerUnit,
    Priority,
    Raci,
    Realised,
    Register,
    Settings,
    Target,
    Team,
)
from csitools.register.reviews import build_reviews, build_updates


def _copied(data: Mapping[str, Any], names: str) -> dict[str, Any]:
    """The required fields the schema has checked, taken over as they are."""
    return {name: data[name] for name in names.split()}


def to_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _target(data: Mapping[str, Any]) -> Target:
    return Target(
        kpi=data["kpi"],
        value=float(data["value"]),
        by=date.fromisoformat(data["by"]),
        baseline=float(data["baseline"]) if "baseline" in data else None,
    )


def _cycle(number: int, data: Mapping[str, Any]) -> Cycle:
    return Cycle(
        number=number,
        opened=date.fromisoformat(data["opened"]),
        vision=data["vision"],
        targets=tuple(_target(t) for t in data["targets"]),
        current_state=data.get("current_state") or "",
        desired_state=data.get("desired_state") or "",
        plan=tuple(data.get("plan") or ()),
        actions_taken=tuple(data.get("actions_taken") or ()),
        closed=to_date(data.get("closed")),
        outcome=data.get("outcome"),
        review=data.get("review"),
        lessons=data.get("lessons"),
        next=data.get("next"),
        updates=build_updates(data.get("updates") or ()),
    )


def _money(data: Mapping[str, Any] | None) -> Money | None:
    if not data:
        return None
    return Money(float(data["amount"]), data["currency"], data.get("per"))


def build_improvement(doc: Document) -> Improvement:
    d = doc.data
    benefits = d.get("benefits") or {}
    cost, unit = d.get("cost") or {}, (benefits.get("financial") or {}).get("per_unit")
    running = cost.get("running")
    return Improvement(
        **_copied(d, "id title summary source raised_by owner status term size"),
        raised_on=date.fromisoformat(d["raised_on"]),
        priority=Priority(**d["priority"]),
        path=doc.path,
        services=tuple(d.get("services") or ()),
        benefits=benefits.get("description", ""),
        financial=_money(benefits.get("financial")),
        intangible=tuple(benefits.get("intangible") or ()),
        cost=_money(d.get("cost")),
        running=Money(float(running["amount"]), cost["currency"], running["per"])
        if running
        else None,
        per_unit=PerUnit(unit["kpi"], float(unit["amount"])) if unit else None,
        realised=tuple(
            Realised(r["period"], float(r["amount"]), r["evidence"])
            for r in benefits.get("realised") or ()
        ),
        csf=d.get("csf", ""),
        assessment=d.get("assessment", ""),
        depends_on=tuple(d.get("depends_on") or ()),
        links={k: tuple(v) for k, v in (d.get("links") or {}).items()},
        raci=tuple(
            Raci(
                activity=r["activity"],
                responsible=tuple(r["responsible"]),
                accountable=r["accountable"],
                consulted=tuple(r.get("consulted") or ()),
                informed=tuple(r.get("informed") or ()),
            )
            for r in d.get("raci") or ()
        ),
        cycles=tuple(_cycle(n, c) for n, c in enumerate(d.get("cycles") or (), start=1)),
        sustain=(d.get("sustain") or {}).get("periods"),
        doc=doc,
    )


def build_kpi(doc: Document) -> Kpi:
    d = doc.data
    threshold = d.get("action_threshold")
    return Kpi(
        **_copied(d, "id name unit direction type indicator perspective owner review_cadence"),
        baseline=Baseline(
            float(d["baseline"]["value"]), d["baseline"]["period"], d["baseline"].get("note", "")
        ),
        source=d["source"],
        path=doc.path,
        description=d.get("description", ""),
        csf=d.get("csf", ""),
        action_threshold=float(threshold) if threshold is not None else None,
        tension_with=tuple(d.get("tension_with") or ()),
        services=tuple(d.get("services") or ()),
        benchmarks=benchmarks(d),
        doc=doc,
    )


def build_settings(doc: Document | None) -> Settings:
    if doc is None or not doc.valid:
        return Settings()
    d = doc.data
    scoring = d.get("scoring") or {}
    quick = scoring.get("quick_win") or {}
    governance = d.get("governance") or {}
    report = d.get("report") or {}
    defaults = Settings()
    return Settings(
        title=d["title"],
        organisation=d.get("organisation", ""),
        repository_url=d.get("repository_url", ""),
        branch=d.get("branch", "main"),
        currency=d.get("currency", "USD"),
        tolerance=float(d.get("tolerance", 0.10)),
        weights=scoring.get("weights") or defaults.weights,
        quick_win_min_impact=quick.get("min_impact", defaults.quick_win_min_impact),
        quick_win_max_effort=quick.get("max_effort", defaults.quick_win_max_effort),
        strategic_min_impact=(scoring.get("strategic") or {}).get(
            "min_impact", defaults.strategic_min_impact
        ),
        decisions_required=governance.get("decisions_required", defaults.decisions_required),
        review_horizon_days=governance.get("review_horizon_days", defaults.review_horizon_days),
        builder=d.get("builder", defaults.builder),
        report_site=report.get("site", defaults.report_site),
        report_paper=report.get("paper", defaults.report_paper),
        doc=doc,
    )


def build_register(loaded: LoadResult) -> Register:
    """Model every valid document; remember the ids of the invalid ones."""
    unusable = {file_id(p) for p in loaded.broken}
    improvements = []
    for doc in loaded.improvements:
        if doc.valid:
            improvements.append(build_improvement(doc))
        else:
            unusable |= {file_id(doc.path), str(doc.data.get("id"))}
    kpis: dict[str, Kpi] = {}
    for doc in loaded.kpis:
        if doc.valid:
            kpi = build_kpi(doc)
            kpis.setdefault(kpi.id, kpi)
            if kpi.id != file_id(doc.path):
                # Reported by checks.check_ids; references by file name are not "missing".
                unusable.add(file_id(doc.path))
        else:
            unusable |= {file_id(doc.path), str(doc.data.get("id"))}
    people: dict[str, Person] = {}
    teams: dict[str, Team] = {}
    people_doc = loaded.people if loaded.people is not None and loaded.people.valid else None
    if people_doc is not None:
        for p in people_doc.data.get("people") or ():
            people.setdefault(
                p["id"], Person(p["id"], p["name"], p.get("role", ""), p.get("email", ""))
            )
        for t in people_doc.data.get("teams") or ():
            teams.setdefault(
                t["id"], Team(t["id"], t["name"], tuple(t["members"]), t.get("email", ""))
            )
    return Register(
        root=loaded.root,
        settings=build_settings(loaded.settings),
        improvements=tuple(sorted(improvements, key=lambda i: (i.id, i.path))),
        kpis=dict(sorted(kpis.items())),
        people=people,
        teams=teams,
        people_doc=people_doc,
        unusable=frozenset(unusable),
        reviews=build_reviews(loaded.reviews),
        catalogue=build_catalogue(loaded),
    )
