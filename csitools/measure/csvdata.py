"""Reading metric CSVs: each file once, only the columns asked for, every cell as text,
with pyarrow; and turning text cells into numbers, booleans and timestamps, vectorised,
with the line of the first bad cell.

Line numbers are the file's physical lines, as an editor shows them: the header is line
1, and :meth:`CsvData.line` finds where data row i starts, counting quoted values that
span lines and skipping blank lines as the reader does. Finding it re-reads the file, so
it is done only for a problem being reported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csitools.problems import Problem, plural
from csitools.register.limits import LARGEST, NUMBER_RANGE, in_range

NULLS = ["", "?", "NULL"]
"""Cells that mean "no value" (ServiceNow writes ``?``)."""
TRUE_TEXT = ["TRUE", "true", "True", "1"]
FALSE_TEXT = ["FALSE", "false", "False", "0"]

NUMBER_PATTERN = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
"""A plain number, as a cell may hold one: no units, no thousands separators."""


@dataclass
class CsvData:
    """One CSV as read in this call, and what its KPIs derived from it (shared by them)."""

    text: str
    header: list[str]
    table: pa.Table
    real: Path | None = None
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    _starts: list[int] | None = field(default=None, repr=False)
    copies: dict[str, list[str]] = field(default_factory=dict)
    """A column named more than once in the header (Jira writes Labels once per label):
    the table's names of each copy, the first being the name itself."""

    def columns_of(self, column: str) -> list[str]:
        """The table's columns that hold ``column``: one, or each of its copies."""
        return self.copies.get(column, [column])

    def line(self, row: int) -> int:
        """The physical line where data row ``row`` (0-based) starts."""
        if self._starts is None:
            self._starts = _record_starts(self.real) if self.real else []
        return self._starts[row] if row < len(self._starts) else row + 2


def _records(real: Path) -> Iterator[tuple[int, list[str]]]:
    """Each non-empty data record and the line it starts on, by Python's reader, up to
    the first unreadable part (an error path only)."""
    try:
        with real.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            next(reader, None)  # the header
            end = reader.line_num
            for record in reader:
                if record:  # pyarrow skips empty lines; csv gives them as []
                    yield end + 1, record
                end = reader.line_num
    except (OSError, UnicodeDecodeError, csv.Error):
        return


def _record_starts(real: Path) -> list[int]:
    """The first line of each non-empty data record (an error path only)."""
    return [line for line, _ in _records(real)]


COPY_MARK = "\u241f"
"""Joins a repeated column's name and its copy number in the table ("Labels\u241f2")."""


def shown(column: str) -> str:
    """A table column's name as the file writes it (a copy of a repeated column too)."""
    return column.split(COPY_MARK, 1)[0]


def distinct_names(header: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """A table name for each header cell, and the copies of each repeated column."""
    names: list[str] = []
    copies: dict[str, list[str]] = {}
    for name in header:
        if name in copies or header.count(name) > 1:
            copies.setdefault(name, [])
            copy = name if not copies[name] else f"{name}{COPY_MARK}{len(copies[name]) + 1}"
            copies[name].append(copy)
            names.append(copy)
        else:
            names.append(name)
    return names, copies


def read_csv(
    real: Path, text: str, columns: list[str], kpis: list[str]
) -> tuple[CsvData | None, list[Problem]]:
    def whole(message: str, line: int = 0) -> tuple[None, list[Problem]]:
        return None, [Problem(text, line, "$", message)]

    if not real.is_file():
        users = ", ".join(repr(kpi) for kpi in kpis)
        return whole(f"the file does not exist (read by KPI {users}); add it or fix source.csv")
    try:
        with real.open("rb") as f:
            first = f.readline()
    except OSError as exc:
        return whole(f"the file cannot be read ({exc.strerror}); check its permissions")
    if not first.removeprefix(b"\xef\xbb\xbf").strip():  # nothing, or only a BOM
        why = "the file is empty; write a header line (period,value for a time series, or "
        return whole(why + "the export's column names) and the data below it")
    try:
        header = next(csv.reader([first.decode("utf-8-sig").rstrip("\r\n")]))
    except UnicodeDecodeError:
        return whole(*_not_utf8(real))
    names, copies = distinct_names(header)
    present = [copy for c in columns if c in header for copy in copies.get(c, [c])]
    if not present:  # every KPI lacks its columns: each says which, from the header
        return CsvData(text, header, pa.table({}), real), []
    given = names if copies else None  # the header's own names, unless some repeat
    try:
        try:
            table = _arrow_read(real, present, names=given)
        except pa.ArrowInvalid as exc:
            if not _ragged(exc):
                raise
            # The fast reader splits a quoted line break into short rows: only the slower
            # parse tells the two apart, so read again with it.
            table = _arrow_read(real, present, careful=True, names=given)
    except (pa.ArrowException, OSError) as exc:
        if isinstance(exc, pa.ArrowInvalid) and _ragged(exc):
            return whole(*_ragged_message(real, len(header)))
        if "UTF8" in str(exc):
            return whole(*_not_utf8(real))
        return whole(f"the file cannot be read as CSV ({exc}); fix it or export it again")
    if table.num_rows == 0:
        return whole("the file has a header but no data rows; add the data below line 1")
    return CsvData(text, header, table, real, copies=copies), []


def _arrow_read(
    real: Path, columns: list[str], careful: bool = False, names: list[str] | None = None
) -> pa.Table:
    """The columns asked for, as text; ``names``: the table's names for the header's
    cells (the header line is then skipped), when the header repeats a name."""
    # No Python object goes into the reader's options (no invalid_row_handler): Arrow's
    # worker threads sometimes drop the reader last, and dropping a Python object takes
    # the GIL. A thread that asks for the GIL while the interpreter is finalizing is ended
    # with pthread_exit, whose unwinding through Arrow's noexcept destructor calls
    # std::terminate: exit status 134 at random, after the command had printed its result.
    read = pacsv.ReadOptions(
        use_threads=not careful, column_names=names, skip_rows=1 if names else 0
    )
    return pacsv.read_csv(
        real,
        read_options=read,
        parse_options=pacsv.ParseOptions(newlines_in_values=careful),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns,
            column_types=dict.fromkeys(columns, pa.string()),
            null_values=NULLS,
            strings_can_be_null=True,
        ),
    )


