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
import contextlib, io, sys
from csitools.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        main(["validate", sys.argv[1]])
    except SystemExit as stop:
        assert stop.code == 0, out.getvalue()
print("pandas" in sys.modules, out.getvalue().strip().splitlines()[-1])
"""


def test_validating_csv_kpis_does_not_import_pandas(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Reading KPI CSVs needs Arrow and NumPy only; pandas (0.15 s to import) is left to
    the ticket exports that group rows (measure.tickets)."""
    from tests.conftest import materialise

    root = materialise(None, tmp_path / "register")
    run = subprocess.run(
        [sys.executable, "-c", VALIDATE, str(root)], capture_output=True, text=True, check=True
    )
    assert run.stdout.split(" ", 1)[0] == "False", run.stdout
    assert run.stdout.endswith("0 problems\n"), run.stdout
