"""Values that pass a schema's types but not the model: dates Python's calendar cannot
hold, integers of hundreds of digits, pairs of finite extremes. Validation names the
file, the line and the range (the case folders under tests/cases/negative hold the
YAML and CSV spellings); history reads such versions without a traceback; drawing
never meets an infinite span."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from csitools.history.tracked import read_tracked
from csitools.measure.series import load_series
from csitools.publish.charts import drawing, placement
from csitools.publish.charts.specs import ChartSpec, Line, Panel, Segment, TargetPoint
from csitools.register.limits import is_register_date

EXTREMES = [
    (-1e308, 1e308),
    (1.7976931348623157e308, -1.7976931348623157e308),
    (0.0, 1e308),
    (-1e308, -1e307),
    (5e-324, 1e-323),
]


def panel(low: float, high: float) -> Panel:
    return Panel(
        title="Mean time to resolve",
        unit="hours",
        points=(("2026-01", "2026-01-16", high), ("2026-02", "2026-02-14", low)),
        x_range=("2025-12-01", "2026-06-30"),
        as_of="2026-03-01",
        lines=(Line("Baseline 16 h (2025-12)", high, "baseline"),),
        targets=(TargetPoint("Target 8 h", "2026-06-30", low),),
        forecast=Segment("Forecast", "2026-02-14", low, "2026-06-30", high),
    )


@pytest.mark.parametrize(("low", "high"), EXTREMES)
def test_finite_extremes_give_finite_axis_limits(low: float, high: float) -> None:
    bottom, top = drawing._y_limits(panel(low, high))
    assert math.isfinite(bottom) and math.isfinite(top) and math.isfinite(top - bottom)
    assert bottom < top


@pytest.mark.parametrize(("low", "high"), EXTREMES[:2])
def test_a_chart_of_finite_extremes_is_drawn(low: float, high: float) -> None:
    spec = ChartSpec("kpi-extreme", "kpi", "Extremes", "Two extreme values", (panel(low, high),))
    assert drawing.render_chart(spec).startswith(b"<?xml")
    # The boxes that keep labels off the line cover its part inside the plot only: a
    # value far off the plot does not make millions of them.
    fig = drawing._figure(spec)
    assert 2 < len(placement.marks(fig.axes[0], spec.panels[0], drawing._x)) < 1000


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("2026-01-05", True),
        ("1970-01-01", True),
        ("2199-12-31", True),
        ("0000-01-05", False),
        ("1969-12-31", False),
        ("2200-01-01", False),
        ("2026-02-30", False),
        ("2026-01-05\n", False),
        ("20260105", False),
        (20260105, True),  # not text: the schema's type says what is wrong
    ],
)
def test_the_date_format_is_a_date_the_register_holds(text: object, holds: bool) -> None:
    assert is_register_date(text) is holds


def test_history_reads_a_version_with_numbers_and_dates_the_model_cannot_hold() -> None:
    blob = (
        "id: CSI-0001\nstatus: approved\nowner: bob\n"
        f"priority: {{impact: {'9' * 5000}, urgency: -{'9' * 400}, effort: 2, risk: 2}}\n"
        "cycles:\n  - opened: 0000-01-01\n    targets:\n"
        "      - {kpi: email-resolution-time, value: -1.0e+308, by: 0000-12-31}\n"
    ).encode()
    tracked = read_tracked(blob, "register/CSI-0001-email-resolution.yaml")
    assert tracked == {
        "id": "CSI-0001",
        "status": "approved",
        "owner": "bob",
        "priority": {"impact": math.inf, "urgency": -math.inf, "effort": 2, "risk": 2},
        "cycles": [
            {
                "opened": "0000-01-01",
                "targets": [
                    {"kpi": "email-resolution-time", "value": -math.inf, "by": "0000-12-31"}
                ],
            }
        ],
    }


def test_a_ticket_export_cell_out_of_range_is_located(tmp_path: Path) -> None:
    data = tmp_path / "kpis" / "data" / "incidents.csv"
    data.parent.mkdir(parents=True)
    data.write_text(
        "number,resolved_at,csat\n"
        "INC1,2026-03-02 10:00,4\n"
        "INC2,2026-03-03 10:00,-1.5e308\n"
        "INC3,2026-03-04 10:00,1e309\n",
        encoding="utf-8",
    )
    source = {
        "csv": "kpis/data/incidents.csv",
        "time": "resolved_at",
        "period": "month",
        "measure": {"column": "csat"},
        "aggregate": "mean",
    }
    series, problems = load_series({"csat": source}, tmp_path)
    assert series == {}
    assert [str(p) for p in problems] == [
        "kpis/data/incidents.csv:3: column 'csat': '-1.5e308' is outside -1e15 to 1e15, the "
        "numbers a register holds (and 1 more row); fix the cell"
    ]
