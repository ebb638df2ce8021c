"""Costs and benefits -> the value an improvement is expected to bring and has realised.

One definition of value, used by every command and page (README, "Computed status",
"Value"). Amounts are counted a year: a monthly amount 12 times, a one-off amount once.

- expected a year: with ``per_unit``, per_unit × (the cycle's target − the KPI's agreed
  baseline), measured in the KPI's direction (for a KPI that should decrease,
  baseline − target); otherwise the stated amount. The cycle is the open one, else the
  last; an entry without cycles expects the stated amount (its business case).
- realised a year: with ``per_unit``, once work is in progress, per_unit × the KPI's
  improvement over its agreed baseline in the latest complete period
  (``KpiStatus.change``); otherwise the recorded ``realised`` amounts whose periods
  ended in the twelve months up to the as-of date.
- the first year's cost = the one-off cost + the running cost a year;
  ROI = (benefit a year − the first year's cost) / the first year's cost.
- payback months = one-off cost / ((benefit a year − running cost a year) / 12); none
  when that is 0 or less.

A figure that cannot be computed is None, with the reason in words in ``reasons``
under the figure's name: never a 0 that would read as a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from csitools.measure.health import better
from csitools.measure.periods import period_bounds
from csitools.problems import Problem, Where
from csitools.register.documents import problem_at
from csitools.register.model import Improvement, Kpi, Money, Realised, Register

if TYPE_CHECKING:  # status imports this module; it hands over its KPI statuses
    from csitools.measure.status import KpiStatus

WORKING = ("in-progress", "measuring", "completed")
"""Lifecycle statuses whose KPI gains are credited to the improvement (``per_unit``)."""


@dataclass(frozen=True)
class Value:
    """What an improvement costs and brings, a year, in ``currency``."""

    currency: str
    expected_annual: float | None
    expected_from: str | None
    """'per_unit' (the cycle's target × per_unit) or 'stated' (the amount as written)."""
    realised_annual: float | None
    realised_from: str | None
    """'kpi' (the latest complete period × per_unit) or 'recorded' (``realised``)."""
    running_annual: float | None
    one_off: float | None
    roi_expected: float | None
    roi_realised: float | None
    payback_months_expected: float | None
    payback_months_realised: float | None
    reasons: Mapping[str, str]
    """Why a figure is None, in words, by the figure's name."""
    stated_annual: float | None = None
    """The amount as written, a year, when ``per_unit`` sets the expectation instead."""
    expected_cycle: int | None = None
    expected_target: float | None = None
    expected_units: float | None = None
    """The cycle's target is better than the agreed baseline by this much (``per_unit``)."""
    realised_units: float | None = None
    """The latest complete period is better than the agreed baseline by this much."""
    realised_period: str | None = None
    recorded: tuple[Realised, ...] = ()
    """The recorded amounts that make ``realised_annual`` (periods of the last year)."""


class _Expected(NamedTuple):
    amount: float | None
    source: str | None = None
    cycle: int | None = None
    target: float | None = None
    units: float | None = None
    reason: str | None = None


class _Realised(NamedTuple):
    amount: float | None
    source: str | None = None
    units: float | None = None
    period: str | None = None
    recorded: tuple[Realised, ...] = ()
    reason: str | None = None


def annual(amount: float, per: str | None) -> float:
    """An amount a year: a monthly one 12 times, a yearly or one-off one once."""
    return amount * 12 if per == "month" else amount


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def last_twelve_months(records: tuple[Realised, ...], as_of: date) -> tuple[Realised, ...]:
    """The records whose period ended in the twelve months up to ``as_of`` (a period
    counts once complete, as a KPI's latest complete period does)."""
    start = year_before(as_of)
    out = []
    for r in records:
        try:
            _, _, end = period_bounds(r.period)
        except ValueError:
            continue  # check_value names it
        if start < end <= as_of:
            out.append(r)
    return tuple(out)


def _rounded(amount: float | None, digits: int = 2) -> float | None:
    return None if amount is None else round(amount, digits) + 0.0  # + 0.0: no -0.0


def assess_value(
    imp: Improvement,
    kpis: Mapping[str, Kpi],
    kpi_status: Mapping[str, KpiStatus],
    currency: str,
    as_of: date,
) -> Value:
    """The value of one improvement as of a date (``currency``: the register's, used
    when the entry states no amount of its own)."""
    fin, cost = imp.financial, imp.cost
    reasons: dict[str, str] = {}
    if cost is None:
        reasons["one_off"] = "no cost stated"
    running = annual(imp.running.amount, imp.running.per) if imp.running else None
    if imp.running is None:
        reasons["running_annual"] = "no running cost stated"
    expected = _expected(imp, kpis)
    realised = _realised(imp, kpis, kpi_status, as_of)
    figures, why = _returns(
        expected.amount,
        realised.amount,
        cost.amount if cost else None,
        running,
        once=fin is not None and fin.per == "once",
        mismatch=_mismatch(imp),
    )
    reasons |= {
        f"{kind}_annual": p.reason
        for kind, p in (("expected", expected), ("realised", realised))
        if p.reason
    }
    reasons |= why
    return Value(
        currency=fin.currency if fin else (cost.currency if cost else currency),
        expected_annual=_rounded(expected.amount),
        expected_from=expected.source,
        realised_annual=_rounded(realised.amount),
        realised_from=realised.source,
        running_annual=_rounded(running),
        one_off=_rounded(cost.amount) if cost else None,
        roi_expected=figures.roi_expected,
        roi_realised=figures.roi_realised,
        payback_months_expected=figures.payback_months_expected,
        payback_months_realised=figures.payback_months_realised,
        reasons=reasons,
        stated_annual=_rounded(annual(fin.amount, fin.per)) if fin and imp.per_unit else None,
        expected_cycle=expected.cycle,
        expected_target=expected.target,
        expected_units=expected.units,
        realised_units=realised.units,
        realised_period=realised.period,
        recorded=realised.recorded,
    )


def _expected(imp: Improvement, kpis: Mapping[str, Kpi]) -> _Expected:
    fin, unit, cycle = imp.financial, imp.per_unit, imp.current_cycle
    if fin is None:
        return _Expected(None, reason="no financial benefit stated")
    if unit is None or cycle is None:
        return _Expected(annual(fin.amount, fin.per), "stated")
    kpi = kpis.get(unit.kpi)
    target = next((t for t in cycle.targets if t.kpi == unit.kpi), None)
    if kpi is None or target is None:
        name = kpi.name if kpi else unit.kpi
        why = f"cycle {cycle.number} has no target on {name} to multiply the per-unit value by"
        return _Expected(None, cycle=cycle.number, reason=why)
    units = round(better(kpi, target.value, kpi.baseline.value), 6) + 0.0
    amount = annual(unit.amount * units, fin.per)
    return _Expected(amount, "per_unit", cycle.number, target.value, units)


def _realised(
    imp: Improvement, kpis: Mapping[str, Kpi], kpi_status: Mapping[str, KpiStatus], as_of: date
) -> _Realised:
    fin, unit = imp.financial, imp.per_unit
    why = []
    if fin is not None and unit is not None:
        kpi, ks = kpis.get(unit.kpi), kpi_status.get(unit.kpi)
        if imp.status not in WORKING:
            why.append(f"work has not started ({imp.status}), so no KPI gain is credited to it")
        elif ks is None or ks.latest is None or ks.change is None:
            why.append(f"{kpi.name if kpi else unit.kpi} has no complete period to measure by")
        else:
            units = round(ks.change, 6) + 0.0
            return _Realised(annual(unit.amount * units, fin.per), "kpi", units, ks.latest.period)
    recorded = last_twelve_months(imp.realised, as_of)
    if recorded:
        return _Realised(sum(r.amount for r in recorded), "recorded", recorded=recorded)
    if imp.realised:
        why.append(
            f"nothing recorded as realised in the twelve months to {as_of.isoformat()} "
            f"(the latest record is for {imp.realised[-1].period})"
        )
    else:
        why.append("nothing recorded as realised")
    if unit is None:
        why.append("no per-unit value to derive it from the data")
    return _Realised(None, reason="; ".join(why))


def _mismatch(imp: Improvement) -> str | None:
    fin, cost = imp.financial, imp.cost
    if fin is not None and cost is not None and fin.currency != cost.currency:
        return f"the benefit is in {fin.currency} and the cost in {cost.currency}"
    return None


class _Returns(NamedTuple):
    roi_expected: float | None
    roi_realised: float | None
    payback_months_expected: float | None
    payback_months_realised: float | None


def _returns(
    expected: float | None,
    realised: float | None,
    one_off: float | None,
    running: float | None,
    once: bool = False,
    mismatch: str | None = None,
) -> tuple[_Returns, dict[str, str]]:
    """ROI and payback months of the expected and the realised benefit, and the
    reasons for those that cannot be computed."""
    figures: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    for kind, benefit in (("expected", expected), ("realised", realised)):
        for name, (figure, why) in (
            (f"roi_{kind}", _roi(benefit, one_off, running, kind)),
            (f"payback_months_{kind}", _payback(benefit, one_off, running, kind, once)),
        ):
            figures[name] = None if mismatch else figure
            if mismatch or why:
                reasons[name] = mismatch or why or ""
    return _Returns(**figures), reasons


def _roi(
    benefit: float | None, one_off: float | None, running: float | None, kind: str
) -> tuple[float | None, str | None]:
    """(benefit a year − the first year's cost) / the first year's cost."""
    if benefit is None:
        return None, f"no {kind} benefit"
    if one_off is None:
        return None, "no cost stated"
    first_year = one_off + (running or 0.0)
    if first_year == 0:
        return None, "the cost is 0, so there is nothing to return on"
    return _rounded((benefit - first_year) / first_year, 4), None


def _payback(
    benefit: float | None, one_off: float | None, running: float | None, kind: str, once: bool
) -> tuple[float | None, str | None]:
    """One-off cost / the monthly benefit net of the running cost; none when that is
    0 or less."""
    if one_off is None:
        return None, "no cost stated"
    if benefit is None:
        return None, f"no {kind} benefit"
    if once:
        return None, "a one-off benefit does not pay back month by month"
    if benefit <= 0:
        return None, f"no payback: the {kind} benefit is not positive"
    net = benefit - (running or 0.0)
    if net < 0:
        return None, "no payback: the running cost is larger than the benefit"
    if net == 0:
        return None, "no payback: the running cost takes the whole benefit"
    return _rounded(one_off / (net / 12)), None


def combine(values: Iterable[Value], currency: str) -> Value:
    """The value of a portfolio: benefits, one-off and running costs summed over
    ``values`` (all in ``currency``), ROI and payback computed from the sums as for
    one improvement. Entries that state no cost or benefit add nothing."""
    values = list(values)

    def total(name: str, none: str) -> tuple[float | None, str | None]:
        known = [getattr(v, name) for v in values if getattr(v, name) is not None]
        return (_rounded(sum(known)), None) if known else (None, none)

    expected, no_expected = total("expected_annual", "no improvement states a financial benefit")
    realised, no_realised = total("realised_annual", "nothing realised yet")
    one_off, no_one_off = total("one_off", "no cost stated")
    running, no_running = total("running_annual", "no running cost stated")
    figures, reasons = _returns(expected, realised, one_off, running)
    for name, why in (
        ("expected_annual", no_expected),
        ("realised_annual", no_realised),
        ("one_off", no_one_off),
        ("running_annual", no_running),
    ):
        if why:
            reasons[name] = why
    return Value(
        currency=currency,
        expected_annual=expected,
        expected_from=None,
        realised_annual=realised,
        realised_from=None,
        running_annual=running,
        one_off=one_off,
        roi_expected=figures.roi_expected,
        roi_realised=figures.roi_realised,
        payback_months_expected=figures.payback_months_expected,
        payback_months_realised=figures.payback_months_realised,
        reasons=reasons,
    )


# --- checks -------------------------------------------------------------------------


def check_value(reg: Register, as_of: date) -> list[Problem]:
    """The value fields of every entry: currencies agree with the register's, the
    per-unit KPI is one the entry targets, realised periods exist and have begun."""
    return sorted(p for imp in reg.improvements for p in _entry_problems(imp, reg, as_of))


def _entry_problems(imp: Improvement, reg: Register, as_of: date) -> Iterator[Problem]:
    def at(where: Where, message: str) -> Problem:
        return problem_at(imp.doc, imp.path, where, message)

    settings = reg.settings
    where_set = settings.doc.path if settings.doc else "site_config/register.yml"
    if settings.doc is None or "currency" not in settings.doc.data:
        where_set = f"the default: {where_set} sets no currency"
    money: tuple[tuple[str, tuple[str, ...], Money | None], ...] = (
        ("financial benefit", ("benefits", "financial", "currency"), imp.financial),
        ("cost", ("cost", "currency"), imp.cost),
    )
    for what, where, amount in money:
        if amount is not None and amount.currency != settings.currency:
            yield at(
                where,
                f"the {what} is in {amount.currency}, but the register counts in "
                f"{settings.currency} ({where_set}); give every amount in "
                f"{settings.currency}, or make {amount.currency} the register's currency",
            )
    targeted = sorted({t.kpi for c in imp.cycles for t in c.targets})
    if imp.per_unit is not None and targeted and imp.per_unit.kpi not in targeted:
        yield at(
            ("benefits", "financial", "per_unit", "kpi"),
            f"{imp.per_unit.kpi!r} is not a KPI this entry has a target on; per_unit "
            "prices the improvement of a KPI the entry aims to move: name one of "
            f"{', '.join(targeted)}",
        )
    for i, r in enumerate(imp.realised):
        period_at = ("benefits", "realised", i, "period")
        try:
            _, start, _ = period_bounds(r.period)
        except ValueError:
            yield at(
                period_at,
                f"{r.period!r} is not a period that exists; write a month (YYYY-MM), a "
                "quarter (YYYY-Qn), an ISO week (YYYY-Www) or a day (YYYY-MM-DD)",
            )
            continue
        if start > as_of:
            yield at(
                period_at,
                f"{r.period} has not begun as of {as_of.isoformat()}: a benefit is "
                "realised only in a period that has begun; correct the period, or "
                "record the amount once it is realised",
            )
