"""The pages of the analysis around the services: the service catalogue and a page
per service, the objective -> CSF -> KPI -> improvement tree, the maturity assessments
and the SWOT analyses. Pure, like ``pages``: register and status in, Markdown out.

Nothing here adds to a register that has none of the analysis files: no page, no
navigation entry, and the helpers the shared templates call (``service_links``,
``csf_link``) write exactly what those templates wrote before the catalogue existed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from csitools.measure.standing import Standing, standing
from csitools.measure.status import RegisterStatus
from csitools.publish.analysis_views import (
    csf_tree,
    maturity_grid,
    service_view,
    trend,
    unlinked,
)
from csitools.publish.markdown import cell, link, url_path
from csitools.publish.words import num
from csitools.register.catalogue import (
    PERSPECTIVE_NAMES,
    PERSPECTIVES,
    SWOT_QUADRANTS,
    Assessment,
    Catalogue,
    Service,
)
from csitools.register.model import Kpi, Register

ANALYSIS_CSS = "assets/csi/analysis.css"
"""The analysis pages' styles: part of the site only when it has those pages."""

SECTIONS = (
    ("Services", "services/index.md"),
    ("Objectives and CSFs", "csfs.md"),
    ("Assessments", "assessments/index.md"),
    ("SWOT", "swot/index.md"),
)
"""The analysis sections' index pages and their titles in the navigation."""

QUADRANT_NAMES = {
    "strengths": ("Strengths", "internal, helpful"),
    "weaknesses": ("Weaknesses", "internal, harmful"),
    "opportunities": ("Opportunities", "external, helpful"),
    "threats": ("Threats", "external, harmful"),
}

# ---- helpers the shared templates call ---------------------------------------------


def service_page(service: Service, base: str = "") -> str:
    return base + url_path("services", f"{service.id}.md")


def service_links(cat: Catalogue, refs: Sequence[str], base: str = "") -> Markup:
    """Services as links to their pages once the catalogue exists, else as text."""
    parts = []
    for ref in refs:
        service = cat.service(ref) if cat.services_doc is not None else None
        parts.append(link(service.name, service_page(service, base)) if service else cell(ref))
    return Markup(", ".join(parts))


def csf_link(cat: Catalogue, ref: str, base: str = "") -> Markup:
    """A CSF as a link to its place in the tree once csfs.yaml exists, else as text."""
    csf = cat.csf(ref) if cat.csfs_doc is not None and ref else None
    return link(csf.name, f"{base}csfs.md", f"csf-{csf.id}") if csf else cell(ref)


def assessment_title(a: Assessment) -> str:
    return f"Maturity assessment, {a.date.day} {a.date:%b %Y}"


def assessment_link(cat: Catalogue, id_: str, base: str = "") -> Markup:
    a = cat.assessment(id_)
    if a is None:
        return cell(id_)
    return link(assessment_title(a), base + url_path("assessments", f"{a.id}.md"))


def gap_words(kpi: Kpi | None, st: Standing, versus: bool = False) -> str:
    """The gap in words, escaped: ``3.95 points short``, ``1.5 hours better``, or with
    ``versus`` the level too: ``12.4 points short of 85 %``, ``1.5 hours better than
    8 hours``. Percentage points for a KPI in %."""
    if st.gap is None or kpi is None:
        return "no data"
    level = f"{num(st.level)} {cell(kpi.unit)}"
    if st.gap == 0:
        return f"at {level}" if versus else "on the level"
    unit = " points" if kpi.unit == "%" else f" {cell(kpi.unit)}"
    words = f"{num(abs(st.gap))}{unit} {'better' if st.gap > 0 else 'short'}"
    if versus:
        words += f" {'than' if st.gap > 0 else 'of'} {level}"
    return words


def met_badge(st: Standing) -> Markup:
    word = {True: "met", False: "not met", None: "no data"}[st.met]
    slug = word.replace(" ", "-")
    key = {True: "1", False: "0", None: ""}[st.met]
    badge = f'<span class="csi-badge csi-met csi-met--{slug}" data-sort="{key}">{word}</span>'
    return Markup(badge)


