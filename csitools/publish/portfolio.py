"""The portfolio views: what the register table filters by, and progress bars.

Each row of the register table carries its facets (lifecycle, health, service, owner,
lane) as empty marked spans; ``assets/csi.js`` builds the filters from them, so a page
read without JavaScript shows the whole table and no control that does nothing. Home
page counts link to the register filtered by the same names (``?health=at-risk``).
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from csitools.measure.health import HEALTH_ORDER
from csitools.measure.status import ImprovementStatus, TargetStatus
from csitools.publish.markdown import cell
from csitools.publish.words import pct
from csitools.register.model import LIFECYCLE, Improvement

FACETS = ("status", "health", "service", "owner", "lane")
"""The URL parameters of a filtered register, in the order the filters show."""

LANES = ("quick-win", "strategic", "other")
NOT_MEASURED = "not-measured"
"""The health facet's value for an entry that is not measured (proposed, deferred...)."""

STEP = 5
"""Bars are drawn in steps of 5 %: one class per step (``csi-w-35``), no inline style."""


def _facet(name: str, value: str, label: str, order: int | None = None) -> str:
    sort = "" if order is None else f' data-sort="{order:02d}"'
    return (
        f'<span class="csi-facet" data-facet="{name}" data-value="{cell(value)}"'
        f' data-label="{cell(label)}"{sort}></span>'
    )


def _ordered(value: str, order: tuple[str, ...]) -> int:
    return order.index(value) if value in order else len(order)


def row_facets(imp: Improvement, st: ImprovementStatus, names: Mapping[str, str]) -> Markup:
    """The facets of one register row, as empty spans the filters read."""
    health = st.health or NOT_MEASURED
    health_order = (*HEALTH_ORDER, NOT_MEASURED)
    parts = [
        _facet("status", imp.status, imp.status, _ordered(imp.status, LIFECYCLE)),
        _facet("health", health, health.replace("-", " "), _ordered(health, health_order)),
        *(_facet("service", s, s) for s in imp.services),
        _facet("owner", imp.owner, names.get(imp.owner, imp.owner)),
        _facet("lane", st.lane, st.lane.replace("-", " "), _ordered(st.lane, LANES)),
    ]
    return Markup("".join(parts))


def filter_query(facet: str, value: str | None) -> str:
    """The query of the register filtered by one facet: ``?health=at-risk``."""
    return f"?{facet}={value or NOT_MEASURED}"


def _step(share: float) -> int:
    clipped = min(max(share, 0.0), 1.0)
    return int(round(clipped * 100 / STEP) * STEP)


def progress_bar(t: TargetStatus) -> Markup:
    """A target's progress against the time gone: a bar filled to the progress, a tick
    at the share of the time elapsed, and both in words beside it."""
    if t.progress is None:
        words = f"no data · {pct(t.elapsed)} of time gone"
        done = '<span class="csi-progress__done csi-w-0"></span>'
    else:
        words = f"{pct(t.progress)} done · {pct(t.elapsed)} of time gone"
        done = f'<span class="csi-progress__done csi-w-{_step(t.progress)}"></span>'
    tick = f'<span class="csi-progress__time csi-at-{_step(t.elapsed)}"></span>'
    return Markup(
        f'<span class="csi-progress csi-progress--{cell(t.health)}" title="{words}">'
        f'<span class="csi-progress__bar">{done}{tick}</span>'
        f'<span class="csi-progress__text">{words}</span></span>'
    )
