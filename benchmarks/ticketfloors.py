"""The floors for benchmarks/metrics.py's backlog and breakdown rows: the same work as
load_series, written directly with pyarrow.csv (include_columns + timestamp_parsers),
pandas for keep-last and the group-by, numpy for the month ends."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv

DAY_FIRST = "%d-%m-%Y %H:%M"
US_PER_DAY = 86_400_000_000


def last_rows(path: Path, columns: list[str]) -> pd.DataFrame:
    """The export's last row per incident (by sys_mod_count), the columns given."""
    wanted = ["number", "sys_mod_count", *columns]
    options = pacsv.ConvertOptions(
        include_columns=wanted, timestamp_parsers=[DAY_FIRST], null_values=["?"]
    )
    frame = pacsv.read_csv(path, convert_options=options).to_pandas()
    frame = frame.sort_values("sys_mod_count", kind="stable")
    return frame.drop_duplicates("number", keep="last")


def backlog_floor(path: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Incidents open at each month's end, and the p90 of their age in days: every month
    from the first opening to the newest timestamp."""
    frame = last_rows(path, ["opened_at", "resolved_at"])
    opened = frame["opened_at"].to_numpy().astype("datetime64[us]").astype(np.int64)
    resolved_at = frame["resolved_at"].to_numpy().astype("datetime64[us]")
    resolved = np.where(np.isnat(resolved_at), np.iinfo(np.int64).max, resolved_at.astype(np.int64))
    newest = max(opened.max(), resolved_at[~np.isnat(resolved_at)].astype(np.int64).max())
    first = opened.min().astype("datetime64[us]").astype("datetime64[M]")
    last = np.int64(newest).astype("datetime64[us]").astype("datetime64[M]")
    months = np.arange(first, last + 1)
    ends = (months + 1).astype("datetime64[us]").astype(np.int64)
    counts: dict[str, float] = {}
    ages: dict[str, float] = {}
    for month, end in zip(months, ends, strict=True):
        open_now = (opened <= end) & (resolved > end)
        label = str(month)
        counts[label] = float(open_now.sum())
        if open_now.any():
            ages[label] = float(np.quantile((end - opened[open_now]) / US_PER_DAY, 0.9))
    return counts, ages


def breakdown_floor(
    path: Path,
) -> tuple[dict[str, float], dict[tuple[str, str], tuple[int, float]]]:
    """Monthly MTTR (placed by resolution), and the same per assignment group with the
    number of incidents in each."""
    frame = last_rows(path, ["opened_at", "resolved_at", "assignment_group"])
    frame = frame[frame["resolved_at"].notna()]
    month = frame["resolved_at"].to_numpy().astype("datetime64[M]").astype(str)
    hours = (frame["resolved_at"] - frame["opened_at"]).dt.total_seconds() / 3600
    mttr = hours.groupby(month).mean()
    grouped = hours.groupby([month, frame["assignment_group"].to_numpy()])
    means, sizes = grouped.mean(), grouped.size()
    per_group = {(m, g): (int(sizes[(m, g)]), float(v)) for (m, g), v in means.items()}
    return {str(k): float(v) for k, v in mttr.items()}, per_group
