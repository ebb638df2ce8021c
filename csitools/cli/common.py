"""What every csi command shares: finding the register, the --as-of option."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from csitools.problems import Problem, plural
from csitools.register.limits import EARLIEST, LATEST
from csitools.register.load import find_root

if TYPE_CHECKING:
    from csitools.validation import Validation

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def display(root: Path, rel: str) -> str:
    """A problem's path as the user can open it from the current folder."""
    full = root / rel
    try:
        return os.path.relpath(full, Path.cwd()).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return full.as_posix()


def shown(root: Path, problems: Sequence[Problem]) -> list[Problem]:
    """Problems with their paths as the user can open them from the current folder."""
    return [replace(p, path=display(root, p.path)) for p in problems]


def _in_range(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None and not EARLIEST <= value.date() <= LATEST:
        raise click.BadParameter(f"{value:%Y-%m-%d} is outside {EARLIEST} to {LATEST}")
    return value


AS_OF = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    callback=_in_range,
    help="Judge the data as of this date, YYYY-MM-DD (default: today).",
)


def format_option(
    choices: Sequence[str], help: str, default: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format``, one of ``choices`` (the first unless ``default``), as ``fmt``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default or choices[0],
        show_default=True,
        help=help,
    )


def one_root() -> Path:
    root = find_root(Path.cwd())
    if root is None:
        raise click.UsageError(
            "no register/ folder here or above; run csi in a register repository "
            "or create one with csi init"
        )
    return root


def warn_problems(validation: Validation) -> None:
    if validation.errors:
        n = len(validation.errors)
        click.echo(
            f"warning: the register has {plural(n, 'problem')}; "
            "results may be incomplete. Run csi validate for details.",
            err=True,
        )


def root_group() -> click.Group:
    """The group this command runs in: the references document exactly the commands
    the running ``csi`` has."""
    root = click.get_current_context().find_root().command
    if isinstance(root, click.Group):
        return root
    from csitools.cli import main

    return main
