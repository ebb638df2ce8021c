"""Register + status -> ``{page path: markdown}``: the published register's pages.

Pure: no file is read or written here. The MkDocs plugin hands the pages to MkDocs;
tests compare them with golden files. Pages come from Jinja2 templates under
``csitools/publish/templates/csi/``; a register can override any of them by putting a file of
the same name under ``site_config/overrides/csi/``.

Everything a contributor, a setting or git wrote reaches the page through the filters
of ``csitools.publish.markdown`` (``cell``, ``safe_md``, ``code``, ``link`` ...), and
each page's front matter is written by ``front_matter``, so no field can inject markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import jinja2

from csitools.history.asof import StatusThen
from csitools.history.git import HistoryUnavailable
from csitools.history.revisions import History, changelog, status_timeline
from csitools.measure.gaps import named
from csitools.measure.priority import LANES
from csitools.measure.status import (
    ImprovementStatus,
    RegisterStatus,
    TargetStatus,
)
from csitools.publish.audit import (
    TRACKED_WORDS,
    Words,
    changelog_rows,
    created_with,
    first_recorded,
    revision_words,
)
from csitools.publish.benefits import VALUE_WORDS, benefits_context, months, portfolio
from csitools.publish.chartdata import DataTable
from csitools.publish.downloads import REGISTER_CSV, REGISTER_JSON, kpi_csv
from csitools.publish.fragments import (
    HEALTHS_SHOWN,
    anchor,
    badge,
    baseline_from,
    chart_image,
    commit_link,
    edit_url,
    forecast_note,
    health_rank,
    kpi_link,
    person_link,
    source_link,
    term_size,
    with_unit,
)
from csitools.publish.markdown import (
    cell,
    code,
    front_matter,
    https_link,
    link,
    mailto,
    safe_md,
)
from csitools.publish.portfolio import filter_query, progress_bar, row_facets
from csitools.publish.raci import involvement, parts, raci_matrix
from csitools.publish.reviewpages import (
    ReviewViews,
    pack_context,
    review_rows,
    review_views,
    template_globals,
)
from csitools.publish.servicepages import analysis_rows
from csitools.publish.servicepages import helpers as analysis_helpers
from csitools.publish.summaries import as_of_line, dated, status_box
from csitools.publish.words import (
    LANE_NAMES,
    change_word,
    contributors_note,
    cycle_outcome,
    cycle_result,
    health_box,
    held_note,
    improvement_tensions,
    long_date,
    money,
    num,
    pct,
    period_last_day,
    period_name,
    reason,
    since_note,
    sustain_summary,
    trend,
)
from csitools.register.catalogue import PERSPECTIVE_NAMES, PERSPECTIVES
from csitools.register.model import LIFECYCLE, Improvement, Kpi, Register

ATTENTION = ("regressed", "missed", "slipped", "at-risk", "stale")
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class Chart:
    """A rendered chart the pages may show: its site path, text alternative and the
    table of its data (a table per panel)."""

    path: str
    alt: str
    tables: tuple[DataTable, ...] = ()

    @property
    def has_data(self) -> bool:
        return any(table.rows for table in self.tables)


def _environment(overrides: Path | None, compiled: Path | None = None) -> jinja2.Environment:
    """The templates (a register's overrides first), compiled once per user into the
    folder ``compiled`` when given (Jinja recompiles a template whose text changed)."""
    loaders: list[jinja2.BaseLoader] = []
    if overrides is not None and overrides.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(overrides)))
    loaders.append(jinja2.PackageLoader("csitools.publish", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
        autoescape=False,  # Markdown, not HTML: every value goes through a filter
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        safe_md=safe_md,
        cell=cell,
        code=code,
        anchor=anchor,
        pct=pct,
        num=num,
        money=money,
        long_date=long_date,
        badge=badge,
        last_day=period_last_day,
        term_size=term_size,
        reference=https_link,
        mailto=mailto,
        baseline_from=baseline_from,
        forecast_note=forecast_note,
        period_name=period_name,
        months=months,
    )
    env.globals.update(since_note=since_note, period_name=period_name, trend=trend, **VALUE_WORDS)
    env.globals.update(contributors_note=contributors_note, gaps_named=named)
    env.globals.update(health_box=health_box, change_word=change_word)
    env.globals.update(cycle_outcome=cycle_outcome, cycle_result=cycle_result)
    env.globals.update(sustain_summary=sustain_summary, held_note=held_note)
    env.globals.update(front_matter=front_matter, link=link, chart_image=chart_image)
    env.globals.update(kpi_csv=kpi_csv, register_csv=REGISTER_CSV, register_json=REGISTER_JSON)
    return env


@dataclass(frozen=True)
class Site:
    """What every page may show: the register, its status and history, and the charts."""

    reg: Register
    status: RegisterStatus
    charts: Mapping[str, Chart]
    history: History | HistoryUnavailable | None
    then: Mapping[date, StatusThen]
    """The status as of each review date (``history.asof.statuses_then``)."""

    @cached_property
    def by_id(self) -> dict[str, ImprovementStatus]:
        return {s.id: s for s in self.status.improvements}

    @cached_property
    def targets(self) -> list[tuple[Improvement, TargetStatus]]:
        """The open-cycle targets of the measured entries."""
        return [(imp, t) for imp in self.reg.improvements for t in self.by_id[imp.id].targets]

    @cached_property
    def views(self) -> ReviewViews:
        return review_views(self.reg, self.status, self.then)

    @cached_property
    def created(self) -> Counter[str]:
        """How many entries and KPIs each commit created."""
        return created_with(self.history) if isinstance(self.history, History) else Counter()

    @cached_property
    def names(self) -> dict[str, str]:
        reg = self.reg
        return {p.id: p.name for p in reg.people.values()} | {
            t.id: t.name for t in reg.teams.values()
        }


PageRow = tuple[str, str, Mapping[str, Any]]
"""One generated page: its path in the docs, its template under templates/csi/ (without
.md.j2), and what its template reads beyond what every page does."""


def page_table(site: Site) -> list[PageRow]:
    """Every generated page, in the order the site lists them: add a page by adding a
    row (and its template)."""
    reg = site.reg
    return [
        ("index.md", "home", _home(site)),
        ("register/index.md", "register", {}),
        *(
            (f"improvements/{imp.id}.md", "improvement", _improvement(site, imp))
            for imp in reg.improvements
        ),
        ("kpis/index.md", "kpis", {}),
        *((f"kpis/{kpi.id}.md", "kpi", _kpi(site, kpi)) for kpi in reg.kpis.values()),
        ("scorecard.md", "scorecard", {}),
        ("benefits.md", "benefits", benefits_context(reg, site.status)),
        ("people.md", "people", {"involvement": involvement(reg), "parts": parts(reg)}),
        ("changelog.md", "changelog", {"months": _months(site)}),
        ("review.md", "review", _review(site)),
        *review_rows(site.views),
        *analysis_rows(reg, site.status),
    ]


def _home(site: Site) -> dict[str, Any]:
    by_id = site.by_id
    ranked = sorted(
        (i for i in site.reg.improvements if i.status in ("proposed", "approved")),
        key=lambda i: (-by_id[i.id].score, i.id),
    )
    attention = [
        (imp, by_id[imp.id])
        for imp in site.reg.improvements
        if by_id[imp.id].health in ATTENTION or by_id[imp.id].flags
    ]
    attention.sort(key=lambda pair: (health_rank(pair[1].health), pair[0].id))
    return {"ranked": ranked, "attention": attention, "whole": portfolio(site.reg, site.status)}


def _improvement(site: Site, imp: Improvement) -> dict[str, Any]:
    parties, raci_rows = raci_matrix(imp)
    history = site.history
    revisions = history.of(imp.path) if isinstance(history, History) else ()
    return {
        "imp": imp,
        "st": site.by_id[imp.id],
        "parties": parties,
        "raci_rows": raci_rows,
        "revisions": revisions,
        "timeline": status_timeline(revisions) if revisions else [],
        "recorded": first_recorded(revisions, imp.raised_on, site.created),
        "box": status_box(
            imp, site.by_id[imp.id], site.views.decisions_of(imp.id), site.reg.kpis, site.names
        ),
    }


def _kpi(site: Site, kpi: Kpi) -> dict[str, Any]:
    """A KPI, its status, and the targets on it in every cycle of every entry."""
    users = [
        (imp, c, t)
        for imp in site.reg.improvements
        for c in imp.cycles
        for t in c.targets
        if t.kpi == kpi.id
    ]
    return {"kpi": kpi, "ks": site.status.kpis[kpi.id], "users": users}


def _months(site: Site) -> dict[str, list[object]]:
    """The changelog's rows by month, newest first (an import's creations in one row)."""
    months: dict[str, list[object]] = {}
    items = changelog(site.history) if isinstance(site.history, History) else []
    for row in changelog_rows(items, site.created):
        months.setdefault(f"{row.revision.date:%B %Y}", []).append(row)
    return months


def _review(site: Site) -> dict[str, Any]:
    as_of, kpis, targets = site.status.as_of, site.status.kpis.values(), site.targets
    soon = as_of + timedelta(days=DUE_SOON_DAYS)
    return {
        "troubled": [(i, t) for i, t in targets if t.health in ("at-risk", "missed", "regressed")],
        "stale": [k for k in kpis if k.stale],
        "breaches": [k for k in kpis if k.threshold_breach],
        "due_soon": [(i, t) for i, t in targets if as_of <= t.due <= soon],
        "tension": [(i, t) for i, t in targets if "tension" in t.flags],
        "soon": soon,
        **pack_context(site.views),
    }


def _common(site: Site) -> dict[str, Any]:
    """What every page's template reads."""
    reg, history, names = site.reg, site.history, site.names
    dependents: dict[str, list[Improvement]] = {}
    for imp in reg.improvements:
        for dep in imp.depends_on:
            dependents.setdefault(dep, []).append(imp)
    return dict(
        **template_globals(site.views),
        dependents=dependents,
        reg=reg,
        settings=reg.settings,
        status=site.status,
        by_id=site.by_id,
        as_of=site.status.as_of,
        charts=site.charts,
        names=names,
        health_order=HEALTHS_SHOWN,
        lifecycle=LIFECYCLE,
        lanes=[(lane, LANE_NAMES[lane]) for lane in LANES],
        perspectives=[(p, PERSPECTIVE_NAMES[p]) for p in PERSPECTIVES],
        reason=reason,
        kpi_link=lambda kpi_id, base="": kpi_link(reg.kpis, kpi_id, base),
        with_unit=with_unit,
        tensions_of=improvement_tensions,
        improvements={imp.id: imp for imp in reg.improvements},
        history=history if isinstance(history, History) else None,
        history_gap=history.reason if isinstance(history, HistoryUnavailable) else None,
        person=lambda who, base="": person_link(names, who, base),
        commit_link=lambda rev: commit_link(reg.settings.repository_url, rev.commit, rev.short),
        change_words=partial(revision_words, Words(reg.kpis, names)),
        tracked_words=TRACKED_WORDS,
        edit_url=lambda imp: edit_url(reg.settings, imp.path),
        source_link=lambda path: source_link(reg.settings, path),
        **analysis_helpers(reg, site.status),
        row_facets=lambda imp, st: row_facets(imp, st, names),
        filter_query=filter_query,
        progress_bar=progress_bar,
    )


