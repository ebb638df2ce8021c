"""The whole check of a repository in one call: load -> model -> checks -> metrics
-> status.

The CLI and the MkDocs plugin both call ``validate_repository`` so they report the
same problems with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from csitools.checks import check_register
from csitools.load import load_repository
from csitools.metrics import Series, load_series
from csitools.model import Register, build_register
from csitools.problems import Problem
from csitools.status import RegisterStatus, assess_register


@dataclass(frozen=True)
class Validation:
    register: Register
    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    series: Mapping[str, Series]
    status: RegisterStatus

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def validate_repository(root: Path, as_of: date | None = None) -> Validation:
    """Check every file of the register at ``root`` and compute its status as of a
    date (today by default). Collects every problem; never raises for bad input."""
    as_of = as_of or date.today()
    loaded = load_repository(root)
    register = build_register(loaded)
    problems = [*loaded.problems, *check_register(register)]
    bad_sources = {p.path for p in problems if p.json_path.startswith("$.source")}
    sources = {kpi.id: kpi.source for kpi in register.kpis.values() if kpi.path not in bad_sources}
    series, metric_problems = load_series(sources, root)
    status = assess_register(register, series, as_of)
    problems += metric_problems
    # An outcome judged on a broken entry (bad dates, unknown KPIs) would only repeat
    # the same fault in other words: report it once the entry is otherwise clean.
    faulty = {p.path for p in problems}
    problems += [p for p in status.problems if p.path not in faulty]
    return Validation(register, tuple(loaded.files), tuple(sorted(set(problems))), series, status)


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a register/ folder."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "register").is_dir():
            return folder
    return None
