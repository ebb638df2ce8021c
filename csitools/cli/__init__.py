"""The ``csi`` command: thin adapters over the library functions.

Each command finds the register, calls one function, hands the result to a
reporter, and turns expected failures into a message and an exit code: 0 clean,
1 problems found, 2 usage errors. No traceback for bad input. Commands live in
modules by theme: ``check`` (validate, status), ``publish`` (charts, build), ``serve``,
``history`` (diff), ``digest`` (digest), ``contribute`` (new, init), ``spreadsheet`` (import),
``derived`` (export, reference). Modules that pull in the heavy libraries (pyarrow and
pandas through ``validation``, jsonschema, MkDocs, matplotlib) are imported inside the
commands that use them, so that ``csi --help`` starts fast (``tests/test_startup.py`` keeps it so).
"""

from __future__ import annotations

import importlib

import click

from csitools import __version__
from csitools.cli.common import CONTEXT

COMMAND_MODULES = {
    "validate": "check",
    "status": "check",
    "charts": "publish",
    "build": "publish",
    "serve": "serve",
    "diff": "history",
    "digest": "digest",
    "new": "contribute",
    "init": "contribute",
    "import": "spreadsheet",
    "export": "derived",
    "reference": "derived",
    "report": "report",
}
"""Each command and the module of ``csitools.cli`` that defines it."""


class _Commands(click.Group):
    """The commands, each module imported when one of its commands is asked for: `csi
    validate` imports neither the contributor commands nor the site's (70 ms)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if cmd_name not in self.commands and module is not None:
            for command in commands_of(module):
                self.add_command(command)
        return super().get_command(ctx, cmd_name)


def commands_of(module: str) -> list[click.Command]:
    """The commands ``csitools.cli.<module>`` defines (COMMAND_MODULES names them)."""
    found = vars(importlib.import_module(f"csitools.cli.{module}")).values()
    return [
        c
        for c in found
        if isinstance(c, click.Command) and COMMAND_MODULES.get(c.name or "") == module
    ]


@click.group(cls=_Commands, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="csi")
def main() -> None:
    """csi: the Continual Improvement Register, kept as code.

    Improvements (register/CSI-*.yaml) and KPIs (kpis/*.yaml) are YAML files in git;
    csi validates them, computes their health from metric data and builds the site.

    \b
    Example:
      csi validate
    """
