"""How long `csi validate` takes on a large register, beside the floor.

Generates a register of N improvements (default 5,000, ~60 lines each) with people
and KPIs in a temporary folder, then prints:
  - `csi validate` end to end (a fresh process: start-up, imports, everything);
  - validate_repository() in-process;
  - the floor measured in the same run: PyYAML's CSafeLoader alone over the same
    files, and schema validation alone (jsonschema-rs, and jsonschema for reference);
    for the fresh process, the same work in a fresh process of its own (start-up,
    reading the files, parsing, schema validation, and reading the KPIs' CSV files,
    which csi validate checks too), so each figure is set beside a floor of its own
    kind.

Usage: python benchmarks/validate.py [--entries 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from csitools.validation import validate_repository

sys.path.insert(0, str(Path(__file__).parent))
from figures import Figure, clock, report
from registergen import generate

from csitools.register.schema import load_schema

FRESH_FLOOR = """
import json, sys
from pathlib import Path
import jsonschema_rs, pyarrow.csv, yaml
root, schema = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
for path in sorted((root / "kpis" / "data").glob("*.csv")):
    pyarrow.csv.read_csv(path)
rs = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
for folder in ("register", "kpis"):
    for path in sorted((root / folder).glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        if path.name.startswith("CSI-"):
            data["raised_on"] = str(data["raised_on"])
            for c in data["cycles"]:
                c["opened"] = str(c["opened"])
                for t in c["targets"]:
                    t["by"] = str(t["by"])
            rs.is_valid(data)
"""
"""The floor of a fresh process: start Python, read and parse every YAML file with
CSafeLoader, schema-check the entries with jsonschema-rs, and read the KPIs' data files
with pyarrow.csv (csi validate checks those too: a fresh process pays for importing
pyarrow, where the in-process floor has it imported already)."""


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.entries)
        files = sorted((root / "register").glob("CSI-*.yaml"))
        texts = [f.read_text() for f in files]
        n_files = len(files) + 1 + len(list((root / "kpis").glob("*.yaml")))
        print(f"register: {len(files):,} improvements, {n_files:,} YAML files in all")

        cli = [sys.executable, "-m", "csitools.cli", "validate", str(root)]
        probe = subprocess.run(cli, capture_output=True, text=True)
        print(f"csi validate says: {probe.stdout.strip().splitlines()[-1]}")
        t_cli = best(lambda: subprocess.run(cli, capture_output=True, check=False), 3)
        t_core = best(lambda: validate_repository(root, dt.date(2026, 11, 23)), 3)

        t_yaml = best(lambda: [yaml.load(t, Loader=yaml.CSafeLoader) for t in texts], 3)
        datas = [yaml.load(t, Loader=yaml.CSafeLoader) for t in texts]
        for d in datas:  # dates as text, as csitools keeps them
            d["raised_on"] = str(d["raised_on"])
            for c in d["cycles"]:
                c["opened"] = str(c["opened"])
                for t in c["targets"]:
                    t["by"] = str(t["by"])
        import jsonschema
        import jsonschema_rs

        schema = load_schema("improvement")
        rs = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
        py = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        t_rs = best(lambda: [rs.is_valid(d) for d in datas], 3)
        schema_file = Path(__file__).parent.parent / "csitools/schemas/improvement.schema.json"
        fresh = [sys.executable, "-c", FRESH_FLOOR, str(root), str(schema_file)]
        subprocess.run(fresh, check=True)
        t_fresh = best(lambda: subprocess.run(fresh, check=True), 3)
        t_py = best(lambda: [list(py.iter_errors(d)) for d in datas[:500]], 1) * len(datas) / 500

        def row(label: str, seconds: float) -> None:
            per = seconds / len(files) * 1000
            print(
                f"  {label:<46} {seconds:7.3f} s  {per:6.3f} ms/file  "
                f"{len(files) / seconds:8,.0f} files/s"
            )

        print("timings (best of 3):")
        row("csi validate (fresh process, end to end)", t_cli)
        row("validate_repository() in-process", t_core)
        print("floor, measured in the same run:")
        row("PyYAML CSafeLoader alone", t_yaml)
        row("jsonschema-rs is_valid alone", t_rs)
        row("floor = CSafeLoader + jsonschema-rs", t_yaml + t_rs)
        row("fresh-process floor (start, parse, check, CSVs)", t_fresh)
        row("(reference: jsonschema iter_errors, 500 extrapolated)", t_py)
        floor = "CSafeLoader + jsonschema-rs"
        report(
            [
                Figure("validate", f"csi validate, {len(files):,} entries", t_cli,
                       "the same + KPI CSVs, fresh process", t_fresh, 1.15),
                Figure("validate", "validate_repository() in-process", t_core, floor,
                       t_yaml + t_rs, 1.15),
            ]
        )  # fmt: skip


if __name__ == "__main__":
    main()