def build_pages(
    reg: Register,
    status: RegisterStatus,
    charts: Mapping[str, Chart],
    overrides: Path | None = None,
    history: History | HistoryUnavailable | None = None,
    then: Mapping[date, StatusThen] | None = None,
    compiled: Path | None = None,
) -> dict[str, str]:
    """Every generated page of the site: ``{docs-relative path: markdown}``, one per row
    of ``page_table``; ``compiled`` is a folder to keep the compiled templates in.

    ``history`` (from ``csitools.history.revisions.load_history``) adds a History section to
    each improvement and the Changelog page; when git history is unavailable they say
    why instead. ``then`` (from ``csitools.history.asof.statuses_then``) holds the
    status as of each review date, for the meetings' pages and the review pack."""
    env = _environment(overrides, compiled)
    site = Site(reg, status, charts, history, then or {})
    common = _common(site)
    line = _as_of_line(site)
    return {
        path: dated(env.get_template(f"csi/{template}.md.j2").render(**common, **context), line)
        for path, template, context in page_table(site)
    }


def _as_of_line(site: Site) -> str:
    """What every page says under its title: the as-of date and the commit."""
    history, head, length = site.history, None, 7
    if isinstance(history, History) and history.head:
        head = history.head
        shorts = [revs[0].short for revs in history.entries.values() if revs]
        length = len(shorts[0]) if shorts else length
    return as_of_line(site.status.as_of, head, length, site.reg.settings.repository_url)
