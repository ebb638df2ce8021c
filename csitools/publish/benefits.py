"""What the site says about value: the Benefits page, each improvement's value card and
the home page's headline figures.

The figures come from ``measure.value`` (one definition); this module only groups them
and words them. Nothing here touches a contributor's text: the templates escape names,
services and evidence with the page filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from csitools.measure.status import ImprovementStatus, RegisterStatus
from csitools.measure.value import Value, combine
from csitools.publish.words import money, num, pct
from csitools.register.model import Improvement, Kpi, Register

COUNTED = ("approved", "in-progress", "measuring", "completed")
"""The lifecycle statuses whose value counts in the totals: committed work."""

ROI_LABEL = "First-year ROI"
"""The one name of the ROI on every page: a year's benefit against the one-off cost
plus a year's running cost."""

PERSPECTIVES = {
    "customer": "Customer",
    "internal": "Internal processes",
    "learning": "Learning and growth",
    "financial": "Financial",
}
LANES = {"quick-win": "Quick wins", "strategic": "Strategic", "other": "Other"}

DERIVED = ("no expected benefit", "no realised benefit")
"""Reasons that only repeat the benefit's own: the benefit's row already says why."""


def roi_label(kind: str = "") -> str:
    """'First-year ROI', or with the kind: 'First-year ROI, expected'."""
    return f"{ROI_LABEL}, {kind}" if kind else ROI_LABEL


def months(value: float | None) -> str:
    """A payback in words: '2.3 months', '1 month', 'at once'."""
    if value is None:
        return "—"
    if value < 0.05:
        return "at once"
    text = f"{value:,.1f}".removesuffix(".0")
    return f"{text} month" if text == "1" else f"{text} months"


def figure(v: Value, name: str) -> str:
    """A value figure as a page shows it: an amount, a percentage or months, or "—"
    (``notes`` says why)."""
    amount = getattr(v, name)
    if amount is None:
        return "—"
    if name.startswith("roi_"):
        return pct(amount)
    if name.startswith("payback_"):
        return months(amount)
    return money(amount, v.currency)


def notes(v: Value) -> list[tuple[str, str]]:
    """(label, reason) for each ROI and payback that cannot be worked out for a reason
    of its own (not only because the benefit is missing: the benefit's line says why)."""
    out = []
    for kind in ("expected", "realised"):
        for name, label in (
            (f"roi_{kind}", roi_label(kind)),
            (f"payback_months_{kind}", f"Payback, {kind}"),
        ):
            why = v.reasons.get(name)
            if getattr(v, name) is None and why and why not in DERIVED:
                out.append((label, why))
    return out


def sortable_money(amount: float | None, currency: str = "") -> str:
    """An amount for a sortable table: '16.75 M' sorts by 16750000, not by 16.75."""
    if amount is None:
        return "—"
    return f'<span data-sort="{amount:.2f}">{money(amount, currency)}</span>'


def has_value(imp: Improvement, v: Value) -> bool:
    """Whether an entry says anything about money coming back: a financial benefit or
    recorded realised benefits."""
    return imp.financial is not None or bool(imp.realised) or v.realised_annual is not None


def unit_words(kpi: Kpi | None) -> str:
    """The unit improvements are counted in: 'points' for a percentage."""
    if kpi is None:
        return "units"
    return "points" if kpi.unit == "%" else kpi.unit


def gap(units: float | None, kpi: Kpi | None) -> str:
    """An improvement over the agreed baseline in words, in the KPI's direction:
    '10 points above', '22,800 contacts below', '1.5 hours worse than'."""
    if units is None or kpi is None:
        return ""
    unit = unit_words(kpi)
    if units < 0:
        return f"{num(-units)} {unit} worse than"
    if units == 0:
        return "no better than"
    return f"{num(units)} {unit} {'below' if kpi.direction == 'decrease' else 'above'}"


@dataclass(frozen=True)
class Total:
    """One row of a totals table: a group's name, its improvements and their value."""

    name: str
    ids: tuple[str, ...]
    value: Value


