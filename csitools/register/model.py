"""The register as frozen dataclasses, built from schema-valid documents.

Names follow the ITIL continual improvement vocabulary: an ``Improvement`` goes
through ``Cycle``s, each with per-KPI ``Target``s; a ``Kpi`` has an agreed
``Baseline``; ``Raci`` rows name who is responsible, accountable, consulted, informed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args

from csitools.register.catalogue import Benchmark, Catalogue, benchmarks, build_catalogue
from csitools.register.documents import Document
from csitools.register.load import LoadResult, file_id
from csitools.register.reviews import Review, Update, build_reviews, build_updates

Lifecycle = Literal[
    "proposed", "approved", "in-progress", "measuring", "completed", "deferred", "rejected"
]
"""An improvement's lifecycle status, set by people (never computed)."""

LIFECYCLE: tuple[Lifecycle, ...] = get_args(Lifecycle)
"""The lifecycle statuses in the order an entry goes through them."""

Outcome = Literal["met", "partially-met", "not-met"]
"""A closed cycle's outcome, recorded in the entry or computed from the data."""


EARLIEST = date(1970, 1, 1)
LATEST = date(2199, 12, 31)
"""The dates a register accepts: one further out is a typo, and would overflow charts."""


def to_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Target:
    kpi: str
    value: float
    by: date
    baseline: float | None = None
    """Stated explicitly in the entry; otherwise derived (KPI baseline or previous cycle)."""


@dataclass(frozen=True)
class Cycle:
    number: int
    opened: date
    vision: str
    targets: tuple[Target, ...]
    current_state: str = ""
    desired_state: str = ""
    plan: tuple[str, ...] = ()
    actions_taken: tuple[str, ...] = ()
    closed: date | None = None
    outcome: Outcome | None = None
    review: str | None = None
    lessons: str | None = None
    next: str | None = None
    updates: tuple[Update, ...] = ()
    """The owner's commentary, newest first."""

    @property
    def is_open(self) -> bool:
        return self.closed is None


@dataclass(frozen=True)
class Raci:
    activity: str
    responsible: tuple[str, ...]
    accountable: str
    consulted: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Priority:
    impact: int
    urgency: int
    effort: int
    risk: int


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str
    per: str | None = None


@dataclass(frozen=True)
class PerUnit:
    """What one unit of improvement of ``kpi`` is worth, per the benefit's ``per``."""

    kpi: str
    amount: float


@dataclass(frozen=True)
class Realised:
    """A benefit realised in a period, as recorded, with its evidence."""

    period: str
    amount: float
    evidence: str


@dataclass(frozen=True)
class Improvement:
    id: str
    title: str
    summary: str
    source: str
    raised_by: str
    raised_on: date
    owner: str
    status: Lifecycle
    term: str
    size: str
    priority: Priority
    path: str
    services: tuple[str, ...] = ()
    benefits: str = ""
    financial: Money | None = None
    intangible: tuple[str, ...] = ()
    cost: Money | None = None
    running: Money | None = None
    """The recurring cost, in the cost's currency; ``per`` is month or year."""
    per_unit: PerUnit | None = None
    realised: tuple[Realised, ...] = ()
    csf: str = ""
    assessment: str = ""
    depends_on: tuple[str, ...] = ()
    links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    raci: tuple[Raci, ...] = ()
    cycles: tuple[Cycle, ...] = ()
    doc: Document | None = field(default=None, repr=False, compare=False)

    @property
    def open_cycle(self) -> Cycle | None:
        return self.cycles[-1] if self.cycles and self.cycles[-1].is_open else None

    @property
    def current_cycle(self) -> Cycle | None:
        """The open cycle, else the last one."""
        return self.cycles[-1] if self.cycles else None


@dataclass(frozen=True)
class Baseline:
    value: float
    period: str
    note: str = ""


@dataclass(frozen=True)
class Kpi:
    id: str
    name: str
    unit: str
    direction: str
    type: str
    indicator: str
    perspective: str
    owner: str
    review_cadence: str
    baseline: Baseline
    source: Mapping[str, Any]
    path: str
    description: str = ""
    csf: str = ""
    action_threshold: float | None = None
    tension_with: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    benchmarks: tuple[Benchmark, ...] = ()
    doc: Document | None = field(default=None, repr=False, compare=False)

    @property
    def is_ticket_export(self) -> bool:
        return "measure" in self.source


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str = ""
    email: str = ""


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    members: tuple[str, ...]
    email: str = ""


@dataclass(frozen=True)
class Settings:
    title: str = "Continual Improvement Register"
    organisation: str = ""
    repository_url: str = ""
    branch: str = "main"
    currency: str = "USD"
    tolerance: float = 0.10
    weights: Mapping[str, float] = field(
        default_factory=lambda: {"impact": 0.4, "urgency": 0.3, "effort": 0.2, "risk": 0.1}
    )
    quick_win_min_impact: int = 4
    quick_win_max_effort: int = 2
    strategic_min_impact: int = 4
    decisions_required: bool = False
    """governance.decisions_required: statuses need a review decision that allows them."""
    review_horizon_days: int = 45
    builder: str = "mkdocs"
    """Which builder ``csi build`` and ``csi serve`` use: mkdocs or zensical."""
    doc: Document | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Register:
    """Everything that was valid enough to model. ``unusable`` holds the ids of
    entries and KPIs that exist on disk but broke their schema, so references to
    them are not reported a second time as missing."""

    root: Path
    settings: Settings
    improvements: tuple[Improvement, ...]
    kpis: Mapping[str, Kpi]
    people: Mapping[str, Person]
    teams: Mapping[str, Team]
    people_doc: Document | None = None
    unusable: frozenset[str] = frozenset()
    reviews: tuple[Review, ...] = ()
    """The review meetings, oldest first."""
    catalogue: Catalogue = field(default_factory=Catalogue)
    """Services, CSFs, assessments and SWOT: empty when the register has none."""

    def improvement(self, id_: str) -> Improvement | None:
        return next((i for i in self.improvements if i.id == id_), None)


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
        id=d["id"],
        title=d["title"],
        summary=d["summary"],
        source=d["source"],
        raised_by=d["raised_by"],
        raised_on=date.fromisoformat(d["raised_on"]),
        owner=d["owner"],
        status=d["status"],
        term=d["term"],
        size=d["size"],
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
        doc=doc,
    )


def build_kpi(doc: Document) -> Kpi:
    d = doc.data
    threshold = d.get("action_threshold")
    return Kpi(
        id=d["id"],
        name=d["name"],
        unit=d["unit"],
        direction=d["direction"],
        type=d["type"],
        indicator=d["indicator"],
        perspective=d["perspective"],
        owner=d["owner"],
        review_cadence=d["review_cadence"],
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
