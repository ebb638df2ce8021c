"""The whole check of a repository in one call: load -> model -> checks -> metrics
-> status.

The CLI and the MkDocs plugin both call ``validate_repository`` so they report the
same problems with the same words.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from csitools.measure.series import Series, load_series
from csitools.measure.status import RegisterStatus, assess_register
from csitools.measure.value import check_value
from csitools.problems import Problem
from csitools.register.builders import build_register
from csitools.register.checks import check_register
from csitools.register.load import ANALYSIS_FOLDERS, YAML_SUFFIXES, load_repository
from csitools.register.model import Register
from csitools.register.reviewchecks import check_reviews


@dataclass(frozen=True)
class Validation:
    register: Register
    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    series: Mapping[str, Series]
    status: RegisterStatus

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that stop a build; the rest are warnings."""
        return tuple(p for p in self.problems if p.is_error)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Reading a register makes hundreds of thousands of small objects (nodes, dicts,
    dataclasses) and none of them in reference cycles, yet each batch of 700 new ones
    sets the cycle collector walking the growing heap: 13% of a validation. It is
    paused while the register is read and resumed after (as it was: a caller that
    paused it keeps it paused); its next run finds whatever the pause left."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def validate_repository(root: Path, as_of: date | None = None) -> Validation:
    """Check every file of the register at ``root`` and compute its status as of a
    date (today by default). Collects every problem; never raises for bad input."""
    with _without_cycle_collection():
        return _validate(root, as_of or date.today())


def _validate(root: Path, as_of: date) -> Validation:
    loaded = load_repository(root)
    register = build_register(loaded)
    problems = [*loaded.problems, *check_register(register), *check_reviews(register)]
    bad_sources = {p.path for p in problems if p.json_path.startswith("$.source")}
    sources = {kpi.id: kpi.source for kpi in register.kpis.values() if kpi.path not in bad_sources}
    series, metric_problems = load_series(sources, root)
    status = assess_register(register, series, as_of)
    problems += metric_problems
    problems += check_value(register, as_of)
    # An outcome judged on a broken entry (bad dates, unknown KPIs) would only repeat
    # the same fault in other words: report it once the entry is otherwise clean.
    faulty = {p.path for p in problems}
    problems += [p for p in status.problems if p.path not in faulty]
    return Validation(register, tuple(loaded.files), tuple(sorted(set(problems))), series, status)


_last: tuple[tuple[object, ...], Validation] | None = None


def _fingerprint(root: Path, as_of: date) -> tuple[object, ...]:
    """What a validation depends on: every register file's and data file's path, size
    and modification time (stat only, no reading)."""
    entries: list[tuple[str, int, int, int]] = []
    for folder in ("register", "kpis", "reviews", "site_config", *ANALYSIS_FOLDERS):
        base = root / folder
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                # Whatever the loader takes (any case of suffix, a folder or a link in a
                # file's place): lstat, so a dangling link counts too.
                if path.suffix.lower() in (*YAML_SUFFIXES, ".csv", ".xlsx"):
                    st = path.lstat()
                    entries.append((str(path), st.st_mode, st.st_size, st.st_mtime_ns))
    return (str(root.resolve()), as_of, tuple(entries))


def validate_repository_once(root: Path, as_of: date | None = None) -> Validation:
    """``validate_repository``, reusing the previous result in this process when no
    file changed: `csi build` validates before MkDocs runs, and the plugin asks again."""
    global _last
    as_of = as_of or date.today()
    key = _fingerprint(root, as_of)
    if _last is not None and _last[0] == key:
        return _last[1]
    result = validate_repository(root, as_of)
    _last = (key, result)
    return result
