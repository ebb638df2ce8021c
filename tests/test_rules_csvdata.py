"""Reading CSV cells, rule by rule (csitools/measure/csvdata.py, README "KPI data"): the
line a problem names, an empty cell, an impossible day in a timestamp format, and
timestamps with and without an offset whatever the machine's time zone."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from csitools.measure.csvdata import COPY_MARK, CsvData, distinct_names
from csitools.measure.series import load_series
from csitools.problems import Problem
from tests.test_metrics import values, write

COUNT = {"period": "month", "time": "closed", "measure": {"column": "n"}, "aggregate": "count"}


def test_without_a_file_data_row_i_is_on_line_i_plus_2() -> None:
    """A workbook's rows (no file to re-read): the header is line 1, row 0 line 2."""
    data = CsvData("kpis/data/issues.xlsx", ["a"], pa.table({"a": ["1", "2", "3"]}))
    assert [data.line(i) for i in range(3)] == [2, 3, 4]


def test_past_the_rows_python_s_reader_finds_a_row_counts_one_line(tmp_path: Path) -> None:
    """Line 3 holds a value over two lines; row 1 starts on line 5. Past the records
    found (row 2 and on) each row counts as one line after the header."""
    path = tmp_path / "kpis" / "data" / "x.csv"
    write(tmp_path, 'period,value\n2026-01,"1\n"\n2026-02,2\n', "x.csv")
    data = CsvData("kpis/data/x.csv", ["period", "value"], pa.table({}), path)
    assert [data.line(i) for i in range(4)] == [2, 4, 4, 5]


def one_problem(tmp_path: Path, text: str, **source: object) -> Problem:
    path = write(tmp_path, text, "data.csv")
    _, problems = load_series({"kpi": {"csv": path, **source}}, tmp_path)
    [problem] = problems
    return problem


def counted(tmp_path: Path, text: str, **source: object) -> dict[str, float]:
    """The tickets counted per month of closing, with no problem."""
    path = write(tmp_path, text, "data.csv")
    series, problems = load_series({"kpi": {"csv": path, **COUNT, **source}}, tmp_path)
    assert problems == []
    return values(series["kpi"])


def test_an_empty_period_cell_is_named_as_empty(tmp_path: Path) -> None:
    problem = one_problem(tmp_path, "period,value\n2026-01,1\n,2\n")
    assert (problem.line, problem.json_path) == (3, "column 'period'")
    assert problem.message.startswith("an empty cell is not a period; ")


FORMAT = "%d-%m-%Y %H:%M"
NOT_A_TIMESTAMP = f"is not a timestamp in the format {FORMAT!r}; fix the cell or "


@pytest.mark.parametrize(
    ("cells", "line", "message"),
    [
        # Arrow would roll 31 February over to 3 March: the cell is refused.
        (
            ["31-02-2026 10:00"],
            2,
            f"'31-02-2026 10:00' {NOT_A_TIMESTAMP}source.timestamp_format",
        ),
        (
            ["01-03-2026 10:00", "31-02-2026 10:00", "31-04-2026 09:00"],
            3,
            f"'31-02-2026 10:00' {NOT_A_TIMESTAMP}source.timestamp_format (and 1 more row)",
        ),
    ],
)
def test_a_day_that_does_not_exist_is_not_a_timestamp(
    tmp_path: Path, cells: list[str], line: int, message: str
) -> None:
    text = "number,closed,n\n" + "".join(f"INC{i},{c},1\n" for i, c in enumerate(cells))
    problem = one_problem(tmp_path, text, **COUNT, timestamp_format=FORMAT)
    assert (problem.line, problem.json_path, problem.message) == (line, "column 'closed'", message)


def test_days_1_to_3_that_exist_are_kept(tmp_path: Path) -> None:
    text = "number,closed,n\nINC1,01-03-2026 10:00,1\nINC2,3-03-2026 10:00,1\n"
    assert counted(tmp_path, text, timestamp_format=FORMAT) == {"2026-03": 2.0}


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's clock in New York (UTC−4 on 31 March 2026)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("new_york")
def test_timestamps_are_naive_as_written_and_utc_with_an_offset(tmp_path: Path) -> None:
    """A mix of naive cells and cells with an offset: a naive one is taken as written,
    one with an offset in UTC, whatever the machine's time zone. 23:30 on 31 March is
    March; 01:00 UTC on 1 April is April; 01:30 at +02:00 on 1 April is 23:30 UTC on 31
    March."""
    text = (
        "number,closed,n\n"
        "INC1,2026-03-31T23:30:00,1\n"
        "INC2,2026-04-01T01:00:00+00:00,1\n"
        "INC3,2026-04-01T01:30:00+02:00,1\n"
    )
    assert counted(tmp_path, text) == {"2026-03": 2.0, "2026-04": 1.0}