def _ragged(exc: pa.ArrowInvalid) -> bool:
    """Whether Arrow refused a row for its number of fields."""
    return str(exc).startswith("CSV parse error:") and " columns, got " in str(exc)


def _ragged_message(real: Path, width: int) -> tuple[str, int]:
    """The message and line for the first row whose number of fields differs from the
    header's (an error path only: Python's reader counts them, line by line)."""
    ragged = [(line, len(record)) for line, record in _records(real) if len(record) != width]
    fix = "give every row one value per column, and quote values that contain commas"
    if not ragged:
        return f"a row has more or fewer fields than the header's {width}; {fix}", 0
    line, fields = ragged[0]
    why = f"this row has {plural(fields, 'field')} but the header has {width}"
    return f"{why}{more(len(ragged) - 1)}; {fix}", line


def _not_utf8(real: Path) -> tuple[str, int]:
    """The message and line for the first byte that is not UTF-8 (an error path only)."""
    data = real.read_bytes()
    try:
        data.decode("utf-8")
        return "the file is not valid UTF-8; save it as UTF-8", 0
    except UnicodeDecodeError as bad:
        sample, line = data[bad.start : bad.start + 1], data.count(b"\n", 0, bad.start) + 1
        return f"the byte {sample!r} is not UTF-8; save the file as UTF-8 (e.g. 'CSV UTF-8')", line


def more(n: int) -> str:
    return f" (and {plural(n, 'more row')})" if n else ""


def bad_cells(data: CsvData, column: str, rows: np.ndarray, bad: np.ndarray, what: str) -> Problem:
    """The first bad cell (line and value), and how many more there are."""
    at = np.flatnonzero(bad)
    value = data.table[column][int(rows[at[0]])].as_py()
    value_shown = "an empty cell" if value is None else repr(value)
    message = f"{value_shown} is not {what}{more(len(at) - 1)}"
    if what.startswith("a number") and _out_of_range(value):
        message = f"{value_shown} is outside {NUMBER_RANGE}, the numbers a register holds"
        message += f"{more(len(at) - 1)}; fix the cell"
    where = f"column {shown(column)!r}"
    return Problem(data.text, data.line(int(rows[at[0]])), where, message)


def _out_of_range(cell: str | None) -> bool:
    """A plain number (no unit, no 'inf') that lies outside the range a register holds."""
    text = (cell or "").strip()
    return re.fullmatch(NUMBER_PATTERN, text) is not None and not in_range(float(text))


# -- conversions: a text column -> numpy values, and masks of valid and bad cells -------
_PRIMITIVE = {
    pa.float64(): np.float64,
    pa.int64(): np.int64,
    pa.uint64(): np.uint64,
    pa.int32(): np.int32,
    pa.uint32(): np.uint32,
    pa.int8(): np.int8,
}
"""Arrow types whose values buffer is a NumPy array as it stands."""


