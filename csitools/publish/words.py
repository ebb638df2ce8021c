"""What the pages say: numbers, money, dates and the sentences that explain a target's
health. Plain text with no markup from user fields (the escaping helpers in ``pages``
handle those), so every function here is safe to call on computed values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from csitools.measure.breakdown import Contributors
from csitools.measure.health import EntryHealth
from csitools.measure.periods import period_bounds
from csitools.measure.priority import Lane
from csitools.measure.status import CycleOutcome, ImprovementStatus, TargetStatus, Tension
from csitools.measure.sustain import Held, Sustainment
from csitools.publish.markdown import cell
from csitools.register.model import Kpi, Outcome

LANE_NAMES: dict[Lane, str] = {
    "quick-win": "Quick wins",
    "strategic": "Strategic",
    "other": "Other",
}
"""What the home page's backlog tabs call each lane (``measure.priority.LANES``)."""


def health_box(health: EntryHealth | None) -> str:
    """The admonition an improvement's health is shown in: success when it is on track,
    achieved or sustained, failure when it regressed, missed or slipped, else a warning."""
    if health in ("achieved", "on-track", "sustained"):
        return "success"
    return "failure" if health in ("regressed", "missed", "slipped") else "warning"


def change_word(change: float | None) -> str:
    """A KPI's latest value against its agreed baseline, in the KPI's direction."""
    if change is None:
        return "—"
    return "better" if change > 0 else ("worse" if change < 0 else "unchanged")


def cycle_outcome(st: ImprovementStatus, number: int) -> CycleOutcome | None:
    """The outcome of the entry's cycle ``number`` (a closed cycle's), or None."""
    return next((o for o in st.outcomes if o.cycle == number), None)


def cycle_result(st: ImprovementStatus, number: int) -> Outcome | None:
    """What a closed cycle achieved: the outcome recorded, else the one computed."""
    outcome = cycle_outcome(st, number)
    return (outcome.recorded or outcome.computed) if outcome else None


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def money(amount: float | None, currency: str = "") -> str:
    """'12.73 M USD', '640,000 USD', '−6,000 USD' (a loss)."""
    if amount is None:
        return "—"
    sign, amount = ("−" if amount < 0 else ""), abs(amount)
    if amount >= 1_000_000:
        text = f"{amount / 1_000_000:,.3f}".rstrip("0").rstrip(".") + " M"
    else:
        text = f"{amount:,.0f}"
    return f"{sign}{text} {cell(currency)}".strip()


def long_date(day: date | None) -> str:
    return "—" if day is None else f"{day.day} {day:%b %Y}"


def period_last_day(end: date) -> date:
    """The last day of a period, from its exclusive end (the first day after it)."""
    return end - timedelta(days=1)


def forecast_date(forecast: str | None) -> date | None:
    if not forecast or forecast == "not converging":
        return None
    try:
        return date.fromisoformat(forecast)
    except ValueError:
        return None


def unit_suffix(kpi: Kpi | None) -> str:
    """A KPI's unit as it follows a number: "86.05%", "15.4 hours"."""
    if kpi is None:
        return ""
    return kpi.unit if kpi.unit == "%" else f" {kpi.unit}"


def period_name(label: str) -> str:
    """A period label in words: '2026-10' -> 'Oct 2026', '2026-10-05' -> '5 Oct 2026',
    '2026-W43' -> 'week 43 of 2026', '2026-Q3' -> 'Q3 2026'."""
    try:
        granularity, start, _ = period_bounds(label)
    except ValueError:
        return label
    if granularity == "day":
        return long_date(start)
    if granularity == "week":
        return f"week {int(label[-2:])} of {label[:4]}"
    if granularity == "month":
        return f"{start:%b %Y}"
    return f"{label[-2:]} {label[:4]}"


def since_note(t: TargetStatus, kpi: Kpi | None) -> str:
    """What happened after the due date, beside the verdict: "met on 30 Sep 2026,
    86.05% in Oct 2026" (slipped), "reached in Nov 2026, after the due date"."""
    if t.since is None:
        return ""
    if "slipped" in t.flags:
        value = f"{num(t.since.value)}{unit_suffix(kpi)}"
        return f"met on {long_date(t.due)}, {value} in {period_name(t.since.period)}"
    return f"reached in {period_name(t.since.period)}, after the due date"