def counted(reg: Register, status: RegisterStatus) -> list[tuple[Improvement, ImprovementStatus]]:
    """The committed improvements, with amounts in the register's currency."""
    by_id = {s.id: s for s in status.improvements}
    return [
        (imp, by_id[imp.id])
        for imp in reg.improvements
        if imp.status in COUNTED and by_id[imp.id].value.currency == reg.settings.currency
    ]


def portfolio(reg: Register, status: RegisterStatus) -> Value:
    """The value of all committed improvements together."""
    return combine((st.value for _, st in counted(reg, status)), reg.settings.currency)


def services_of(imp: Improvement, reg: Register) -> list[str]:
    """The services an improvement names, by their catalogue name when
    register/services.yaml knows them (an entry may name a service by id)."""
    names = []
    for ref in imp.services:
        service = reg.catalogue.service(ref)
        names.append(service.name if service else ref)
    return names or ["no service"]


def perspectives_of(imp: Improvement, kpis: dict[str, Kpi] | None = None) -> list[str]:
    """The balanced-scorecard perspectives an improvement serves: its per-unit KPI's,
    else those of its current cycle's target KPIs."""
    kpis = kpis or {}
    if imp.per_unit is not None:
        ids = [imp.per_unit.kpi]
    else:
        ids = [t.kpi for t in imp.current_cycle.targets] if imp.current_cycle else []
    found = [kpis[k].perspective for k in ids if k in kpis]
    return [p for p in PERSPECTIVES if p in found] or ["none"]


def totals_by(
    pairs: Iterable[tuple[Improvement, ImprovementStatus]],
    groups: Callable[[Improvement, ImprovementStatus], Iterable[str]],
    currency: str,
) -> list[Total]:
    """The value of each group (an improvement in several groups counts in each), in
    order of expected benefit, largest first."""
    members: dict[str, list[tuple[Improvement, ImprovementStatus]]] = {}
    for imp, st in pairs:
        for name in dict.fromkeys(groups(imp, st)):
            members.setdefault(name, []).append((imp, st))
    totals = [
        Total(name, tuple(i.id for i, _ in found), combine((s.value for _, s in found), currency))
        for name, found in members.items()
    ]
    return sorted(totals, key=lambda t: (-(t.value.expected_annual or 0), t.name))


def benefits_context(reg: Register, status: RegisterStatus) -> dict[str, object]:
    """What the Benefits page shows."""
    pairs = counted(reg, status)
    currency = reg.settings.currency
    kpis = dict(reg.kpis)
    by_id = {s.id: s for s in status.improvements}
    return {
        "whole": portfolio(reg, status),
        "counted_ids": [imp.id for imp, _ in pairs],
        "valued": [
            (imp, by_id[imp.id]) for imp in reg.improvements if has_value(imp, by_id[imp.id].value)
        ],
        "unvalued": [imp for imp in reg.improvements if not has_value(imp, by_id[imp.id].value)],
        "by_service": totals_by(pairs, lambda imp, _: services_of(imp, reg), currency),
        "by_lane": totals_by(pairs, lambda _, st: [LANES.get(st.lane, st.lane)], currency),
        "by_perspective": totals_by(
            pairs,
            lambda imp, _: [PERSPECTIVES.get(p, "no KPI") for p in perspectives_of(imp, kpis)],
            currency,
        ),
        "records": [
            (imp, r, r in by_id[imp.id].value.recorded)
            for imp in reg.improvements
            for r in reversed(imp.realised)
        ],
        "intangibles": [imp for imp in reg.improvements if imp.intangible],
    }


VALUE_WORDS: dict[str, Callable[..., object]] = {
    "figure": figure,
    "notes": notes,
    "has_value": has_value,
    "roi_label": roi_label,
    "gap": gap,
    "months": months,
    "sortable_money": sortable_money,
}
"""The helpers the value templates call."""