def helpers(reg: Register, status: RegisterStatus) -> dict[str, Any]:
    """What the shared templates (improvement, KPI, register, scorecard) ask of the
    analysis; with no analysis files each writes what those templates always wrote."""
    cat = reg.catalogue

    def benchmark_gaps(kpi: Kpi) -> list[tuple[Any, Standing]]:
        ks = status.kpis.get(kpi.id)
        return [(b, standing(kpi, ks, b.value)) for b in kpi.benchmarks]

    def slas_on(kpi_id: str) -> list[tuple[Service, Standing]]:
        kpi = reg.kpis.get(kpi_id)
        ks = status.kpis.get(kpi_id)
        return [
            (s, standing(kpi, ks, sla.target))
            for s in cat.services
            for sla in s.sla
            if sla.kpi == kpi_id
        ]

    return {
        "catalogue": cat,
        "service_links": lambda refs, base="": service_links(cat, refs, base),
        "csf_link": lambda ref, base="": csf_link(cat, ref, base),
        "assessment_link": lambda id_, base="": assessment_link(cat, id_, base),
        "benchmark_gaps": benchmark_gaps,
        "slas_on": slas_on,
        "gap_words": gap_words,
        "met_badge": met_badge,
        "service_page": service_page,
    }


# ---- the pages ------------------------------------------------------------------------


def analysis_rows(reg: Register, status: RegisterStatus) -> list[tuple[str, str, dict[str, Any]]]:
    """Rows of ``pages.page_table`` for the analysis files the register has (none
    without them)."""
    cat = reg.catalogue
    rows: list[tuple[str, str, dict[str, Any]]] = []
    extra = page_context()
    if cat.services_file:
        views = [service_view(reg, status, s) for s in cat.services]
        rows.append(("services/index.md", "services", {**extra, "views": views}))
        rows += [(f"services/{v.service.id}.md", "service", {**extra, "view": v}) for v in views]
    if cat.csfs_file:
        kpis, imps = unlinked(reg)
        tree = csf_tree(reg, status)
        context = {"tree": tree, "unlinked_kpis": kpis, "unlinked_imps": imps}
        rows.append(("csfs.md", "csfs", {**extra, **context}))
    if cat.assessments:
        rows.append(("assessments/index.md", "assessments", extra))
        for a in cat.assessments:
            same, levels = trend(cat, a)
            context = {
                "a": a,
                "title": assessment_title(a),
                "grid": maturity_grid(a),
                "same": same,
                "rows": levels,
                "raised": [i for i in reg.improvements if i.assessment == a.id],
            }
            rows.append((f"assessments/{a.id}.md", "assessment", {**extra, **context}))
    if cat.swots:
        rows.append(("swot/index.md", "swots", {**extra, "quadrants": QUADRANT_NAMES}))
        for swot in cat.swots:
            context = {"swot": swot, "quadrants": QUADRANT_NAMES, "order": SWOT_QUADRANTS}
            rows.append((f"swot/{swot.id}.md", "swot", {**extra, **context}))
    return rows


def page_context() -> dict[str, Any]:
    """Names every analysis template may use."""
    return {
        "perspective_keys": PERSPECTIVES,
        "perspective_names": PERSPECTIVE_NAMES,
        "assessment_title": assessment_title,
        # A node of the CSF tree with no open target below it has no health: say so.
        "no_target": Markup(
            '<span class="csi-badge csi-health csi-health--none">no open target</span>'
        ),
    }


def with_analysis_nav(nav: list[Any] | None, pages: Mapping[str, str]) -> list[Any] | None:
    """The site's navigation with the analysis sections the pages have, after the
    balanced scorecard (or at the end), unless the navigation names them already.
    None (MkDocs lists every page) stays None."""
    if nav is None:
        return None
    named = _nav_pages(nav)
    extra = [{title: page} for title, page in SECTIONS if page in pages and page not in named]
    if not extra:
        return nav
    at = next((i + 1 for i, item in enumerate(nav) if "scorecard.md" in _nav_pages([item])), None)
    at = len(nav) if at is None else at
    return [*nav[:at], *extra, *nav[at:]]


def _nav_pages(nav: Sequence[Any]) -> set[str]:
    out: set[str] = set()
    for item in nav:
        if isinstance(item, str):
            out.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                out |= _nav_pages(value) if isinstance(value, list) else {str(value)}
    return out
