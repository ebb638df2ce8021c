"""csi export and csi reference: files derived from the register.

Thin adapters over ``export`` (the register with its computed health, as CSV or JSON)
and ``references`` (the field and command reference pages). Neither writes into the
register's own folders.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from csitools.cli.common import AS_OF, display, format_option, one_root, root_group, warn_problems
from csitools.files import blocked, file_kind, in_the_way, replace_file
from csitools.history.git import tracked_paths
from csitools.problems import plural
from csitools.publish.sitefolder import KEPT, kept_folder_of


@click.command()
@format_option(
    ["csv", "json"], "csv for spreadsheets (one row per improvement), json for programs."
)
@AS_OF
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (replaced whole) instead of standard output.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace --out even when git tracks it (never a file of the register's own).",
)
def export(fmt: str, as_of: datetime | None, out: Path | None, force: bool) -> None:
    """Export the register with each improvement's computed health.

    JSON holds every entry and KPI as written plus what csi computes for it (under
    "computed", as csi status --format json shows it). CSV has one row per
    improvement; cells that a spreadsheet would run as a formula (starting with =,
    +, -, @, a tab or a carriage return) are prefixed with a quote. A file git
    tracks (mkdocs.yml, README.md, ...) is never replaced unless --force.

    \b
    Examples:
      csi export --out register.csv
      csi export --format json --as-of 2026-06-30 | jq '.improvements[].computed.health'
    """
    from csitools.measure.export import export_csv, export_json
    from csitools.validation import validate_repository

    root = one_root()
    if out is not None:
        check_out(root, out, force)
    validation = validate_repository(root, as_of.date() if as_of else None)
    warn_problems(validation)
    write = export_csv if fmt == "csv" else export_json
    text = write(validation.register, validation.status)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        replace_file(out, text)
    except OSError as exc:
        raise click.BadParameter(
            f"cannot write {out}: {exc.strerror}; choose another path", param_hint="'--out'"
        ) from exc
    n = len(validation.register.improvements)
    click.echo(f"wrote {plural(n, 'improvement')} to {out}", err=True)


def check_out(root: Path, out: Path, force: bool) -> None:
    """Refuse an --out that is not a regular file or a new one (a link, a device), that
    lies in the register's own folders, or (unless ``force``) that git tracks: the
    export replaces it whole."""
    problem = None
    blocker = in_the_way(out.parent)
    if blocker is not None:
        problem = f"{blocker} is {file_kind(blocker)}, not a folder; choose another path"
    elif not out.parent.is_dir():
        problem = f"the folder {out.parent} does not exist; create it or choose another path"
    elif (kind := file_kind(out)) not in (None, "a file"):
        problem = (
            f"{out} is {kind}, not a regular file; give a file's path, "
            "or leave out --out to write to standard output"
        )
    elif (name := kept_folder_of(out, root)) is not None:
        problem = (
            f"{out} is inside {name}/, which holds the register's own files; "
            f"write the export outside {', '.join(f'{n}/' for n in KEPT)}"
        )
    elif not force and out.is_file() and tracked_paths(out.parent.resolve(), out.resolve()):
        problem = (
            f"git tracks {out}, and the export would replace it whole; choose another path, "
            "or pass --force to replace it"
        )
    if problem:
        raise click.BadParameter(problem, param_hint="'--out'")


@click.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a page is out of date.")
def reference(check: bool) -> None:
    """Regenerate the field and command reference pages.

    site_config/docs/reference/fields.md comes from the JSON Schemas' descriptions,
    site_config/docs/reference/cli.md from the commands' help. Edit those sources,
    never the pages. With --check (for CI) nothing is written and the exit code is
    1 when either page is out of date.

    \b
    Examples:
      csi reference
      csi reference --check
    """
    from csitools.publish.references import outdated_pages, reference_pages

    root = one_root()
    pages = reference_pages(root_group())
    stale = outdated_pages(root, pages)
    if check:
        for rel in stale:
            click.echo(f"{display(root, rel)} is out of date")
        if stale:
            raise click.ClickException("run csi reference and commit the result")
        click.echo("the reference pages are up to date")
        return
    for rel in stale:
        path = root / rel
        if (why := blocked(path)) is not None:
            shown = display(root, why[0].relative_to(root).as_posix())
            raise click.ClickException(
                f"cannot write {display(root, rel)}: {shown} {why[1]}; "
                "move it away, then run csi reference again"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, pages[rel])
        except OSError as exc:
            where = display(root, rel)
            raise click.ClickException(f"cannot write {where}: {exc.strerror}") from exc
        click.echo(f"wrote {display(root, rel)}")
    if not stale:
        click.echo("the reference pages are up to date")
