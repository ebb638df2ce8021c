"""csi import: a spreadsheet register (CSV) -> new entries, all or nothing.

A thin adapter over ``contribute.importer.plan_import``: it reads the file, prints the
plan's problems, and writes (or, with --dry-run, shows) the entries."""

from __future__ import annotations

from pathlib import Path

import click

from csitools.cli.common import display, one_root
from csitools.cli.contribute import cannot_write, register_of
from csitools.contribute.entries import OutOfIds, scalar, write_entries
from csitools.contribute.importer import ImportPlan, plan_import
from csitools.contribute.rows import FIELDS
from csitools.files import Conflict
from csitools.problems import plural
from csitools.register.load import file_id
from csitools.reporting.problems import problem_lines


def _mapping(maps: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in maps:
        column, sep, name = item.rpartition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or not column.strip():
            raise click.UsageError(f"--map {item!r}: write COLUMN=FIELD, such as 'Ref=ref'")
        if name not in FIELDS:
            raise click.UsageError(f"--map {item!r}: FIELD is one of {', '.join(FIELDS)}")
        mapping[column.strip()] = name
    return mapping


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help=f"Feed a column to a field; repeatable. FIELD: {', '.join(FIELDS)}.",
)
@click.option("--dry-run", is_flag=True, help="Show the entries it would write; write nothing.")
def import_(file: Path, maps: tuple[str, ...], dry_run: bool) -> None:
    """Turn a spreadsheet register (CSV) into register entries.

    Understands the columns of the ITIL CSI register example (opportunity no., date
    raised, size, timescale, description, priority, KPI metric, justification,
    raised by, to be actioned by, date required by) and common variants (service,
    owner, status, benefits), whatever their case, spacing or punctuation. Other
    columns are kept in the summary text unless --map feeds them to a field or to
    ignore. Dates may be ISO, dd/mm/yyyy or 5 Jan 2026; priority high/medium/low or
    1 to 5 (1 highest) sets impact and urgency. Values the sheet lacks get defaults
    marked "# imported: check". Entries take the next free ids. Nothing is written
    unless every row converts: each bad row is named with its line. People the sheet
    names but register/people.yaml lacks are listed for you to add.

    \b
    Examples:
      csi import cir.csv --dry-run
      csi import cir.csv --map "Cost centre=ignore" --map "Ticket=ref"
    """
    mapping = _mapping(maps)
    root = one_root()
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{file} is not UTF-8; save it from the spreadsheet as 'CSV UTF-8'"
        ) from exc
    try:
        plan = plan_import(root, register_of(root), text, display(Path.cwd(), str(file)), mapping)
    except OutOfIds as exc:
        raise click.ClickException(f"nothing written: {exc}") from exc
    click.echo(problem_lines(plan.problems), nl=False)
    if plan.problems:
        n = len({p.line for p in plan.problems})
        raise click.ClickException(
            f"nothing written: {plural(n, 'row')} of {file.name} "
            "cannot be imported; fix them (or use --map) and import again"
        )
    for note in plan.notes:
        click.echo(f"note: {note}")
    _write_or_show(root, plan, dry_run)


def _write_or_show(root: Path, plan: ImportPlan, dry_run: bool) -> None:
    """Write a checked plan's entries (or show them, for --dry-run), then say what was
    imported and which people to add."""
    if dry_run:
        for rel, entry in plan.entries.items():
            click.echo(f"--- {display(root, rel)}")
            click.echo(entry, nl=False)
    else:
        # The plan was checked in full above; unknown people are the user's to add.
        try:
            write_entries(root, plan.entries)
        except Conflict as exc:
            raise click.ClickException(f"nothing written: {exc}; import again") from exc
        except OSError as exc:
            raise cannot_write(root, exc) from exc
        for rel in plan.entries:
            click.echo(display(root, rel))
    ids = [file_id(rel) for rel in plan.entries]
    span = ids[0] if len(ids) == 1 else f"{ids[0]} to {ids[-1]}"
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {plural(len(ids), 'row')} as {span}")
    if plan.unknown_people:
        click.echo("add these people to register/people.yaml (check the ids and names):")
        for pid, name in plan.unknown_people.items():
            click.echo(f"  - {{id: {pid}, name: {scalar(name, flow=True)}}}")
