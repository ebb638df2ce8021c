"""Rules across the analysis files: the service catalogue, objectives and CSFs,
assessments and SWOT, and the references entries and KPIs make to them.

A reference to a service or a CSF is checked only once its file lists one (and is
valid): before that, ``services`` and ``csf`` are free text, as they always were, so a
register started by ``csi init`` (whose files are empty) takes any text until its
catalogue begins.
Like ``checks``, every rule returns Problems and never raises.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from csitools.problems import Problem, Where, json_path
from csitools.register.catalogue import Assessment, Catalogue, Swot
from csitools.register.documents import Document
from csitools.register.model import Register

MAX_KPIS_PER_CSF = 3
"""ITIL: two to three KPIs per CSF; more dilutes the focus."""

_DATED = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")

SERVICES = "register/services.yaml"
CSFS = "register/csfs.yaml"


def _at(doc: Document | None, path: str, where: Where, message: str, warn: bool = False) -> Problem:
    line = doc.line(where) if doc is not None else 0
    return Problem(path, line, json_path(where), message, "warning" if warn else "error")


def _suggest(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, case aside."""
    known = list(dict.fromkeys(known))
    lowered = {k.lower(): k for k in known}
    near = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[near[0]]!r}?)" if near else ""


_NOUNS = {"services": "service", "objectives": "objective", "csfs": "CSF"}


def _duplicates(
    doc: Document, key: str, items: Sequence[Mapping[str, Any]], field: str
) -> Iterator[Problem]:
    first: dict[str, Where] = {}  # lines are looked up only for a problem (they cost)
    for i, item in enumerate(items):
        value = item[field]
        if value in first:
            yield _at(
                doc,
                doc.path,
                (key, i, field),
                f"{field} {value!r} is already used on line {doc.line(first[value])}; "
                f"each {_NOUNS[key]} needs its own {field}",
            )
        else:
            first[value] = (key, i, field)


def _person(reg: Register, doc: Document, where: Where, who: str) -> Iterator[Problem]:
    if reg.people_doc is not None and who not in reg.people:
        yield _at(
            doc,
            doc.path,
            where,
            f"{who!r} is not in {reg.people_doc.path}{_suggest(who, reg.people)}; "
            "add them there or fix the id",
        )


def _kpi(reg: Register, doc: Document, where: Where, kpi: str) -> Iterator[Problem]:
    if kpi not in reg.kpis and kpi not in reg.unusable:
        yield _at(
            doc,
            doc.path,
            where,
            f"KPI {kpi!r} does not exist{_suggest(kpi, reg.kpis)}; "
            f"define it in kpis/{kpi}.yaml or fix the id",
        )


def check_services_file(reg: Register) -> Iterator[Problem]:
    cat = reg.catalogue
    doc = cat.services_doc
    if doc is None:
        return
    items = doc.data["services"]
    yield from _duplicates(doc, "services", items, "id")
    yield from _duplicates(doc, "services", items, "name")
    ids = {s.id for s in cat.services}
    for service in cat.services:
        here: Where = ("services", service.index)
        if service.name in ids and service.name != service.id:
            yield _at(
                doc,
                doc.path,
                (*here, "name"),
                f"name {service.name!r} is the id of another service, so references to it "
                "would be ambiguous; rename one of them",
            )
        yield from _person(reg, doc, (*here, "owner"), service.owner)
        for i, sla in enumerate(service.sla):
            yield from _kpi(reg, doc, (*here, "sla", i, "kpi"), sla.kpi)
        for i, goal in enumerate(service.scorecard):
            if goal.kpi is not None:
                yield from _kpi(reg, doc, (*here, "scorecard", i, "kpi"), goal.kpi)


def _service_refs(reg: Register) -> Iterator[tuple[Document | None, str, Where, str]]:
    """(document, path, where, reference) for every service reference in the register."""
    for imp in reg.improvements:
        for i, ref in enumerate(imp.services):
            yield imp.doc, imp.path, ("services", i), ref
    for kpi in reg.kpis.values():
        for i, ref in enumerate(kpi.services):
            yield kpi.doc, kpi.path, ("services", i), ref
    analyses: list[Assessment | Swot] = [*reg.catalogue.assessments, *reg.catalogue.swots]
    for item in analyses:
        for i, ref in enumerate(item.services):
            yield item.doc, item.path, ("services", i), ref
    for review in reg.reviews:
        for i, ref in enumerate(review.services):
            yield review.doc, review.path, ("services", i), ref


def check_service_references(reg: Register) -> Iterator[Problem]:
    cat = reg.catalogue
    if cat.services_doc is None or not cat.services:
        return
    known = [name for s in cat.services for name in (s.id, s.name)]
    for doc, path, where, ref in _service_refs(reg):
        if cat.service(ref) is None:
            yield _at(
                doc,
                path,
                where,
                f"service {ref!r} is not in {SERVICES}{_suggest(ref, known)}; name a "
                "service by its id or exact name, or add it to the catalogue",
            )


