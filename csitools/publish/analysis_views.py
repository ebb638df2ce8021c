"""What each analysis page shows, computed once from the register and its status: a
service's improvements, service levels and scorecard, the objective -> CSF -> KPI ->
improvement tree, an assessment's grid and trend. Plain data for the templates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from csitools.measure.standing import Standing, health_of, kpi_health, standing
from csitools.measure.status import ImprovementStatus, RegisterStatus
from csitools.register.catalogue import (
    PERSPECTIVES,
    Assessment,
    Catalogue,
    Csf,
    Goal,
    Objective,
    ProcessRating,
    Service,
    Swot,
)
from csitools.register.model import Improvement, Kpi, Register


@dataclass(frozen=True)
class GoalRow:
    goal: str
    kpi: Kpi | None
    standing: Standing | None


@dataclass(frozen=True)
class ServiceView:
    service: Service
    improvements: tuple[tuple[Improvement, ImprovementStatus], ...]
    sla: tuple[tuple[Kpi | None, Standing, str], ...]
    scorecard: Mapping[str, tuple[GoalRow, ...]]
    """Per perspective: the service's goals, then its other KPIs of that perspective."""
    kpis: tuple[Kpi, ...]
    assessment: Assessment | None
    swots: tuple[Swot, ...]
    organisation_wide: bool
    """Whether the assessment and SWOT shown are the organisation's, not the service's."""

    @property
    def health(self) -> str | None:
        return health_of(st.health for _, st in self.improvements)

    @property
    def sla_met(self) -> tuple[int, int]:
        measured = [st for _, st, _ in self.sla if st.met is not None]
        return sum(1 for st in measured if st.met), len(self.sla)


def service_view(reg: Register, status: RegisterStatus, service: Service) -> ServiceView:
    cat = reg.catalogue
    by_id = {s.id: s for s in status.improvements}
    imps = tuple((i, by_id[i.id]) for i in reg.improvements if cat.covers(i.services, service))
    kpi_ids = [k.id for k in reg.kpis.values() if cat.covers(k.services, service)]
    kpi_ids += [x.kpi for x in service.sla]
    kpi_ids += [g.kpi for g in service.scorecard if g.kpi is not None]
    kpis = tuple(reg.kpis[k] for k in dict.fromkeys(kpi_ids) if k in reg.kpis)

    def measured(kpi_id: str, level: float) -> tuple[Kpi | None, Standing]:
        kpi = reg.kpis.get(kpi_id)
        return kpi, standing(kpi, status.kpis.get(kpi_id), level)

    sla = tuple((*measured(s.kpi, s.target), s.note) for s in service.sla)
    scorecard = {p: _goal_rows(reg, status, service, kpis, p) for p in PERSPECTIVES}
    own_assessments = [a for a in cat.assessments if cat.covers(a.services, service)]
    own_swots = [s for s in cat.swots if cat.covers(s.services, service)]
    wide = not own_assessments and not own_swots
    assessments = own_assessments or [a for a in cat.assessments if not a.services]
    swots = own_swots or [s for s in cat.swots if not s.services]
    latest = assessments[-1] if assessments else None
    return ServiceView(service, imps, sla, scorecard, kpis, latest, tuple(swots), wide)


def _goal_rows(
    reg: Register, status: RegisterStatus, service: Service, kpis: Sequence[Kpi], perspective: str
) -> tuple[GoalRow, ...]:
    goals: list[Goal] = [g for g in service.scorecard if g.perspective == perspective]
    rows = []
    for g in goals:
        kpi = reg.kpis.get(g.kpi) if g.kpi else None
        st = None
        if kpi is not None and g.target is not None:
            st = standing(kpi, status.kpis.get(kpi.id), g.target)
        rows.append(GoalRow(g.goal, kpi, st))
    covered = {g.kpi for g in goals}
    rows += [
        GoalRow("", k, None) for k in kpis if k.perspective == perspective and k.id not in covered
    ]
    return tuple(rows)


