"""The register as frozen dataclasses (built from schema-valid documents by ``builders``).

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

from csitools.register.catalogue import Benchmark, Catalogue
from csitools.register.documents import Document
from csitools.register.reviews import Review, Update

Lifecycle = Literal[
    "proposed", "approved", "in-progress", "measuring", "completed", "deferred", "rejected"
]
"""An improvement's lifecycle status, set by people (never computed)."""

LIFECYCLE: tuple[Lifecycle, ...] = get_args(Lifecycle)
"""The lifecycle statuses in the order an entry goes through them."""

Outcome = Literal["met", "partially-met", "not-met"]
"""A closed cycle's outcome, recorded in the entry or computed from the data."""


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
    sustain: int | None = None
    """``sustain.periods``: how many periods after the last cycle closed are watched."""
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
    report_site: bool = False
    """report.site: the build writes the board pack into the site (``--with-report``)."""
    report_paper: str = "a4"
    """report.paper: the board pack's paper, a4 or letter."""
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
