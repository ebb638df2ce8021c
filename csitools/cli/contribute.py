"""csi new and csi init: the contributor's workflow (csi import: ``spreadsheet``).

Thin adapters over ``contribute.entries`` (new entries) and ``contribute.scaffold``
(new registers). Only this module (with ``links``) prompts. ``csi export`` and
``csi reference`` live in ``cli.derived``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from csitools.cli.common import display, one_root, root_group, shown
from csitools.cli.links import ask_links
from csitools.contribute.catalogue_hints import catalogue_examples
from csitools.contribute.entries import (
    OutOfIds,
    check_entries,
    entry_path,
    new_entry,
    next_ids,
    render_entry,
    schema_ref,
    write_entries,
)
from csitools.contribute.scaffold import BadTarget, NotEmpty, init_register
from csitools.files import Conflict
from csitools.problems import did_you_mean, plural
from csitools.register.builders import build_register
from csitools.register.load import load_repository
from csitools.register.model import Register
from csitools.register.schema import enum
from csitools.reporting.problems import problem_lines

SCORE_HELP = {
    "impact": "How much it changes for the business, 1 to 5.",
    "urgency": "How soon it is needed, 1 to 5.",
    "effort": "How much work it takes, 1 (little) to 5 (a lot).",
    "risk": "How likely it is to fail or disrupt, 1 (low) to 5 (high).",
}


def _interactive() -> bool:
    """Whether to ask for missing values (a person at a terminal); a function so that
    tests can stand in for the terminal."""
    return sys.stdin.isatty()


def register_of(root: Path) -> Register:
    return build_register(load_repository(root))


def _person_check(register: Register, flag: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip()
        if value not in register.people:
            hint = did_you_mean(value, register.people)
            raise click.BadParameter(
                f"{value!r} is not in register/people.yaml{hint}; "
                "give a person id, or add the person there first",
                param_hint=flag,
            )
        return value

    return check


def _title_check(value: str) -> str:
    value = " ".join(value.split())
    if not 3 <= len(value) <= 120:
        raise click.BadParameter("a title has 3 to 120 characters", param_hint="--title")
    return value


def _score_option(name: str) -> Callable[[Any], Any]:
    return click.option(f"--{name}", type=click.IntRange(1, 5), help=SCORE_HELP[name])


@click.command()
@click.option("--title", help="A short title, 3 to 120 characters; it names the file too.")
@click.option("--summary", help="What the opportunity is and why it matters (Markdown).")
@click.option(
    "--source", type=click.Choice(enum("improvement", "source")), help="Where it came from."
)
@click.option(
    "--service",
    "services",
    multiple=True,
    help="A service it affects, by id or name (from register/services.yaml when it "
    "exists); repeatable.",
)
@click.option(
    "--csf", help="The critical success factor it serves (an id from register/csfs.yaml)."
)
@click.option("--assessment", help="The assessment that raised it: its file name in assessments/.")
@click.option("--owner", help="The improvement owner: a person id from register/people.yaml.")
@click.option("--raised-by", help="Who raised it: a person id (asked, default the owner).")
@click.option(
    "--raised-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date it was raised, YYYY-MM-DD (default: today).",
)
@click.option("--term", type=click.Choice(enum("improvement", "term")), help="The time scale.")
@click.option("--size", type=click.Choice(enum("improvement", "size")), help="The effort's size.")
@_score_option("impact")
@_score_option("urgency")
@_score_option("effort")
@_score_option("risk")
def new(
    title: str | None,
    summary: str | None,
    source: str | None,
    services: tuple[str, ...],
    csf: str | None,
    assessment: str | None,
    owner: str | None,
    raised_by: str | None,
    raised_on: datetime | None,
    term: str | None,
    size: str | None,
    **scores: int | None,
) -> None:
    """Create the next improvement entry, register/CSI-NNNN-<slug>.yaml.

    Takes the next free id, writes the required fields with status proposed and
    commented hints for the optional ones, and prints the new file's path. On a
    terminal it asks for whatever the options leave out; in a script give them all.
    The entry is checked with the rest of the register before it is written, and an
    existing file is never overwritten.

    \b
    Examples:
      csi new
      csi new --title "Self-service password reset" --summary "Resets are 18% of contacts" \\
        --source incident-trend --owner bob --raised-by alice --service "Service Desk" \\
        --term short --size small --impact 4 --urgency 3 --effort 2 --risk 2
      $EDITOR "$(csi new --title ...)"
    """
    root = one_root()
    register = register_of(root)
    _check_people(register, {"--owner": owner, "--raised-by": raised_by})
    values: dict[str, Any] = {
        "title": title and _title_check(title),
        "summary": summary,
        "source": source,
        "owner": owner,
        "raised_by": raised_by,
        "term": term,
        "size": size,
        **scores,
    }
    if _complete(values, register):  # on a terminal: ask for the optional links too
        services, csf, assessment = ask_links(register, values, services, csf, assessment)
    try:
        id_ = next_ids(root)[0]
    except OutOfIds as exc:
        raise click.ClickException(f"nothing written: {exc}") from exc
    data = new_entry(id_, values, services, raised_on.date() if raised_on else None)
    data |= {k: v for k, v in (("csf", csf), ("assessment", assessment)) if v}
    rel = entry_path(id_, values["title"])
    _write(root, {rel: _entry_text(root, register, data)}, "the entry")
    click.echo(display(root, rel))
    click.echo(
        f"created {id_}: fill in what applies (optional fields are commented), "
        "run csi validate, then open a pull request",
        err=True,
    )


def _check_people(register: Register, people: dict[str, str | None]) -> None:
    """The people the options name (``{flag: id}``) are in people.yaml: a usage error
    otherwise, before anything is asked."""
    for flag, value in people.items():
        if value is not None:
            try:
                _person_check(register, flag)(value)
            except click.BadParameter as exc:
                raise click.UsageError(exc.format_message()) from exc


def _complete(values: dict[str, Any], register: Register) -> bool:
    """Ask for what the options leave out (or refuse, when no one is at a terminal).
    Whether anything was asked."""
    missing = [k for k, v in values.items() if v is None]
    if missing and not _interactive():
        flags = ", ".join("--" + k.replace("_", "-") for k in missing)
        raise click.UsageError(
            f"missing {flags}; give them as options, or run csi new on a terminal to be asked"
        )
    for key in missing:
        values[key] = _ask(key, values, register)
    return bool(missing)


def _entry_text(root: Path, register: Register, data: dict[str, Any]) -> str:
    """The new entry's YAML, with hints that name the register's own services and CSFs."""
    return render_entry(
        data,
        schema_ref(root, "improvement"),
        currency=register.settings.currency,
        known=catalogue_examples(register.catalogue),
    )


def _ask(key: str, values: dict[str, Any], register: Register) -> Any:
    if key == "title":
        return click.prompt("Title", value_proc=_title_check)
    if key == "summary":
        return click.prompt("Summary (what and why; edit the file for more)")
    if key in ("source", "term", "size"):
        return click.prompt(key.capitalize(), type=click.Choice(enum("improvement", key)))
    if key == "owner":
        return click.prompt("Owner (person id)", value_proc=_person_check(register, "--owner"))
    if key == "raised_by":
        return click.prompt(
            "Raised by (person id)",
            default=values["owner"],
            value_proc=_person_check(register, "--raised-by"),
        )
    return click.prompt(f"{key.capitalize()} (1-5)", type=click.IntRange(1, 5))


def _write(root: Path, entries: dict[str, str], what: str) -> list[Path]:
    """Check new entries with the rest of the register, then write them, all or none."""
    problems = check_entries(root, entries)
    click.echo(problem_lines(shown(root, problems)), nl=False)
    if problems:
        raise click.ClickException(f"nothing written: {what} would not validate")
    try:
        return write_entries(root, entries)
    except Conflict as exc:
        raise click.ClickException(f"nothing written: {exc}; run the command again") from exc
    except OSError as exc:
        raise cannot_write(root, exc) from exc


def cannot_write(root: Path, exc: OSError) -> click.ClickException:
    where = display(root, "register")
    return click.ClickException(f"nothing written: cannot write in {where}/: {exc.strerror}")


def _register_title(ctx: click.Context, param: click.Parameter, value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise click.BadParameter(
            "the title is empty; give the register a name, such as 'Example Org CIR'"
        )
    return value


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--title",
    default="Continual Improvement Register",
    show_default=True,
    callback=_register_title,
    help="The register's title, for the site and site_config/register.yml.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Add the missing files to a folder that is not empty; never overwrites a file.",
)
def init(directory: Path, title: str, force: bool) -> None:
    """Create a new, empty register repository in DIRECTORY.

    Writes everything a register needs, ready to validate and build: mkdocs.yml,
    site_config/ (settings, contributing and glossary pages, generated reference
    pages), register/people.yaml with one placeholder person to replace, kpis/,
    the JSON Schemas in .schemas/ for editors, GitHub workflows (validate pull
    requests, publish to Pages daily, and, once you name a tracking issue, post each
    owner's csi digest on it weekly), a pre-commit hook, requirements.txt, README.md
    and .gitignore. A folder that holds anything but .git is refused
    unless --force, and even then existing files are left alone and listed.

    \b
    Examples:
      csi init improvement-register --title "Example Org — Improvement Register"
      cd improvement-register && csi validate && csi build
    """
    from csitools.publish.references import reference_pages

    pages = reference_pages(root_group())
    try:
        report = init_register(directory, title, force, pages)
    except NotEmpty as exc:
        raise click.ClickException(str(exc)) from exc
    except BadTarget as exc:
        raise click.UsageError(f"{exc}; choose another DIRECTORY") from exc
    where = display(Path.cwd(), str(directory))
    n = len(report.written)
    click.echo(f"wrote {plural(n, 'file')} into {where}/")
    if report.skipped:
        click.echo(f"skipped {len(report.skipped)} that exist already (left as they were):")
        for rel in report.skipped:
            click.echo(f"  {rel}")
    click.echo("next: put yourself in register/people.yaml, set site_config/register.yml, then")
    click.echo(f"  cd {where} && csi validate && csi build")
    click.echo(
        "to post each owner's digest on a tracking issue every Monday, set the repository "
        "variable CSI_DIGEST_ISSUE to its number (see .github/workflows/digest.yml)"
    )
