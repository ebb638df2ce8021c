"""The ``csi`` command: thin adapters over the library functions.

Each command finds the register, calls one function, hands the result to a
reporter, and turns expected failures into a message and an exit code: 0 clean,
1 problems found, 2 usage errors. No traceback for bad input.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import click

from csitools import __version__
from csitools.pipeline import Validation, find_root, validate_repository
from csitools.problems import Problem
from csitools.report import REPORTERS, report_text, status_csv, status_json, status_table

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


AS_OF = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge the data as of this date, YYYY-MM-DD (default: today).",
)


def _one_root() -> Path:
    root = find_root(Path.cwd())
    if root is None:
        raise click.UsageError(
            "no register/ folder here or above; run csi in a register repository "
            "or create one with csi init"
        )
    return root


def _warn_problems(validation: Validation) -> None:
    if validation.problems:
        n = len(validation.problems)
        click.echo(
            f"warning: the register has {n} problem{'s' if n != 1 else ''}; "
            "results may be incomplete. Run csi validate for details.",
            err=True,
        )


@main.command()
@click.argument("ids", nargs=-1)
@AS_OF
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for people (colour on a terminal unless NO_COLOR is set), json or csv.",
)
def status(ids: tuple[str, ...], as_of: datetime | None, fmt: str) -> None:
    """Show each improvement's computed health, score and lane.

    Health comes from the KPI data, never from what the entry says: achieved,
    on-track, at-risk, missed, regressed, no-data or stale (see DESIGN.md). IDS
    limit the output to those improvements.

    \b
    Examples:
      csi status
      csi status CSI-0007 --as-of 2026-06-30
      csi status --format json | jq '.improvements[] | select(.health == "at-risk")'
    """
    root = _one_root()
    validation = validate_repository(root, as_of.date() if as_of else None)
    result = validation.status
    if ids:
        known = {s.id for s in result.improvements}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise click.UsageError(f"no improvement {', '.join(unknown)} in the register")
        result = replace(result, improvements=tuple(s for s in result.improvements if s.id in ids))
    _warn_problems(validation)
    if fmt == "json":
        click.echo(status_json(result), nl=False)
    elif fmt == "csv":
        click.echo(status_csv(result), nl=False)
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(status_table(result, colour), nl=False, color=colour)


def _mkdocs_config(root: Path, strict: bool, **overrides: object):  # type: ignore[no-untyped-def]
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise click.ClickException(
            f"no mkdocs.yml in {root}; csi init writes one, or copy the sample's"
        )
    try:
        return load_config(config_file=str(config_file), strict=strict, **overrides)
    except ConfigurationError as exc:
        raise click.ClickException(f"mkdocs.yml: {exc}") from exc


@main.command()
@AS_OF
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="Fail on MkDocs warnings (broken links, missing pages).",
)
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write the site (default: site_dir of mkdocs.yml, site/).",
)
def build(as_of: datetime | None, strict: bool, site_dir: Path | None) -> None:
    """Validate the register, then build its site with MkDocs.

    The same commit and --as-of give the same site, byte for byte, when
    SOURCE_DATE_EPOCH is set (MkDocs then dates the sitemap from it).

    \b
    Examples:
      csi build
      csi build --as-of 2026-10-31 --site-dir public
      SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) csi build
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    root = _one_root()
    day = as_of.date() if as_of else date.today()
    validation = validate_repository(root, day)
    if validation.problems:
        click.echo(report_text(len(validation.files), list(validation.problems)), nl=False)
        raise click.ClickException("the register has problems; fix them, then build again")
    os.environ["CSI_AS_OF"] = day.isoformat()
    overrides = {"site_dir": str(site_dir.resolve())} if site_dir else {}
    config = _mkdocs_config(root, strict, **overrides)
    try:
        mkdocs_build(config)
    except MkDocsException as exc:
        raise click.ClickException(str(exc)) from exc
    out = Path(config.site_dir)
    pages = sum(1 for _ in out.rglob("*.html"))
    click.echo(f"built {pages} pages into {os.path.relpath(out)}/ (health as of {day})")
    click.echo(f"serve it: python -m http.server -d {os.path.relpath(out)} 8000, or csi serve")


@main.command()
@AS_OF
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address and port to serve on."
)
def serve(as_of: datetime | None, dev_addr: str) -> None:
    """Serve the site locally, rebuilding when register/, kpis/ or site_config/ change.

    \b
    Example:
      csi serve --dev-addr 127.0.0.1:8001
    """
    from mkdocs.commands.serve import serve as mkdocs_serve

    root = _one_root()
    if as_of:
        os.environ["CSI_AS_OF"] = as_of.date().isoformat()
    os.chdir(root)
    mkdocs_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True)


@main.command()
@AS_OF
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("charts"),
    show_default=True,
    help="Folder to write the charts to.",
)
@click.option("--png", is_flag=True, help="Write PNG instead of SVG.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to render with (default: one per core).",
)
def charts(as_of: datetime | None, out_dir: Path, png: bool, jobs: int | None) -> None:
    """Render a chart per KPI and per improvement (one panel per target).

    Charts are cached by a hash of what feeds them under .cache/csi/charts, so a
    second run renders only what changed. The same data and --as-of give the
    same bytes.

    \b
    Examples:
      csi charts
      csi charts --out public/charts --png --as-of 2026-10-31
    """
    from csitools.charts import chart_specs, render_charts

    root = _one_root()
    day = as_of.date() if as_of else date.today()
    validation = validate_repository(root, day)
    _warn_problems(validation)
    specs = chart_specs(validation.register, validation.series, validation.status, day)
    fmt = "png" if png else "svg"
    cache = root / ".cache" / "csi" / "charts"
    if sys.stderr.isatty():
        with click.progressbar(length=len(specs), label="charts", file=sys.stderr) as bar:
            report = render_charts(
                specs, out_dir, cache, fmt, jobs=jobs, progress=lambda: bar.update(1)
            )
    else:
        report = render_charts(specs, out_dir, cache, fmt, jobs=jobs)
    for path in report.written:
        click.echo(os.path.relpath(path))
    click.echo(
        f"{len(report.written)} charts in {os.path.relpath(out_dir)}/: {report.rendered} "
        f"rendered, {report.cached} from the cache, {report.removed} stale removed",
        err=True,
    )


if __name__ == "__main__":  # python -m csitools.cli
    main()
