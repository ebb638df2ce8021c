"""The values a register holds. A date or a number further out is a typo, and the
arithmetic and charts built on it (spans, differences, axis limits) would overflow.

Validation refuses what lies outside, naming the range; the model then never meets it.
"""

from __future__ import annotations

import re
from datetime import date

EARLIEST = date(1970, 1, 1)
LATEST = date(2199, 12, 31)
"""The dates a register accepts."""

LARGEST = 10**15
"""Numbers in YAML and CSV lie within -LARGEST..LARGEST. Every whole number up to it is
exact as a float (2**53 is about 9.0e15), and sums, differences and ratios of such
numbers stay far from the float's limits."""

NUMBER_RANGE = "-1e15 to 1e15"
"""The range, as messages write it."""

_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def in_range(value: float) -> bool:
    """Whether a number lies within -LARGEST..LARGEST (NaN does not)."""
    return -LARGEST <= value <= LARGEST


def is_register_date(text: object) -> bool:
    """The ``date`` format of the schemas: a real YYYY-MM-DD date in EARLIEST..LATEST.
    Anything but text passes (``type`` judges it)."""
    if not isinstance(text, str):
        return True
    if not _DATE_FORM.fullmatch(text):
        return False
    try:
        return EARLIEST <= date.fromisoformat(text) <= LATEST
    except ValueError:
        return False


def date_problem(text: str) -> str:
    """Why ``text`` is not a register date, and what to write."""
    if _DATE_FORM.fullmatch(text) and not EARLIEST.year <= int(text[:4]) <= LATEST.year:
        return (
            f"{text} is outside {EARLIEST} to {LATEST}; a date this far out is a typo, "
            "write the real date"
        )
    return f"{text!r} is not a real date; write an existing date as YYYY-MM-DD"


def shown_number(text: str) -> str:
    """A number as written, cut short when it runs to many digits."""
    text = text.strip()
    return text if len(text) <= 24 else f"{text[:12]}… ({len(text)} characters)"


def number_problem(text: str) -> str:
    """The message for a number outside the range."""
    return (
        f"the number {shown_number(text)} is outside {NUMBER_RANGE}, the numbers a register "
        "holds; write the real value (quote it if it is a code, not a quantity)"
    )
