"""Keep-last over an event log: each ticket's final state is its row with the greatest
``order_by``, and a row without ``order_by`` never wins (README and the field reference:
``source.key`` and ``source.order_by``). Cases are data: the rows of one ticket, in file
order, and the row that must be kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_metrics import counted, events, one, resolution, tickets, values, write

HEADER = "number,sys_mod_count,opened_at,resolved_at,sys_updated_at\n"


def row(mod: str, resolved_hour: int, updated: str = "") -> str:
    """A row of INC1, opened 1 March 2016 at 08:00, resolved at ``resolved_hour``."""
    return f"INC1,{mod},01-03-2016 08:00,01-03-2016 {resolved_hour:02d}:00,{updated}\n"


@pytest.mark.parametrize(
    ("rows", "order_by", "hours"),
    [
        # numeric order: row 10 is the last state, whatever the file order
        ([row("9", 10), row("10", 12), row("2", 9)], "sys_mod_count", 4.0),
        # the last row in the file has no mod count: it never wins
        ([row("1", 10), row("2", 12), row("", 9)], "sys_mod_count", 4.0),
        # nor when it comes first
        ([row("", 9), row("1", 10), row("2", 12)], "sys_mod_count", 4.0),
        # a timestamp order: the row updated last wins; the one without a time never does
        (
            [
                row("", 11, "01-03-2016 11:00"),
                row("", 13, ""),
                row("", 10, "01-03-2016 10:00"),
            ],
            "sys_updated_at",
            3.0,
        ),
        # equal order_by values: the later row in the file wins
        ([row("3", 10), row("3", 14)], "sys_mod_count", 6.0),
        # no row has an order_by value: the last row in the file wins
        ([row("", 10), row("", 15)], "sys_mod_count", 7.0),
    ],
)
def test_keep_last_with_rows_missing_order_by(
    tmp_path: Path, rows: list[str], order_by: str, hours: float
) -> None:
    path = write(tmp_path, HEADER + "".join(rows))
    series, problems = one(tmp_path, tickets(path, **events(order_by=order_by, **resolution())))
    assert problems == []
    assert values(series) == {"2016-03-01": hours}
    assert counted(series) == (1, 0)


def test_without_order_by_the_last_row_in_the_file_is_the_final_state(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + row("9", 10) + row("10", 12) + row("2", 9))
    series, _ = one(tmp_path, tickets(path, **events(**resolution())))
    assert values(series) == {"2016-03-01": 1.0}