def reason(t: TargetStatus, kpi: Kpi | None, as_of: date | None = None) -> str:
    """The health of one target, in words (``as_of``: the date the data are judged at,
    to say when a forecast date has already gone by, and whether the due date has)."""
    if as_of is not None and as_of > t.due and t.judged_period is not None:
        return _reason_after_due(t, kpi)
    unit = unit_suffix(kpi)
    name = kpi.name if kpi else t.kpi
    due = long_date(t.due)
    if t.current is None:
        return f"{name}: no data since the cycle opened; target {num(t.target)}{unit} by {due}."
    text = (
        f"{name}: {num(t.current)}{unit} in {t.current_period} against a target of "
        f"{num(t.target)}{unit} due {due}, from a baseline of {num(t.baseline)}{unit}; "
        f"progress {pct(t.progress)} with {pct(t.elapsed)} of the time gone"
    )
    if t.forecast == "not converging":
        text += "; the trend is not converging on the target"
    elif (day := forecast_date(t.forecast)) is not None:
        text += f"; the trend reaches the target around {long_date(day)}"
        if day > t.due:
            text += ", after the due date"
        if as_of is not None and day <= as_of:
            text += f" (already gone by: the period after {t.current_period} should show it)"
    return text + "."


def _reason_after_due(t: TargetStatus, kpi: Kpi | None) -> str:
    """The verdict on the due date's period, and what happened since."""
    unit, name, due = unit_suffix(kpi), kpi.name if kpi else t.kpi, long_date(t.due)
    judged = period_name(t.judged_period or "")
    if t.judged is None:
        return (
            f"{name}: no value for {judged}, the last period by the due date {due}; "
            f"target {num(t.target)}{unit}."
        )
    text = (
        f"{name}: {num(t.judged)}{unit} in {judged}, the last period by the due date {due}, "
        f"against a target of {num(t.target)}{unit} from a baseline of "
        f"{num(t.baseline)}{unit}: {t.health} (progress {pct(t.progress)})"
    )
    if t.since is not None:
        text += ("; slipped since: " if "slipped" in t.flags else "; ") + since_note(t, kpi)
    return text + "."


def improvement_tensions(st: ImprovementStatus) -> list[Tension]:
    """Every tension behind an improvement's ``tension`` flag, each KPI once."""
    out: list[Tension] = []
    for t in st.targets:
        out += [x for x in t.tensions if x.kpi not in {o.kpi for o in out}]
    return out


def trend(values: Sequence[tuple[str, float | None]]) -> str:
    """A contributor's values over the last periods, oldest first: "18.1 → 16.5 → —"."""
    return " → ".join(num(value) for _, value in values)


def contributors_note(breakdown: Contributors, how: str) -> str:
    """What the top-contributors table lists, in words."""
    first, last = breakdown.contributors[0].trend[0][0], breakdown.period
    span = period_name(last) if first == last else f"{period_name(first)} to {period_name(last)}"
    ranked = "the largest values" if how in ("count", "sum") else "the most tickets"
    return (
        f"The groups with {ranked} in {period_name(last)}, the latest complete period, "
        f"and their values from {span}."
    )


def sustain_summary(watch: Sustainment) -> str:
    """What the watch of a completed entry is, and how far it has got."""
    seen = min((len(h.watched) for h in watch.kpis), default=0)
    text = (
        f"Watched for {watch.periods} period{'s' if watch.periods != 1 else ''} after cycle "
        f"{watch.cycle} closed on {long_date(watch.closed)}: "
    )
    if watch.health is None:
        return text + "no period after the closing is complete yet."
    verdict = "every target KPI holds its result" if watch.health == "sustained" else "slipped"
    done = "the watch is over" if watch.complete else f"{seen} of {watch.periods} so far"
    return f"{text}{verdict} ({done})."


def held_note(held: Held, kpi: Kpi | None) -> str:
    """One target KPI under watch: its result at closure, and the latest period since."""
    unit, name = unit_suffix(kpi), kpi.name if kpi else held.kpi
    result = f"{num(held.result.value)}{unit} in {period_name(held.result.period)}"
    if not held.watched:
        return f"{name}: {result} at closure; nothing measured since."
    latest = held.watched[-1]
    now = f"{num(latest.value)}{unit} in {period_name(latest.period)}"
    if held.holds:
        return f"{name}: {now}, holding the result of {result}."
    return f"{name}: fell back to {now}, from {result} at closure."
