"""The whole check of a repository in one call: load -> model -> checks.

The CLI and the MkDocs plugin both call ``validate_repository`` so they report the
same problems with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from csitools.checks import check_register
from csitools.load import load_repository
from csitools.model import Register, build_register
from csitools.problems import Problem


@dataclass(frozen=True)
class Validation:
    register: Register
    files: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def validate_repository(root: Path) -> Validation:
    """Check every file of the register at ``root``; collects, never raises."""
    loaded = load_repository(root)
    register = build_register(loaded)
    problems = [*loaded.problems, *check_register(register)]
    return Validation(register, tuple(loaded.files), tuple(sorted(set(problems))))


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a register/ folder."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "register").is_dir():
            return folder
    return None