def test_a_format_arrow_cannot_write_back_still_has_its_days_checked(tmp_path: Path) -> None:
    """Arrow's strftime cannot write %Z for a naive time: Python settles days 1 to 3."""
    text = "number,closed,n\nINC1,01-03-2026 10:00 UTC,1\nINC2,31-02-2026 10:00 UTC,1\n"
    zone = "%d-%m-%Y %H:%M %Z"
    problem = one_problem(tmp_path, text, **COUNT, timestamp_format=zone)
    assert (problem.line, problem.message) == (
        3,
        f"'31-02-2026 10:00 UTC' is not a timestamp in the format {zone!r}; fix the cell or "
        "source.timestamp_format",
    )


def test_a_quoted_value_over_two_lines_is_one_cell(tmp_path: Path) -> None:
    text = (
        "number,short_description,closed,n\n"
        'INC1,"Printer on floor 3\nis offline",2026-03-02T10:00:00,1\n'
        "INC2,Mail delayed,2026-03-03T10:00:00,1\n"
    )
    assert counted(tmp_path, text) == {"2026-03": 2.0}


@pytest.mark.parametrize(
    ("cell", "valid"),
    [("1000000000000000", True), ("-1e15", True), ("1000000000000001", False)],
)
def test_a_number_is_valid_up_to_1e15_either_way(tmp_path: Path, cell: str, valid: bool) -> None:
    path = write(tmp_path, f"period,value\n2026-01,{cell}\n", "data.csv")
    series, problems = load_series({"kpi": {"csv": path}}, tmp_path)
    assert ("kpi" in series, problems == []) == (valid, valid)


def test_copies_of_a_repeated_column_are_numbered_from_2() -> None:
    names, copies = distinct_names(["Summary", "Labels", "Labels", "Labels", "Points"])
    labels = ["Labels", f"Labels{COPY_MARK}2", f"Labels{COPY_MARK}3"]
    assert (names, copies) == (["Summary", *labels, "Points"], {"Labels": labels})


def test_a_repeated_column_and_a_value_over_two_lines(tmp_path: Path) -> None:
    """The careful re-read keeps the copies' names: a label in the second copy counts."""
    text = (
        "number,description,closed,n,Labels,Labels\n"
        'INC1,"Printer\noffline",2026-03-02T10:00:00,1,hardware,payments\n'
        "INC2,Mail,2026-03-03T10:00:00,1,mail,\n"
    )
    assert counted(tmp_path, text, where={"Labels": "payments"}) == {"2026-03": 1.0}


def test_a_file_that_holds_none_of_the_columns_lets_each_kpi_say_which(tmp_path: Path) -> None:
    path = write(tmp_path, "month,amount \n2026-01,1\n", "data.csv")
    _, problems = load_series({"kpi": {"csv": path}}, tmp_path)
    assert [(p.path, p.line, p.json_path, p.message) for p in problems] == [
        (
            path,
            1,
            f"column {column!r}",
            f"column {column!r} is not in the header (KPI 'kpi' reads it); the columns are: "
            "month, amount ",  # a header cell keeps its spaces
        )
        for column in ("period", "value")
    ]


def test_a_missing_file_names_every_kpi_that_reads_it(tmp_path: Path) -> None:
    sources = {kpi: {"csv": "kpis/data/gone.csv"} for kpi in ("first", "second")}
    _, problems = load_series(sources, tmp_path)
    assert [p.message for p in problems] == [
        "the file does not exist (read by KPI 'first', 'second'); add it or fix source.csv"
    ]


def test_a_header_that_is_not_utf8_names_the_byte(tmp_path: Path) -> None:
    path = write(tmp_path, b"p\xe9riode,value\n2026-01,1\n", "data.csv")
    _, problems = load_series({"kpi": {"csv": path}}, tmp_path)
    assert problems == [
        Problem(
            path,
            1,
            "$",
            "the byte b'\\xe9' is not UTF-8; save the file as UTF-8 (e.g. 'CSV UTF-8')",
        )
    ]


def test_a_line_break_in_a_value_at_the_reader_s_block_boundary(tmp_path: Path) -> None:
    """Arrow reads a file in blocks of 1 MiB, split at the last line break: when that
    one is inside a quoted value, the fast read sees short rows, and the careful read
    (line breaks allowed in values, the repeated column's copies named) gives the data.
    Every row but the last is a mail ticket; the printer ticket's second label is the
    one counted."""
    block = 1 << 20
    rows = ["number,description,closed,n,Labels,Labels\n"]
    size, i = len(rows[0]), 0
    while size < block - 80:
        rows.append(f"INC{i:07d},Mail delayed,2026-03-03T10:00:00,1,mail,\n")
        size, i = size + len(rows[-1]), i + 1
    padding = "P" * (block - size - 30)
    rows.append(f'INC{i:07d},"Printer {padding}\noffline",2026-04-02T10:00:00,1,hw,payments\n')
    text = "".join(rows)
    assert text.rfind("\n", 0, block) < text.index("offline") < block  # inside the value
    path = write(tmp_path, text, "data.csv")
    sources = {
        "all": {"csv": path, **COUNT},
        "payments": {"csv": path, **COUNT, "where": {"Labels": "payments"}},
    }
    series, problems = load_series(sources, tmp_path)
    assert problems == []
    assert values(series["all"]) == {"2026-03": float(i), "2026-04": 1.0}
    assert values(series["payments"]) == {"2026-04": 1.0}