@dataclass(frozen=True)
class KpiNode:
    kpi: Kpi
    health: str | None
    improvements: tuple[tuple[Improvement, ImprovementStatus], ...]


@dataclass(frozen=True)
class CsfNode:
    csf: Csf
    kpis: tuple[KpiNode, ...]
    others: tuple[tuple[Improvement, ImprovementStatus], ...]
    """Improvements that serve the CSF without a target on its KPIs."""

    @property
    def health(self) -> str | None:
        return health_of([*(k.health for k in self.kpis), *(st.health for _, st in self.others)])


@dataclass(frozen=True)
class ObjectiveNode:
    objective: Objective
    csfs: tuple[CsfNode, ...]

    @property
    def health(self) -> str | None:
        return health_of(n.health for n in self.csfs)


def csf_tree(reg: Register, status: RegisterStatus) -> list[ObjectiveNode]:
    """Every objective with its CSFs, in the file's order."""
    cat = reg.catalogue
    by_id = {s.id: s for s in status.improvements}
    nodes: dict[str, CsfNode] = {}
    for csf in cat.csfs:
        if csf.id in nodes:
            continue
        kpis = [k for k in reg.kpis.values() if k.csf and cat.csf(k.csf) == csf]
        serving = [i for i in reg.improvements if i.csf and cat.csf(i.csf) == csf]
        kpi_nodes = []
        targeted: set[str] = set()
        for kpi in kpis:
            imps = [
                i
                for i in reg.improvements
                if i.current_cycle is not None
                and any(t.kpi == kpi.id for t in i.current_cycle.targets)
            ]
            targeted |= {i.id for i in imps}
            statuses = [by_id[i.id] for i in imps]
            kpi_nodes.append(
                KpiNode(kpi, kpi_health(kpi.id, statuses), tuple((i, by_id[i.id]) for i in imps))
            )
        others = tuple((i, by_id[i.id]) for i in serving if i.id not in targeted)
        nodes[csf.id] = CsfNode(csf, tuple(kpi_nodes), others)
    return [
        ObjectiveNode(o, tuple(n for n in nodes.values() if n.csf.objective == o.id))
        for o in cat.objectives
    ]


def unlinked(reg: Register) -> tuple[list[Kpi], list[Improvement]]:
    """KPIs and improvements whose csf names no CSF of the tree."""
    cat = reg.catalogue
    kpis = [k for k in reg.kpis.values() if not (k.csf and cat.csf(k.csf))]
    imps = [i for i in reg.improvements if not (i.csf and cat.csf(i.csf))]
    return kpis, imps


def trend(cat: Catalogue, assessment: Assessment) -> tuple[list[Assessment], list[list[Any]]]:
    """The assessments of the same model, oldest first, and per process (in this
    assessment's order, then processes only others rated) its level in each."""
    same = [a for a in cat.assessments if a.model == assessment.model]
    names = list(dict.fromkeys(p.name for a in [assessment, *same] for p in a.processes))
    rows = []
    for name in names:
        levels = [next((p.current for p in a.processes if p.name == name), None) for a in same]
        rows.append([name, *levels])
    return same, rows


@dataclass(frozen=True)
class GridCell:
    processes: tuple[str, ...]
    vulnerable: bool
    """In the corner of important, immature processes (``ProcessRating.vulnerable``)."""


def maturity_grid(assessment: Assessment) -> list[tuple[int, list[GridCell]]]:
    """Importance 5..1 by level 0..5: the processes in each cell."""
    rows = []
    for importance in range(5, 0, -1):
        cells = []
        for level in range(6):
            names = (
                p.name
                for p in assessment.processes
                if (p.importance, p.current) == (importance, level)
            )
            corner = ProcessRating("", level, level, importance).vulnerable
            cells.append(GridCell(tuple(names), corner))
        rows.append((importance, cells))
    return rows
