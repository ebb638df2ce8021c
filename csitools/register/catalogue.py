"""The analysis around the services, as frozen dataclasses: the service catalogue
(``register/services.yaml``), objectives and critical success factors
(``register/csfs.yaml``), maturity assessments (``assessments/*.yaml``), SWOT analyses
(``swot/*.yaml``) and the benchmarks a KPI is compared with.

Every part is optional. A register without these files has an empty ``Catalogue``,
and references to services and CSFs stay free text, as they were before the catalogue
existed. Names follow ITIL: a ``Service`` has SLA targets and a balanced scorecard of
``Goal``s; an ``Objective`` is served by ``Csf``s, which KPIs measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from csitools.register.documents import Document
from csitools.register.load import LoadResult

PERSPECTIVES = ("customer", "internal", "learning", "financial")
"""The balanced scorecard's perspectives, in the order the pages show them."""

PERSPECTIVE_NAMES = {
    "customer": "Customer",
    "internal": "Internal processes",
    "learning": "Learning and growth",
    "financial": "Financial",
}

SWOT_QUADRANTS = ("strengths", "weaknesses", "opportunities", "threats")

VULNERABLE_IMPORTANCE = 4
"""A process this important (1..5) ..."""
VULNERABLE_LEVEL = 2
"""... at this maturity level or below (0..5) is where the organisation is vulnerable."""


@dataclass(frozen=True)
class Benchmark:
    """A value a KPI is compared with: from the industry, from peers, or internal."""

    value: float
    source: str
    kind: str
    period: str = ""


@dataclass(frozen=True)
class SlaTarget:
    kpi: str
    target: float
    note: str = ""


@dataclass(frozen=True)
class Goal:
    """A balanced-scorecard goal of a service, measured by a KPI when one is named."""

    perspective: str
    goal: str
    kpi: str | None = None
    target: float | None = None


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    owner: str
    kind: str = "customer-facing"
    criticality: str = ""
    description: str = ""
    customers: tuple[str, ...] = ()
    sla: tuple[SlaTarget, ...] = ()
    scorecard: tuple[Goal, ...] = ()
    index: int = 0
    """Its position in register/services.yaml, to locate problems."""


@dataclass(frozen=True)
class Objective:
    id: str
    name: str
    owner: str
    description: str = ""
    index: int = 0


@dataclass(frozen=True)
class Csf:
    id: str
    name: str
    objective: str
    owner: str
    description: str = ""
    index: int = 0


@dataclass(frozen=True)
class ProcessRating:
    """One process in a maturity assessment: levels 0..5, importance 1..5."""

    name: str
    current: int
    target: int
    importance: int
    note: str = ""

    @property
    def gap(self) -> int:
        return max(self.target - self.current, 0)

    @property
    def vulnerable(self) -> bool:
        """Important to the business but immature: where improvement matters most."""
        return self.importance >= VULNERABLE_IMPORTANCE and self.current <= VULNERABLE_LEVEL


@dataclass(frozen=True)
class Assessment:
    id: str
    """The file name without .yaml, as entries cite it."""
    path: str
    date: date
    model: str
    assessor: str
    scope: str
    processes: tuple[ProcessRating, ...]
    services: tuple[str, ...] = ()
    summary: str = ""
    doc: Document | None = None


@dataclass(frozen=True)
class SwotItem:
    text: str
    pestle: str | None = None
    improvements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Swot:
    id: str
    path: str
    date: date
    scope: str
    strengths: tuple[SwotItem, ...]
    weaknesses: tuple[SwotItem, ...]
    opportunities: tuple[SwotItem, ...]
    threats: tuple[SwotItem, ...]
    services: tuple[str, ...] = ()
    doc: Document | None = None

    def quadrant(self, name: str) -> tuple[SwotItem, ...]:
        items: tuple[SwotItem, ...] = getattr(self, name)
        return items

    def open_items(self) -> list[tuple[str, SwotItem]]:
        """(quadrant, item) for each item no improvement takes up yet."""
        return [(q, i) for q in SWOT_QUADRANTS for i in self.quadrant(q) if not i.improvements]


