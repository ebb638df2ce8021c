"""How long load_series takes on a large ServiceNow-shaped event log, beside the floor.

Synthesises an incident export in the shape of the public ServiceNow "Incident management
process enriched event log" (36 columns, several rows per incident, day-first timestamps
without seconds, '?' for missing values) in a temporary folder, then prints, best of 3:
  - load_series() computing two KPIs from it in one call: monthly MTTR (hours from
    opened_at to resolved_at, mean, last row per number by sys_mod_count, placed by
    resolved_at) and monthly SLA share (made_sla true);
  - load_series() computing the backlog at each month's end and its p90 age in days;
  - load_series() computing monthly MTTR broken down by assignment group;
  - beside each, the floor measured in the same run: the same work written directly with
    pyarrow.csv (include_columns + timestamp_parsers), keep-last per incident, a grouped
    mean or numpy at each month's end (benchmarks/ticketfloors.py), and the ratio.

Usage: python benchmarks/metrics.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csitools.measure.series import load_series

sys.path.insert(0, str(Path(__file__).parent))
from figures import Figure, clock, report

try:  # run as a script from the repository: python benchmarks/metrics.py
    from ticketfloors import backlog_floor, breakdown_floor
except ImportError:  # imported as benchmarks.metrics
    from benchmarks.ticketfloors import backlog_floor, breakdown_floor

# The header of /work/shared/data/servicenow-incident-event-log.csv.
HEADER_LINE = (
    "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,"
    "caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,"
    "contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,"
    "assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,"
    "vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at"
)
HEADER = HEADER_LINE.split(",")
DAY_FIRST = "%d-%m-%Y %H:%M"
STATES = np.array(["New", "Active", "Awaiting User Info", "Resolved", "Closed"])


def synthesise(path: Path, rows: int, seed: int = 7) -> int:
    """Write ``rows`` event rows (4-6 per incident) and return the number of incidents."""
    rng = np.random.default_rng(seed)
    per = rng.integers(4, 7, size=rows // 4 + 1)
    ends = np.cumsum(per)
    incidents = int(np.searchsorted(ends, rows)) + 1
    per = per[:incidents]
    per[-1] -= ends[incidents - 1] - rows
    incident = np.repeat(np.arange(incidents), per)
    seq = np.arange(rows) - np.repeat(np.cumsum(per) - per, per)
    # 1 % of incidents have their rows out of order, as in the real log: order_by matters.
    shuffled = np.repeat(rng.random(incidents) < 0.01, per)
    mod_count = np.where(shuffled, per[incident] - 1 - seq, seq)
    start = int(np.datetime64("2025-01-01T00:00", "s").astype(np.int64))
    opened = start + rng.integers(0, 365 * 86400 // 60, incidents) * 60
    to_resolve = (rng.gamma(1.2, 40 * 3600, incidents) // 60 * 60).astype(np.int64)
    resolved = opened + to_resolve
    unresolved = np.repeat(rng.random(incidents) < 0.03, per)

    def stamps(seconds: np.ndarray) -> pa.Array:
        return pc.strftime(pa.array(seconds.astype("datetime64[s]")), format=DAY_FIRST)

    def labels(prefix: str, high: int) -> pa.Array:
        numbers = pc.cast(pa.array(rng.integers(1, high, rows)), pa.string())
        return pc.binary_join_element_wise(prefix, numbers, "")

    def constant(text: str) -> pa.Array:
        return pa.array(np.full(rows, text))

    def flags(p_true: np.ndarray | float) -> pa.Array:
        return pa.array(np.where(rng.random(rows) < p_true, "TRUE", "FALSE"))

    updated = opened[incident] + to_resolve[incident] * seq // np.maximum(per[incident] - 1, 1)
    columns = {
        "number": pc.binary_join_element_wise(
            "INC", pc.utf8_lpad(pc.cast(pa.array(incident), pa.string()), 7, "0"), ""
        ),
        "incident_state": pa.array(STATES[np.minimum(mod_count, 4)]),
        "active": pa.array(np.where(mod_count < per[incident] - 1, "TRUE", "FALSE")),
        "reassignment_count": pa.array(rng.integers(0, 4, rows)),
        "reopen_count": pa.array(np.zeros(rows, np.int64)),
        "sys_mod_count": pa.array(mod_count),
        "made_sla": flags(0.9),
        "caller_id": labels("Caller ", 5000),
        "opened_by": labels("Opened by  ", 200),
        "opened_at": stamps(opened[incident]),
        "sys_created_by": labels("Created by ", 200),
        "sys_created_at": stamps(opened[incident]),
        "sys_updated_by": labels("Updated by ", 900),
        "sys_updated_at": stamps(updated),
        "contact_type": constant("Phone"),
        "location": labels("Location ", 200),
        "category": labels("Category ", 60),
        "subcategory": labels("Subcategory ", 200),
        "u_symptom": labels("Symptom ", 500),
        "cmdb_ci": constant("?"),
        "impact": constant("2 - Medium"),
        "urgency": constant("2 - Medium"),
        "priority": constant("3 - Moderate"),
        "assignment_group": labels("Group ", 80),
        "assigned_to": labels("Resolver ", 200),
        "knowledge": flags(0.2),
        "u_priority_confirmation": constant("FALSE"),
        "notify": constant("Do Not Notify"),
        "problem_id": constant("?"),
        "rfc": constant("?"),
        "vendor": constant("?"),
        "caused_by": constant("?"),
        "closed_code": labels("code ", 10),
        "resolved_by": labels("Resolved by ", 200),
        "resolved_at": pc.if_else(pa.array(unresolved), "?", stamps(resolved[incident])),
        "closed_at": stamps(resolved[incident] + 5 * 86400),
    }
    assert list(columns) == HEADER
    with path.open("wb") as f:
        f.write(f"{HEADER_LINE}\n".encode())
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        pacsv.write_csv(pa.table(columns), f, options)
    return incidents


def floor(path: Path) -> tuple[dict[str, float], dict[str, float]]:
    """The same two KPIs written directly: pyarrow.csv with timestamp parsers, keep the
    last row per incident, a grouped mean."""
    wanted = ["number", "sys_mod_count", "made_sla", "opened_at", "resolved_at"]
    options = pacsv.ConvertOptions(
        include_columns=wanted, timestamp_parsers=[DAY_FIRST], null_values=["?"]
    )
    frame = pacsv.read_csv(path, convert_options=options).to_pandas()
    frame = frame.sort_values("sys_mod_count", kind="stable")
    frame = frame.drop_duplicates("number", keep="last")
    frame = frame[frame["resolved_at"].notna()]
    month = frame["resolved_at"].to_numpy().astype("datetime64[M]")
    hours = (frame["resolved_at"] - frame["opened_at"]).dt.total_seconds() / 3600
    mttr = hours.groupby(month).mean()
    sla = (frame["made_sla"] * 100.0).groupby(month).mean()
    return (
        {str(k)[:7]: v for k, v in mttr.items()},
        {str(k)[:7]: v for k, v in sla.items()},
    )


def best(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "kpis" / "data" / "incidents.csv"
        path.parent.mkdir(parents=True)
        incidents = synthesise(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"export: {args.rows:,} rows, {incidents:,} incidents, {size:,.0f} MB")
        common = {
            "csv": "kpis/data/incidents.csv",
            "key": "number",
            "order_by": "sys_mod_count",
            "time": "resolved_at",
            "timestamp_format": DAY_FIRST,
            "period": "month",
            "aggregate": "mean",
        }
        sources = {
            "mttr": {**common, "measure": {"duration": ["opened_at", "resolved_at"]}},
            "sla": {**common, "measure": {"share": {"made_sla": True}}},
        }

        backlog = {
            "csv": "kpis/data/incidents.csv",
            "key": "number",
            "order_by": "sys_mod_count",
            "timestamp_format": DAY_FIRST,
            "period": "month",
        }
        snapshots = {
            "open": {**backlog, "measure": {"open": OPEN_AND_RESOLVED}, "aggregate": "count"},
            "age": {**backlog, "measure": {"age": OPEN_AND_RESOLVED}, "aggregate": "p90"},
        }
        by_group = {
            "mttr": {
                **sources["mttr"],
                "breakdown_by": "assignment_group",
            }
        }
        rows = [
            ("monthly MTTR + SLA share", sources, lambda: floor(path), _check_mttr_sla),
            (
                "backlog + p90 age, month ends",
                snapshots,
                lambda: backlog_floor(path),
                _backlog,
            ),
            ("MTTR by assignment group", by_group, lambda: breakdown_floor(path), _breakdown),
        ]
        print("timings (best of 3; floor: pyarrow.csv + parsers, pandas, numpy):")
        print(f"  {'KPIs':32} {'load_series':>12} {'floor':>8} {'ratio':>7}")
        measured: list[Figure] = []
        for name, kpis, floor_of, check in rows:
            # Both must say the same before their times mean anything.
            series, problems = load_series(kpis, root)
            assert problems == [], problems
            check(series, floor_of())
            # Interleaved, so that a busy moment on the machine does not favour one side.
            t_ours, t_floor = float("inf"), float("inf")
            for _ in range(3):
                t_ours = min(t_ours, best(lambda kpis=kpis: load_series(kpis, root), 1))
                t_floor = min(t_floor, best(floor_of, 1))
            ratio = t_ours / t_floor
            print(f"  {name:32} {t_ours:10.3f} s {t_floor:6.3f} s {ratio:7.2f}")
            measured.append(
                Figure("metrics", f"load_series: {name}", t_ours, "pyarrow + pandas", t_floor, 1.5)
            )
        print("  (target: ratio <= 1.5)")
        report(measured)


OPEN_AND_RESOLVED = ["opened_at", "resolved_at"]


def _same(name: str, got: dict[Any, float], expected: dict[Any, float]) -> None:
    assert got.keys() == expected.keys(), (name, sorted(got)[:3], sorted(expected)[:3])
    assert all(abs(got[k] - expected[k]) < 1e-9 for k in got), name


def _values(series: Any) -> dict[str, float]:
    return {p.period: p.value for p in series.points}


def _check_mttr_sla(series: dict[str, Any], expected: Any) -> None:
    mttr, sla = expected
    _same("mttr", _values(series["mttr"]), mttr)
    _same("sla", _values(series["sla"]), sla)


def _backlog(series: dict[str, Any], expected: Any) -> None:
    counts, ages = expected
    _same("open", _values(series["open"]), counts)
    _same("age", _values(series["age"]), ages)


def _breakdown(series: dict[str, Any], expected: Any) -> None:
    mttr, per_group = expected
    _same("mttr", _values(series["mttr"]), mttr)
    table = series["mttr"].groups.table
    got = {(p, g): cell for p, groups in table.items() for g, cell in groups.items()}
    assert got.keys() == per_group.keys()
    assert all(got[k][0] == per_group[k][0] for k in got), "tickets per group"
    _same("by group", {k: v[1] for k, v in got.items()}, {k: v[1] for k, v in per_group.items()})


if __name__ == "__main__":
    main()
