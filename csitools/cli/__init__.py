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

import click

from csitools import __version__
from csitools.cli import (
    check,
    contribute,
    derived,
    digest,
    history,
    publish,
    report,
    serve,
    spreadsheet,
)
from csitools.cli.common import CONTEXT


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


for command in (
    check.validate,
    check.status,
    publish.charts,
    publish.build,
    serve.serve,
    history.diff,
    digest.digest,
    *contribute.COMMANDS,
    *spreadsheet.COMMANDS,
    *derived.COMMANDS,
    *report.COMMANDS,
):
    main.add_command(command)
