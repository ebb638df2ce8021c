"""Reading a KPI's data from an Excel workbook (``.xlsx``): one sheet, as the same text
table a CSV gives, so every measure, filter and message works the same on both.

python-calamine (the calamine Rust crate) reads the sheet; it is imported only when a
KPI names a workbook. Typed cells become the text a CSV export would hold: numbers in
their shortest exact form, booleans TRUE/FALSE, dates and times ISO 8601 (or in the
KPIs' ``timestamp_format`` when they all give the same one, so a workbook and its CSV
twin read alike). Lines are the sheet's row numbers; the header is the first row with a
value. Only the columns the KPIs name are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa

from csitools.measure.csvdata import NULLS, CsvData, distinct_names, shown
from csitools.problems import Problem

Whole = Callable[[str], tuple[None, list[Problem]]]


def read_workbook(
    real: Path, text: str, columns: list[str], kpis: list[str], sheet: str | None, fmt: str | None
) -> tuple[CsvData | None, list[Problem]]:
    """The sheet named ``sheet`` (the first one when None) of the workbook ``real``."""

    def whole(message: str, line: int = 0) -> tuple[None, list[Problem]]:
        return None, [Problem(text, line, "$", message)]

    users = ", ".join(repr(kpi) for kpi in kpis)
    if not real.is_file():
        return whole(f"the file does not exist (read by KPI {users}); add it or fix source.csv")
    import python_calamine  # here: only a KPI reading a workbook needs it

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(real))
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            listed = ", ".join(repr(n) for n in names)
            why = f"the workbook has no sheet {sheet!r} (KPI {users} reads it); its sheets are "
            return whole(f"{why}{listed}: fix source.sheet")
        rows = book.get_sheet_by_name(sheet or names[0]).to_python(skip_empty_area=False)
    except (python_calamine.CalamineError, OSError, IndexError) as exc:
        why = f"the file cannot be read as an Excel workbook ({exc}); save it as .xlsx again"
        return whole(why)
    return _table(text, rows, columns, fmt, whole)


def _table(
    text: str, rows: list[list[Any]], columns: list[str], fmt: str | None, whole: Whole
) -> tuple[CsvData | None, list[Problem]]:
    """The sheet's rows as a CsvData: the header, then the data rows with their lines."""
    filled = [i for i, row in enumerate(rows) if any(_text(v, None) is not None for v in row)]
    if not filled:
        why = "the sheet is empty; write a header row (period,value for a time series, or "
        return whole(why + "the export's column names) and the data below it")
    first = filled[0]
    header = [_text(v, None) or "" for v in rows[first]]
    while header and not header[-1]:
        header.pop()
    data_rows = [i for i in filled if i > first]
    if not data_rows:
        return whole(f"the sheet has a header but no data rows; add the data below row {first + 1}")
    table_names, copies = distinct_names(header)
    wanted = {c for c in columns if c in header}
    cells: dict[str, list[str | None]] = {}
    for j, name in enumerate(table_names):
        if shown(name) in wanted:
            cells[name] = [_text(rows[i][j], fmt) if j < len(rows[i]) else None for i in data_rows]
    table = pa.table({name: pa.array(values, pa.string()) for name, values in cells.items()})
    starts = [i + 1 for i in data_rows]  # rows are 1-based, as the spreadsheet shows them
    return CsvData(text, header, table, None, _starts=starts, copies=copies), []


def _text(value: Any, fmt: str | None) -> str | None:
    """A cell as a CSV export would write it; None for an empty one."""
    if value is None or isinstance(value, str):
        text = (value or "").strip()
        return None if text in NULLS else text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime(fmt) if fmt else value.isoformat()
    if isinstance(value, date):
        return datetime.combine(value, time()).strftime(fmt) if fmt else value.isoformat()
    return str(value)  # a time of day or a duration