@dataclass(frozen=True)
class Catalogue:
    """The analysis files of a register; each part empty when its file is absent."""

    services: tuple[Service, ...] = ()
    objectives: tuple[Objective, ...] = ()
    csfs: tuple[Csf, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    """Oldest first."""
    swots: tuple[Swot, ...] = ()
    services_doc: Document | None = None
    """register/services.yaml when it exists and is valid: services then must be in it."""
    csfs_doc: Document | None = None
    """register/csfs.yaml when it exists and is valid: CSFs then must be in it."""
    services_file: bool = False
    """Whether register/services.yaml exists at all (valid or not)."""
    csfs_file: bool = False
    unusable_assessments: frozenset[str] = frozenset()
    """Assessment files that exist but could not be modelled: citing them is not a
    second problem."""

    @property
    def empty(self) -> bool:
        return not (
            self.services_file
            or self.csfs_file
            or self.assessments
            or self.swots
            or self.services
            or self.csfs
        )

    def service(self, ref: str) -> Service | None:
        """The service named by id or exact name."""
        return next((s for s in self.services if ref in (s.id, s.name)), None)

    def csf(self, ref: str) -> Csf | None:
        """The CSF named by id or exact name."""
        return next((c for c in self.csfs if ref in (c.id, c.name)), None)

    def objective(self, id_: str) -> Objective | None:
        return next((o for o in self.objectives if o.id == id_), None)

    def assessment(self, id_: str) -> Assessment | None:
        return next((a for a in self.assessments if a.id == id_), None)

    def covers(self, refs: Iterable[str], service: Service) -> bool:
        """Whether a list of service references names ``service``."""
        return any(self.service(ref) == service for ref in refs)

    def earlier(self, assessment: Assessment) -> list[Assessment]:
        """The assessments of the same model made before this one, oldest first."""
        return [
            a for a in self.assessments if a.model == assessment.model and a.date < assessment.date
        ]


def stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(data.get(key) or ())


def _services(doc: Document) -> tuple[Service, ...]:
    out = []
    for i, d in enumerate(doc.data.get("services") or ()):
        out.append(
            Service(
                id=d["id"],
                name=d["name"],
                owner=d["owner"],
                kind=d.get("kind", "customer-facing"),
                criticality=d.get("criticality", ""),
                description=d.get("description", ""),
                customers=_strings(d, "customers"),
                sla=tuple(
                    SlaTarget(s["kpi"], float(s["target"]), s.get("note", ""))
                    for s in d.get("sla") or ()
                ),
                scorecard=tuple(
                    Goal(
                        g["perspective"],
                        g["goal"],
                        g.get("kpi"),
                        float(g["target"]) if "target" in g else None,
                    )
                    for g in d.get("scorecard") or ()
                ),
                index=i,
            )
        )
    return tuple(out)


def _assessment(doc: Document) -> Assessment:
    d = doc.data
    return Assessment(
        id=stem(doc.path),
        path=doc.path,
        date=date.fromisoformat(d["date"]),
        model=d["model"],
        assessor=d["assessor"],
        scope=d["scope"],
        processes=tuple(
            ProcessRating(p["name"], p["current"], p["target"], p["importance"], p.get("note", ""))
            for p in d["processes"]
        ),
        services=_strings(d, "services"),
        summary=d.get("summary", ""),
        doc=doc,
    )


def _swot(doc: Document) -> Swot:
    d = doc.data

    def items(key: str) -> tuple[SwotItem, ...]:
        return tuple(
            SwotItem(i["text"], i.get("pestle"), _strings(i, "improvements")) for i in d[key] or ()
        )

    return Swot(
        id=stem(doc.path),
        path=doc.path,
        date=date.fromisoformat(d["date"]),
        scope=d["scope"],
        strengths=items("strengths"),
        weaknesses=items("weaknesses"),
        opportunities=items("opportunities"),
        threats=items("threats"),
        services=_strings(d, "services"),
        doc=doc,
    )


def benchmarks(data: Mapping[str, Any]) -> tuple[Benchmark, ...]:
    """A KPI's benchmarks, from its schema-valid data."""
    return tuple(
        Benchmark(float(b["value"]), b["source"], b["kind"], str(b.get("period", "")))
        for b in data.get("benchmarks") or ()
    )


def build_catalogue(loaded: LoadResult) -> Catalogue:
    """Model the valid analysis files of a load; invalid ones are left out (their
    problems are reported already)."""
    services_doc, csfs_doc = (
        doc if doc is not None and doc.valid else None for doc in (loaded.services, loaded.csfs)
    )
    objectives: tuple[Objective, ...] = ()
    csfs: tuple[Csf, ...] = ()
    if csfs_doc is not None:
        objectives = tuple(
            Objective(o["id"], o["name"], o["owner"], o.get("description", ""), i)
            for i, o in enumerate(csfs_doc.data["objectives"])
        )
        csfs = tuple(
            Csf(c["id"], c["name"], c["objective"], c["owner"], c.get("description", ""), i)
            for i, c in enumerate(csfs_doc.data["csfs"])
        )
    assessments = sorted(
        (_assessment(doc) for doc in loaded.assessments if doc.valid),
        key=lambda a: (a.date, a.id),
    )
    swots = sorted((_swot(doc) for doc in loaded.swots if doc.valid), key=lambda s: s.id)

    def exists(name: str) -> bool:  # found, whether or not it is valid
        return getattr(loaded, name) is not None or any(
            b.startswith(f"register/{name}.") for b in loaded.broken
        )

    return Catalogue(
        services=_services(services_doc) if services_doc is not None else (),
        objectives=objectives,
        csfs=csfs,
        assessments=tuple(assessments),
        swots=tuple(swots),
        services_doc=services_doc,
        csfs_doc=csfs_doc,
        unusable_assessments=frozenset(
            stem(p)
            for p in [*loaded.broken, *(d.path for d in loaded.assessments if not d.valid)]
            if p.startswith("assessments/")
        ),
        services_file=exists("services"),
        csfs_file=exists("csfs"),
    )
