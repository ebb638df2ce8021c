"""`csi --help` starts fast because the commands import the heavy libraries only when
they run. Timing it would be flaky; what it imports is not."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("jinja2", "jsonschema", "jsonschema_rs", "matplotlib", "mkdocs", "numpy", "pandas")
HEAVY += ("pyarrow",)

PROBE = """
import contextlib, io, sys
from csitools.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(["--help"])
    except SystemExit:
        pass
loaded = {name.split(".")[0] for name in sys.modules}
print(" ".join(sorted(loaded & set(sys.argv[1:]))))
"""


def test_help_imports_none_of_the_heavy_libraries() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *HEAVY], capture_output=True, text=True, check=True
    )
    assert run.stdout == "\n", f"csi --help imported: {run.stdout.strip()}"


VALIDATE = """
import contextlib, io, json, sys
from csitools.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main(["validate", sys.argv[1]])
    except SystemExit as stop:
        assert stop.code == 0, out.getvalue()
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("csitools", "pandas", "jsonschema"))
print(json.dumps({"said": out.getvalue().strip().splitlines()[-1], "loaded": loaded}))
"""


def test_validate_imports_only_what_a_valid_register_needs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`csi validate` of a valid register whose KPIs read CSVs imports: its own command
    module, not the others' (csitools.cli imports each when it runs); Arrow and NumPy
    for the CSVs, not pandas (0.15 s, left to the ticket exports that group rows); and
    jsonschema-rs, not jsonschema, which words a problem and is imported when a file
    has one."""
    import json

    from tests.conftest import materialise

    root = materialise(None, tmp_path / "register")
    run = subprocess.run(
        [sys.executable, "-c", VALIDATE, str(root)], capture_output=True, text=True, check=True
    )
    result = json.loads(run.stdout)
    assert result["said"].endswith(", 0 problems"), result
    loaded = result["loaded"]
    assert [m for m in loaded if m.startswith("csitools.cli.")] == [
        "csitools.cli.check",
        "csitools.cli.common",
    ]
    assert not [m for m in loaded if m.split(".")[0] in ("pandas", "jsonschema")], loaded
    assert "csitools.measure.csvdata" in loaded  # the CSVs were read


def test_every_command_is_found_in_the_module_that_defines_it() -> None:
    """COMMAND_MODULES names each command's module; every click command of every
    csitools.cli module is in it, so none is missing from `csi --help`."""
    import importlib
    import pkgutil

    import click

    import csitools.cli as cli

    defined = {}
    for info in pkgutil.iter_modules(cli.__path__):
        if info.name == "__main__":  # runs csi
            continue
        for value in vars(importlib.import_module(f"csitools.cli.{info.name}")).values():
            if isinstance(value, click.Command) and value.callback.__module__.endswith(info.name):
                defined[value.name] = info.name
    assert defined == cli.COMMAND_MODULES
    ctx = click.Context(cli.main)
    assert [cli.main.get_command(ctx, n).name for n in cli.main.list_commands(ctx)] == sorted(
        defined
    )
