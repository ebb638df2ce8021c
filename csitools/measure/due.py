"""A target after its due date: "did we get there?" by the date set.

Once the as-of date is past a target's ``by`` date, the target is judged on the last
complete period ending on or before ``by`` (the calendar decides which period that is;
no value for it is no-data): ``achieved`` when p >= 1, else ``missed``. What happened
since is said beside the verdict, not instead of it:

- ``slipped``: the target was met by the due date, and the latest complete period falls
  short of it again (that period and value are kept);
- ``reached-late``: the target was missed, and a later period reached it (the first
  one that did).

Before the due date nothing here applies: the latest complete period is judged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from csitools.measure.periods import last_period_by
from csitools.measure.series import Point, Series


@dataclass(frozen=True)
class AfterDue:
    """The verdict on a target whose due date has passed."""

    judged_period: str
    """The last period ending on or before the due date."""
    judged: Point | None
    """Its value; None when the data has none (the target is no-data)."""
    since: Point | None
    """For ``slipped``, the latest period short of the target; for ``reached-late``,
    the first period after the due date that reached it; else None."""
    flag: str | None
    """'slipped', 'reached-late' or None."""


def judge_after_due(
    series: Series, due: date, latest: Point | None, reached: Callable[[float], bool]
) -> AfterDue:
    """The verdict on ``series`` for a target due on ``due``: ``latest`` is the newest
    complete period as of the as-of date, ``reached(value)`` says whether a value meets
    the target (p >= 1)."""
    label = last_period_by(due, series.granularity)
    judged = next((p for p in series.points if p.period == label), None)
    if judged is None or latest is None:
        return AfterDue(label, judged, None, None)
    later = [p for p in series.points if judged.end <= p.start and p.end <= latest.end]
    if reached(judged.value):
        if later and not reached(later[-1].value):
            return AfterDue(label, judged, later[-1], "slipped")
        return AfterDue(label, judged, None, None)
    first = next((p for p in later if reached(p.value)), None)
    return AfterDue(label, judged, first, "reached-late" if first else None)
