"""Problems found in the register: one record per problem, whatever found it, and the
words every message uses (``did_you_mean``, ``plural``).

Loaders, checks and metrics all return ``Problem`` values instead of raising, so a
run collects every problem of every file; reporters (``csitools.reporting``) are the
only code that prints them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

Where = tuple[str | int, ...]
"""Where a value sits in a document: its keys and list indexes from the top, such as
``("raci", 0, "accountable")``; ``json_path`` writes it as ``$.raci[0].accountable``."""


class Fault(NamedTuple):
    """What a rule finds wrong in one file, before it is placed at a line: where in the
    data, and the message. Rules yield faults; their caller turns them into problems."""

    where: Where
    message: str


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, located: ``path:line: json_path: message``.

    ``path`` is relative to the repository root, with forward slashes. ``line`` is
    1-based (0 when the problem concerns the file as a whole). ``json_path`` is a
    JSONPath such as ``$.raci[0].accountable`` (``$`` for the whole document, or a
    ``column 'x'`` description for CSV problems). The message says what is wrong
    and what would fix it. A ``warning`` is advice (ITIL's two to three KPIs per CSF,
    say): it is reported, but the register still validates and builds.
    """

    path: str
    line: int
    json_path: str
    message: str
    severity: str = "error"

    def as_dict(self) -> dict[str, str | int]:
        """The fields, for JSON output."""
        return {
            "path": self.path,
            "line": self.line,
            "json_path": self.json_path,
            "message": self.message,
            "severity": self.severity,
        }

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        marker = "" if self.is_error else f"{self.severity}: "
        return f"{self.path}:{self.line}: {self.json_path}: {marker}{self.message}"


def json_path(parts: Where) -> str:
    """Render a path of keys and indexes as JSONPath: ``('raci', 0, 'accountable')``
    becomes ``$.raci[0].accountable``."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif part.replace("_", "").replace("-", "").isalnum():
            out.append(f".{part}")
        else:
            out.append(f"[{part!r}]")
    return "".join(out)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` naming the closest of ``known``, or "" when none is close."""
    near = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 file``, ``2 files``; ``many`` for a plural that is not ``word + "s"``."""
    return f"{n} {word if n == 1 else many or word + 's'}"
