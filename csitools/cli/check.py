"""csi validate and csi status."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from csitools.cli.common import AS_OF, format_option, one_root, shown, warn_problems
from csitools.problems import Problem
from csitools.register.load import find_root
from csitools.reporting.problems import REPORTERS
from csitools.reporting.status import status_csv, status_json, status_table


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


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@format_option(
    sorted(REPORTERS),
    "text for people, json for programs, github for workflow annotations.",
    default="text",
)
def validate(paths: tuple[Path, ...], fmt: str) -> None:
    """Check the register's YAML files and the data they point at.

    PATHS are register repositories, folders or files inside one (default: the
    repository around the current folder). The whole register is always read, so
    references across files are checked; only problems in PATHS are reported.
    Prints one line per problem, `file:line: $.json.path: message`, then a summary.
    Exits 0 when clean or when there are only warnings, 1 when there are problems, 2
    on usage errors.

    \b
    Examples:
      csi validate
      csi validate register/CSI-0002-self-service-password-reset.yaml
      csi validate --format github      # annotations in a GitHub Actions job
    """
    from csitools.validation import validate_repository

    problems: list[Problem] = []
    files = 0
    for root, only in _targets(paths).items():
        result = validate_repository(root)
        files += sum(1 for f in result.files if _wanted(f, only))
        problems += shown(root, [p for p in result.problems if _wanted(p.path, only)])
    problems.sort()
    click.echo(REPORTERS[fmt](files, problems), nl=False)
    if any(p.is_error for p in problems):
        raise SystemExit(1)


@click.command()
@click.argument("ids", nargs=-1)
@AS_OF
@format_option(
    ["table", "json", "csv"],
    "table for people (colour on a terminal unless NO_COLOR is set), json or csv.",
)
def status(ids: tuple[str, ...], as_of: datetime | None, fmt: str) -> None:
    """Show each improvement's computed health, score and lane.

    Health comes from the KPI data, never from what the entry says: achieved,
    on-track, at-risk, missed, regressed, no-data or stale, and sustained or slipped
    for a completed entry watched with sustain (the rules: the README's "Computed
    status", or the site's Glossary). IDS limit the output to those
    improvements. The table shows health, score, lane, the next due date and flags;
    --format json or csv adds progress, time gone and the forecast per target.

    \b
    Examples:
      csi status
      csi status CSI-0007 --as-of 2026-06-30
      csi status --format json | jq '.improvements[] | select(.health == "at-risk")'
    """
    from csitools.validation import validate_repository

    root = one_root()
    validation = validate_repository(root, as_of.date() if as_of else None)
    result = validation.status
    if ids:
        known = {s.id for s in result.improvements}
        unknown = [i for i in ids if i not in known]
        broken = [i for i in unknown if i in validation.register.unusable]
        if broken:
            raise click.ClickException(
                f"{', '.join(broken)} cannot be judged: the entry has problems; run "
                "csi validate to see them"
            )
        if unknown:
            raise click.UsageError(f"no improvement {', '.join(unknown)} in the register")
        result = replace(result, improvements=tuple(s for s in result.improvements if s.id in ids))
    warn_problems(validation)
    if fmt == "json":
        click.echo(status_json(result), nl=False)
    elif fmt == "csv":
        click.echo(status_csv(result), nl=False)
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(status_table(result, colour), nl=False, color=colour)
