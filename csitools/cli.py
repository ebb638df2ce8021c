"""The ``csi`` command: thin adapters over the library functions.

Each command finds the register, calls one function, hands the result to a
reporter, and turns expected failures into a message and an exit code: 0 clean,
1 problems found, 2 usage errors. No traceback for bad input.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from csitools import __version__
from csitools.pipeline import find_root, validate_repository
from csitools.problems import Problem
from csitools.report import REPORTERS

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="csi")
def main() -> None:
    """csi: the Continual Improvement Register, kept as code.

    Improvements (register/CSI-*.yaml) and KPIs (kpis/*.yaml) are YAML files in git;
    csi validates them, computes their health from metric data and builds the site.

    \b
    Example:
      csi validate
    """


def _display(root: Path, rel: str) -> str:
    """A problem's path as the user can open it from the current folder."""
    full = root / rel
    try:
        return os.path.relpath(full, Path.cwd()).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return full.as_posix()


def _targets(paths: tuple[Path, ...]) -> dict[Path, set[str] | None]:
    """Group the PATH arguments by repository root: None = the whole repository,
    else the set of files (relative to the root) to report on."""
    if not paths:
        root = find_root(Path.cwd())
        if root is None:
            raise click.UsageError(
                "no register/ folder here or above; run csi in a register repository, "
                "give its path, or create one with csi init"
            )
        return {root: None}
    groups: dict[Path, set[str] | None] = {}
    for path in paths:
        resolved = path.resolve()
        if resolved.is_dir() and (resolved / "register").is_dir():
            groups[resolved] = None
            continue
        root = find_root(resolved if resolved.is_dir() else resolved.parent)
        if root is None:
            raise click.UsageError(
                f"{path} is not inside a register repository (no register/ folder)"
            )
        if groups.get(root, set()) is None:
            continue
        rel = resolved.relative_to(root).as_posix()
        if resolved.is_dir():
            groups[root] = None if rel == "." else {*(groups.get(root) or set()), rel + "/"}
        else:
            groups.setdefault(root, set()).add(rel)  # type: ignore[union-attr]
    return groups


def _wanted(rel: str, only: set[str] | None) -> bool:
    if only is None:
        return True
    return rel in only or any(o.endswith("/") and rel.startswith(o) for o in only)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for workflow annotations.",
)
def validate(paths: tuple[Path, ...], fmt: str) -> None:
    """Check the register's YAML files and the data they point at.

    PATHS are register repositories, folders or files inside one (default: the
    repository around the current folder). The whole register is always read, so
    references across files are checked; only problems in PATHS are reported.
    Prints one line per problem, `file:line: $.json.path: message`, then a summary.
    Exits 0 when clean, 1 when there are problems, 2 on usage errors.

    \b
    Examples:
      csi validate
      csi validate register/CSI-0007-self-service-password-reset.yaml
      csi validate --format github      # annotations in a GitHub Actions job
    """
    problems: list[Problem] = []
    files = 0
    for root, only in _targets(paths).items():
        result = validate_repository(root)
        files += sum(1 for f in result.files if _wanted(f, only))
        for p in result.problems:
            if _wanted(p.path, only):
                problems.append(
                    Problem(_display(root, p.path), p.line, p.json_path, p.message, p.severity)
                )
    problems.sort()
    click.echo(REPORTERS[fmt](files, problems), nl=False)
    if problems:
        raise SystemExit(1)
