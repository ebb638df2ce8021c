"""Rules on KPI data sources: the CSV stays inside the repository, exists, and has the
columns the source names. Part of ``check_register``."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from csitools.problems import Problem, Where, did_you_mean
from csitools.register.documents import problem_at
from csitools.register.load import resolved_inside
from csitools.register.model import Kpi, Register


def source_columns(source: Mapping[str, Any]) -> list[tuple[Where, str]]:
    """The CSV columns a KPI source names, each with where it is named."""
    if "measure" not in source:
        return [(("source", "csv"), "period"), (("source", "csv"), "value")]
    cols: list[tuple[Where, str]] = []
    for key in ("key", "order_by", "time", "breakdown_by"):
        if key in source:
            cols.append((("source", key), source[key]))
    cols += [(("source", "where", k), k) for k in source.get("where") or {}]
    measure = source["measure"]
    cols += [
        (("source", "measure", "duration", i), c)
        for i, c in enumerate(measure.get("duration") or ())
    ]
    cols += [(("source", "measure", "share", k), k) for k in measure.get("share") or {}]
    for snapshot in ("open", "age"):
        cols += [
            (("source", "measure", snapshot, i), c)
            for i, c in enumerate(measure.get(snapshot) or ())
        ]
    if "column" in measure:
        cols.append((("source", "measure", "column"), measure["column"]))
    seen: set[str] = set()
    return [(w, c) for w, c in cols if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]


def resolve_csv(root: Path, text: str) -> tuple[Path | None, str | None]:
    """The CSV's real path, or why it may not be used."""
    if text.startswith(("/", "\\")) or text[1:2] == ":":  # or a drive, C: or C:/
        return None, f"{text!r} is an absolute path; write it relative to the repository root"
    try:
        real = resolved_inside(root, text)
    except ValueError:
        return None, (
            f"{text!r} leads outside the repository (after resolving .. and links); keep "
            "metric data inside it, e.g. under kpis/data/"
        )
    except OSError as exc:
        return None, f"{text!r} cannot be resolved: {exc.strerror}"
    except RuntimeError:  # Python < 3.13 reports a symlink loop so
        return None, f"{text!r} is a symbolic link that leads to itself; replace it with the file"
    if real.is_dir():
        return None, f"{text!r} is a folder, not a file; name the CSV file inside it"
    if not real.is_file():
        return None, f"{text!r} does not exist; add the file or fix the path"
    return real, None


def _header(path: Path) -> list[str] | None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return next(csv.reader(f), None)
    except (OSError, UnicodeDecodeError):
        return None


def check_sources(reg: Register) -> Iterator[Problem]:
    headers: dict[Path, list[str] | None] = {}
    for kpi in reg.kpis.values():
        yield from _check_source(reg.root, kpi, headers)


def _check_source(root: Path, kpi: Kpi, headers: dict[Path, list[str] | None]) -> Iterator[Problem]:
    where: Where = ("source", "csv")
    real, why = resolve_csv(root, kpi.source["csv"])
    if real is None:
        yield problem_at(kpi.doc, kpi.path, where, why or "")
        return
    workbook = real.suffix.lower() == ".xlsx"
    if "sheet" in kpi.source and not workbook:
        why = f"source.sheet names a sheet, but {kpi.source['csv']} is not an Excel workbook "
        yield problem_at(kpi.doc, kpi.path, ("source", "sheet"), why + "(.xlsx); remove sheet")
    if workbook:
        return  # its header is read once, with the data: the metrics step names columns
    if real not in headers:
        headers[real] = _header(real)
    header = headers[real]
    if header is None:
        return  # unreadable or empty: the metrics step names the file and line
    for where_named, column in source_columns(dict(kpi.source)):
        if column not in header:
            yield problem_at(
                kpi.doc,
                kpi.path,
                where_named,
                f"column {column!r} is not in {kpi.source['csv']}{did_you_mean(column, header)}; "
                f"its columns are: {', '.join(header)}",
            )
