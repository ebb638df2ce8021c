"""The data files a site offers for download, by docs path: the register as ``csi
export`` writes it (``data/register.csv``, ``data/register.json``) and each KPI's
computed series (``data/kpis/<kpi-id>.csv``: the periods known as of the as-of date,
the points its chart draws).

Built in ``content.generate_site``, so every builder publishes the same bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date

from csitools.measure.export import csv_cell, export_csv, export_json
from csitools.measure.series import Series
from csitools.measure.status import RegisterStatus
from csitools.publish.charts.specs import known_points
from csitools.register.model import Kpi, Register

REGISTER_CSV = "data/register.csv"
REGISTER_JSON = "data/register.json"


def kpi_csv(kpi_id: str) -> str:
    """A KPI's series by docs path."""
    return f"data/kpis/{kpi_id}.csv"


def _number(value: float) -> str:
    """A value as it was computed: whole numbers without a fraction, others in full."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def series_csv(kpi: Kpi, series: Series | None, as_of: date) -> str:
    """``period,value``, the shape of a metric CSV: a download reads back as a source."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "value"])
    for point in known_points(series, as_of, bool(kpi.source.get("partial"))):
        writer.writerow([csv_cell(point.period), _number(point.value)])
    return out.getvalue()


def data_files(
    reg: Register, status: RegisterStatus, series: Mapping[str, Series]
) -> dict[str, bytes]:
    """Every download by docs path."""
    files = {
        REGISTER_CSV: export_csv(reg, status).encode("utf-8"),
        REGISTER_JSON: export_json(reg, status).encode("utf-8"),
    }
    for kpi in reg.kpis.values():
        files[kpi_csv(kpi.id)] = series_csv(kpi, series.get(kpi.id), status.as_of).encode()
    return files