# -- Arrow columns as NumPy: what as_numpy gives is what to_numpy gives, nulls included --
def _chunked(*chunks: list) -> pa.ChunkedArray:  # type: ignore[type-arg]
    return pa.chunked_array([pa.array(chunk) for chunk in chunks])


AS_NUMPY = [
    ("floats with a null", pa.array([1.5, None, 3.0]), [1.5, "nan", 3.0], "float64"),
    ("floats, two chunks", _chunked([1.0], [2.0, None]), [1.0, 2.0, "nan"], "float64"),
    ("floats from the middle", pa.array([9.0, 1.0, 2.0, 9.0]).slice(1, 2), [1.0, 2.0], "float64"),
    ("integers from the middle", pa.array([7, 8, 9], pa.int64()).slice(1), [8, 9], "int64"),
    ("booleans", pa.array([True, False, True]), [True, False, True], "bool"),
    ("booleans past a byte", pa.array([False] * 9 + [True]), [False] * 9 + [True], "bool"),
    ("booleans from bit 3", pa.array([True] * 3 + [False, True]).slice(3), [False, True], "bool"),
    ("no floats", pa.array([], pa.float64()), [], "float64"),
    ("no booleans", pa.array([], pa.bool_()), [], "bool"),
    ("no chunks", pa.chunked_array([], pa.int64()), [], "int64"),
    ("integers with a null", pa.array([7, None], pa.int64()), [7.0, "nan"], "float64"),
    ("small integers from the middle", pa.array([1, 2, 3], pa.int32()).slice(1), [2, 3], "int32"),
    ("bytes from the middle", pa.array([1, 2, 3], pa.int8()).slice(2), [3], "int8"),
    ("text", pa.array(["a", "b"]), ["a", "b"], "object"),
    ("text with a gap", pa.array(["a", None]), ["a", None], "object"),
]


@pytest.mark.parametrize(("array", "expected", "dtype"), [c[1:] for c in AS_NUMPY],
                         ids=[c[0] for c in AS_NUMPY])  # fmt: skip
def test_as_numpy_gives_arrow_s_own_values(array: pa.Array, expected: list, dtype: str) -> None:  # type: ignore[type-arg]
    from csitools.measure.csvdata import as_numpy

    got = as_numpy(array)
    assert got.dtype == np.dtype(dtype)
    assert [("nan" if v != v else v) for v in got.tolist()] == expected
    combined = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    np.testing.assert_array_equal(got, combined.to_numpy(zero_copy_only=False))


AS_NUMPY_CSV = b"f,i,b\n1.5,7,true\n,8,false\n3,9,true\n"

AS_NUMPY_PROBE = """
import io, sys
import pyarrow.compute as pc, pyarrow.csv as pacsv
from csitools.measure.csvdata import as_numpy
t = pacsv.read_csv(io.BytesIO(sys.stdin.buffer.read()))
f, i, b = t["f"], t["i"], t["b"]
columns = [f, i, b, f.slice(2), i.slice(1), b.slice(1), i.slice(0, 0), pc.is_valid(f)]
print(repr([as_numpy(c).tolist() for c in columns]), "pandas" in sys.modules)
"""


def test_as_numpy_reads_float_integer_and_boolean_columns_without_pandas() -> None:
    """Arrow's own conversion imports pandas (0.15 s); the columns a KPI is computed
    from (floats with gaps, integers, booleans, from any offset) are read without it,
    to the values Arrow gives."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", AS_NUMPY_PROBE],
        input=AS_NUMPY_CSV,
        capture_output=True,
        check=True,
    )
    expected = [[1.5, None, 3.0], [7, 8, 9], [True, False, True], [3.0], [8, 9], [False, True]]
    expected += [[], [True, False, True]]
    from csitools.measure.csvdata import as_numpy

    table = pacsv.read_csv(io.BytesIO(AS_NUMPY_CSV))
    f, i, b = table["f"], table["i"], table["b"]
    columns = [f, i, b, f.slice(2), i.slice(1), b.slice(1), i.slice(0, 0), pc.is_valid(f)]
    values = [as_numpy(c).tolist() for c in columns]
    assert [[None if v != v else v for v in c] for c in values] == expected
    assert run.stdout.decode() == f"{values!r} False\n"
