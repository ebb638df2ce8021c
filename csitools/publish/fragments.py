"""The small pieces of Markdown and HTML that templates insert: badges, term and size,
values with their unit, links to KPIs, people and commits, chart images. Whatever a
user wrote goes through ``csitools.publish.markdown`` (``cell``, ``link``, ``code``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote

from markupsafe import Markup

from csitools.measure.health import HEALTH_ORDER
from csitools.measure.status import TargetStatus, baseline_origin
from csitools.publish.markdown import cell, code, link, url_path
from csitools.publish.words import forecast_date, long_date, num
from csitools.register.model import LIFECYCLE, Improvement, Kpi, Settings

if TYPE_CHECKING:
    from csitools.publish.pages import Chart


TERMS = ("short", "medium", "long")


SIZES = ("small", "medium", "large")


WATCHED_RANK = {"slipped": 1.5, "sustained": 5.5}
"""The healths of a completed entry under watch, ranked among the targets' healths
(``HEALTH_ORDER``): slipped after missed, sustained after on-track."""


def health_rank(value: str | None) -> float:
    """Worst first: where a health sorts (no health sorts as no-data)."""
    if value in WATCHED_RANK:
        return WATCHED_RANK[value]
    return float(HEALTH_ORDER.index(value or "no-data"))


HEALTHS_SHOWN = sorted([*HEALTH_ORDER, *WATCHED_RANK], key=health_rank)
"""Every health an improvement can have, worst first (the home page counts them)."""


def _sort_key(value: str | None, kind: str) -> str | None:
    """What a sortable table sorts a badge by: health worst first, lifecycle statuses
    in their order; "" (not measured) sorts last whichever way the column is sorted."""
    if kind == "health" and value in WATCHED_RANK:
        return f"{WATCHED_RANK[value]:g}"
    order = {"health": HEALTH_ORDER, "status": LIFECYCLE}.get(kind)
    if order is None:
        return None
    return str(order.index(value)) if value in order else ""


def badge(value: str | None, kind: str = "health") -> Markup:
    label = value or "not measured"
    slug = re.sub(r"[^a-z0-9-]", "-", label.lower())
    key = _sort_key(value, kind)
    sort = "" if key is None else f' data-sort="{key}"'
    return Markup(
        f'<span class="csi-badge csi-{kind} csi-{kind}--{slug}"{sort}>{cell(label)}</span>'
    )


def term_size(imp: Improvement) -> Markup:
    """Term and size ("long / large"), sorting by time scale then size, not by name."""
    key = "".join(
        str(scale.index(value)) if value in scale else "9"
        for value, scale in ((imp.term, TERMS), (imp.size, SIZES))
    )
    return Markup(f'<span data-sort="{key}">{cell(imp.term)} / {cell(imp.size)}</span>')


def with_unit(value: float | None, kpi: Kpi | None) -> str:
    """A KPI value and its unit, as the target cards write it."""
    if value is None:
        return "—"
    return f"{num(value)} {cell(kpi.unit)}" if kpi else num(value)


def baseline_from(source: str) -> str:
    """Where a cycle's baseline came from, in words, escaped for a table cell."""
    return cell(baseline_origin(source))


def forecast_note(t: TargetStatus) -> str:
    """The forecast as the target card shows it."""
    day = forecast_date(t.forecast)
    if day is None:
        return cell(t.forecast) if t.forecast else "—"
    return f"{long_date(day)}, after the due date" if day > t.due else long_date(day)


def kpi_link(kpis: Mapping[str, Kpi], kpi_id: str, base: str = "") -> Markup:
    """A KPI's name linked to its page (``base``: the path from the page to the docs
    root, such as ``../``); a KPI that no longer exists stays as its escaped id."""
    kpi = kpis.get(kpi_id)
    if kpi is None:
        return cell(kpi_id)
    return link(kpi.name, base + url_path("kpis", f"{kpi.id}.md"))


def anchor(key: str) -> str:
    """A person's or team's id as a heading anchor: letters, digits, ``.``, ``_``, ``-``."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", key)


def person_link(names: Mapping[str, str], who: str, base: str = "") -> Markup:
    """A person or team, by name, linked to their entry on the people page."""
    return link(names.get(who, who), f"{base}people.md", anchor(who))


def chart_image(chart: Chart, base: str = "") -> Markup:
    """A chart as a lazily loaded image that opens at full size."""
    target = base + url_path(*chart.path.split("/"))
    alt = cell(chart.alt)
    return Markup(f'[![{alt}]({target}){{ loading=lazy }}]({target} "Open the chart at full size")')


def edit_url(settings: Settings, path: str) -> str:
    """Where the repository's web interface edits ``path`` on the settings' branch,
    every part percent-encoded ("" without a repository URL)."""
    if not settings.repository_url:
        return ""
    branch, file = (quote(part, safe="/") for part in (settings.branch, path))
    return f"{settings.repository_url.rstrip('/')}/edit/{branch}/{file}"


def source_link(settings: Settings, path: str) -> Markup:
    """A file of the repository as code, linked to it on the settings' branch when the
    repository is known (every part percent-encoded)."""
    if not settings.repository_url:
        return code(path)
    branch, file = (quote(part, safe="/") for part in (settings.branch, path))
    return link(code(path), f"{settings.repository_url.rstrip('/')}/blob/{branch}/{file}")


def commit_link(repository_url: str, commit: str, short: str) -> Markup:
    """A commit's short id as code, linked to the commit when the repository is known."""
    if not repository_url:
        return code(short)
    return link(code(short), f"{repository_url.rstrip('/')}/commit/{quote(commit, safe='')}")