def check_csfs_file(reg: Register) -> Iterator[Problem]:
    cat = reg.catalogue
    doc = cat.csfs_doc
    if doc is None:
        return
    yield from _duplicates(doc, "objectives", doc.data["objectives"], "id")
    yield from _duplicates(doc, "csfs", doc.data["csfs"], "id")
    objectives = [o.id for o in cat.objectives]
    for objective in cat.objectives:
        yield from _person(reg, doc, ("objectives", objective.index, "owner"), objective.owner)
    for csf in cat.csfs:
        here: Where = ("csfs", csf.index)
        yield from _person(reg, doc, (*here, "owner"), csf.owner)
        if csf.objective not in objectives:
            yield _at(
                doc,
                doc.path,
                (*here, "objective"),
                f"objective {csf.objective!r} is not under objectives"
                f"{_suggest(csf.objective, objectives)}; add it there or fix the id",
            )


def check_csf_references(reg: Register) -> Iterator[Problem]:
    cat = reg.catalogue
    if cat.csfs_doc is None or not cat.csfs:
        return
    known = [name for c in cat.csfs for name in (c.id, c.name)]
    refs = [(imp.doc, imp.path, imp.csf) for imp in reg.improvements]
    refs += [(kpi.doc, kpi.path, kpi.csf) for kpi in reg.kpis.values()]
    for doc, path, ref in refs:
        if ref and cat.csf(ref) is None:
            yield _at(
                doc,
                path,
                ("csf",),
                f"CSF {ref!r} is not in {CSFS}{_suggest(ref, known)}; name a CSF by its "
                "id or exact name, or add it there",
            )


def check_kpis_per_csf(reg: Register) -> Iterator[Problem]:
    """ITIL's two to three KPIs per CSF, as warnings: none leaves the CSF unmeasured,
    more than three dilutes the focus."""
    cat = reg.catalogue
    doc = cat.csfs_doc
    if doc is None:
        return
    seen: set[str] = set()
    for csf in cat.csfs:
        if csf.id in seen:  # a second CSF of the same id is an error reported apart
            continue
        seen.add(csf.id)
        kpis = [k.id for k in reg.kpis.values() if k.csf and cat.csf(k.csf) == csf]
        where: Where = ("csfs", csf.index, "id")
        if not kpis:
            yield _at(
                doc,
                doc.path,
                where,
                f"no KPI measures CSF {csf.id!r}; give it two or three (csf: {csf.id} in "
                "their kpis/<id>.yaml)",
                warn=True,
            )
        elif len(kpis) > MAX_KPIS_PER_CSF:
            yield _at(
                doc,
                doc.path,
                where,
                f"CSF {csf.id!r} is measured by {len(kpis)} KPIs ({', '.join(kpis)}); ITIL "
                "advises two to three per CSF, so keep the ones that matter most",
                warn=True,
            )


def check_assessments(reg: Register) -> Iterator[Problem]:
    cat: Catalogue = reg.catalogue
    for a in cat.assessments:
        prefix = a.id[:10]
        # A file name without a date is reported by the loader; a date to compare with
        # is the one it starts with.
        if _DATED.match(a.id) and a.date.isoformat() != prefix:
            yield _at(
                a.doc,
                a.path,
                ("date",),
                f"date {a.date} does not match the file name, which starts {prefix}; "
                "rename the file or fix the date",
            )
        first: dict[str, Where] = {}
        for i, p in enumerate(a.processes):
            if p.name in first and a.doc is not None:
                yield _at(
                    a.doc,
                    a.path,
                    ("processes", i, "name"),
                    f"process {p.name!r} is assessed already on line "
                    f"{a.doc.line(first[p.name])}; rate each process once",
                )
            elif a.doc is not None:
                first[p.name] = ("processes", i, "name")
    known = [a.id for a in cat.assessments]
    for imp in reg.improvements:
        # An assessment file that exists but is broken is reported on its own.
        if imp.assessment and imp.assessment not in cat.unusable_assessments:
            if cat.assessment(imp.assessment) is not None:
                continue
            yield _at(
                imp.doc,
                imp.path,
                ("assessment",),
                f"assessment {imp.assessment!r} is not in assessments/"
                f"{_suggest(imp.assessment, known)}; name the file of the assessment "
                "without .yaml",
            )


def check_swots(reg: Register) -> Iterator[Problem]:
    ids = {imp.id for imp in reg.improvements} | reg.unusable
    for swot in reg.catalogue.swots:
        for quadrant in ("strengths", "weaknesses", "opportunities", "threats"):
            for i, item in enumerate(swot.quadrant(quadrant)):
                for j, ref in enumerate(item.improvements):
                    if ref not in ids:
                        yield _at(
                            swot.doc,
                            swot.path,
                            (quadrant, i, "improvements", j),
                            f"{ref} is not in the register{_suggest(ref, ids)}; fix the id "
                            "or remove it",
                        )


RULES = (
    check_services_file,
    check_service_references,
    check_csfs_file,
    check_csf_references,
    check_kpis_per_csf,
    check_assessments,
    check_swots,
)