def as_numpy(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The values of an Arrow array as NumPy, nulls of a float column as NaN.

    Arrow's own ``to_numpy`` (and any Arrow call given a Python value, such as
    ``fill_null(nan)``) imports pandas: 0.15 s, once per process, for a plain float
    column. The columns we compute on (floats, with gaps or not, integers and booleans
    without) are read from their buffers; any other goes through ``to_numpy``."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    kind = array.type
    dtype = _PRIMITIVE.get(kind)
    gaps = array.null_count > 0
    if (dtype is None and kind != pa.bool_()) or (gaps and kind != pa.float64()):
        values: np.ndarray = array.to_numpy(zero_copy_only=False)
        return values
    n, start = len(array), array.offset
    validity, data = array.buffers()  # a bitmap and the values: two buffers
    if n == 0:
        return np.zeros(0, dtype or bool)
    if dtype is None:
        return _bits(data, start, n)
    values = np.frombuffer(data, dtype, count=n, offset=start * np.dtype(dtype).itemsize)
    return np.where(_bits(validity, start, n), values, np.nan) if gaps else values


def _bits(buffer: pa.Buffer, start: int, n: int) -> np.ndarray:
    """``n`` bits of an Arrow bitmap from bit ``start``, least significant first."""
    return np.unpackbits(np.frombuffer(buffer, np.uint8), bitorder="little")[
        start : start + n
    ].astype(bool)


def parse_numbers(raw: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        number = pc.cast(raw, pa.float64())
    except pa.ArrowInvalid:
        # Some cell is not a plain number: trim blanks and cast only what looks like one.
        raw = pc.utf8_trim_whitespace(raw)
        ok = pc.match_substring_regex(raw, NUMBER_PATTERN)
        number = pc.cast(pc.if_else(ok, raw, pa.scalar(None, pa.string())), pa.float64())
    values = as_numpy(number)
    # null -> NaN; 'nan' and 'inf' are not measurements, nor are numbers out of range.
    valid = np.abs(np.nan_to_num(values, nan=np.inf)) <= LARGEST
    return values, valid, as_numpy(pc.is_valid(raw)) & ~valid


def parse_booleans(raw: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    text = pc.utf8_trim_whitespace(raw)
    true, false = (as_numpy(pc.is_in(text, value_set=pa.array(v))) for v in (TRUE_TEXT, FALSE_TEXT))
    return true, true | false, as_numpy(pc.is_valid(text)) & ~(true | false)


def parse_timestamps(
    raw: pa.ChunkedArray, fmt: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Microseconds since 1970 (naive; cells with an offset become UTC), valid, bad."""
    text = pc.utf8_trim_whitespace(raw)
    stamps = _strptime(text, fmt) if fmt else _iso(text)
    valid = as_numpy(pc.is_valid(stamps))
    micros = as_numpy(pc.fill_null(pc.cast(stamps, pa.int64()), 0))
    return micros, valid, as_numpy(pc.is_valid(text)) & ~valid


def _strptime(text: pa.ChunkedArray, fmt: str) -> pa.ChunkedArray:
    stamps = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
    # Arrow's strptime rolls an impossible day over (31-02-2016 -> 2016-03-02), which always
    # lands on day 1-3 of the next month. Only those cells are written back and compared; a
    # cell that differs (rolled over, or merely not zero-padded) is settled by Python's
    # strict strptime, so well-formed exports stay vectorised.
    suspect = np.flatnonzero(as_numpy(pc.fill_null(pc.less_equal(pc.day(stamps), 3), False)))
    if len(suspect) == 0:
        return stamps
    written = text.take(suspect)
    try:
        same = as_numpy(
            pc.fill_null(pc.equal(pc.strftime(stamps.take(suspect), fmt), written), False)
        )
    except pa.ArrowException:  # a format strftime cannot write: check them all in Python
        same = np.zeros(len(suspect), bool)
    wrong = np.zeros(len(text), bool)
    for i, value in zip(suspect[~same], written.filter(pa.array(~same)).to_pylist(), strict=True):
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            wrong[i] = True
    return (
        pc.if_else(pa.array(wrong), pa.scalar(None, stamps.type), stamps) if wrong.any() else stamps
    )


def _iso(text: pa.ChunkedArray) -> pa.ChunkedArray:
    naive = pa.timestamp("us")
    for target in (naive, pa.timestamp("us", "UTC")):
        try:  # fast paths: every cell naive ISO 8601, or every cell with an offset
            return pc.cast(pc.cast(text, target), naive)
        except pa.ArrowInvalid:
            pass
    # A mix, or bad cells: settle each distinct value with Python's ISO parser.
    distinct, parsed = pc.unique(text), []
    for value in distinct.to_pylist():
        try:
            stamp: datetime | None = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            stamp = None
        if stamp is not None and stamp.tzinfo is not None:
            stamp = stamp.astimezone(UTC).replace(tzinfo=None)
        parsed.append(stamp)
    return pa.array(parsed, naive).take(pc.index_in(text, value_set=distinct))
