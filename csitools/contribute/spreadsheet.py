"""Reading a spreadsheet's CSV export (``csi import``): rows with the line each starts
on, whichever separator (comma, semicolon, tab) the file fits best, and a quote left
open named by its line instead of swallowing the rest of the file."""

from __future__ import annotations

import csv
import io

SEPARATORS = {",": "','", ";": "';'", "\t": "tab"}
"""The separators a spreadsheet's CSV may use, and their names in messages."""


_END = "\x1fcsi: end of file\x1f"
"""A last line added to the text: a quote left open swallows it."""


class _Dialect(csv.excel):
    """Excel's CSV: a cell in double quotes may hold the separator, line breaks and
    quotes written twice (``"Fix the ""VPN"" issue"``)."""

    skipinitialspace = True


class UnterminatedQuote(Exception):
    """A quoted cell that runs to the end of the file."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _parse(text: str, separator: str) -> tuple[list[tuple[int, list[str]]], int | None]:
    """Rows with the line each starts on, and the line of a quote that is never
    closed (None when every quote is)."""
    ending = "" if text.endswith(("\n", "\r")) or not text else "\n"
    lines = io.StringIO(text + ending + _END, newline="")
    reader = csv.reader(lines, _Dialect, delimiter=separator)
    rows = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        # Cells spanning lines keep Excel's CRLF inside the quotes; YAML wants \n.
        rows.append((start, [c.replace("\r\n", "\n").replace("\r", "\n") for c in row]))
    if rows and rows[-1][1] == [_END]:
        return rows[:-1], None
    start, cells = rows[-1]
    return rows, start + sum(c.count("\n") for c in cells[:-1])


def _fit(rows: list[tuple[int, list[str]]]) -> tuple[bool, int, int, int]:
    """How well rows read with one separator fit their header, best highest: a header
    of several columns, the most rows with as many cells as it has, the most with no
    more, the most columns."""
    width = len(rows[0][1]) if rows else 0
    data = [len(cells) for _, cells in rows[1:101] if any(c.strip() for c in cells)]
    return (width > 1, sum(n == width for n in data), sum(n <= width for n in data), width)


def read_csv(text: str) -> tuple[list[tuple[int, list[str]]], str]:
    """Rows with the line each starts on (a quoted cell may span lines), and the
    separator they fit best. Raises UnterminatedQuote for a quote never closed."""
    # A quote the wrong separator opens can run to the end of the file: let a cell be as
    # long as the file, so that reading reaches the end and the fit decides.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    parsed, failures = {}, []
    try:
        for separator in SEPARATORS:
            try:
                parsed[separator] = _parse(text, separator)
            except csv.Error as exc:  # this separator does not read it; another may
                failures.append(exc)
    finally:
        csv.field_size_limit(limit)
    if not parsed:
        raise failures[0]
    separator = max(parsed, key=lambda sep: _fit(parsed[sep][0]))
    rows, open_quote = parsed[separator]
    if open_quote is not None:
        raise UnterminatedQuote(open_quote)
    return rows, separator
