"""``csi import``: a spreadsheet register (a CSV in the columns of the ITIL CSI register
example, or close to them) -> new entries. ``spreadsheet`` reads the CSV, ``rows``
turns each row into an entry's fields; this module plans the whole import.

Import plans everything before it writes anything: every row is converted and the
resulting entries are checked with the rest of the register, and a single bad row
stops the whole import with every bad row named by its CSV line.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csitools.contribute.entries import (
    check_entries,
    entry_path,
    next_ids,
    render_entry,
    schema_ref,
)
from csitools.contribute.rows import ALIASES, CHECK, People, RowErrors, convert_row, header_key
from csitools.contribute.spreadsheet import SEPARATORS, UnterminatedQuote, read_csv
from csitools.problems import Problem
from csitools.register.model import Register


@dataclass
class ImportPlan:
    entries: dict[str, str] = field(default_factory=dict)
    """``{path from the root: YAML text}`` in id order."""
    rows: dict[str, int] = field(default_factory=dict)
    """The CSV line each entry comes from."""
    problems: list[Problem] = field(default_factory=list)
    unknown_people: dict[str, str] = field(default_factory=dict)
    """``{proposed id: name}`` of the people the entries name but people.yaml lacks."""
    notes: list[str] = field(default_factory=list)


def _columns(
    header: list[str], mapping: Mapping[str, str], source: str
) -> tuple[dict[int, str], list[Problem], list[str]]:
    """Which field each column feeds, the header's problems, and notes."""
    mapped = {header_key(k): v for k, v in mapping.items()}
    fields: dict[int, str] = {}
    problems: list[Problem] = []
    notes: list[str] = []
    first: dict[str, str] = {}
    for i, name in enumerate(header):
        key = header_key(name)
        target = mapped.get(key) or ALIASES.get(key) or "summary"
        if target == "summary" and key not in mapped:
            notes.append(f"column {name!r} has no field; it is kept in the summary text")
        if target not in ("ignore", "summary") and target in first:
            problems.append(
                Problem(
                    source,
                    1,
                    f"column {name!r}",
                    f"feeds {target}, as column {first[target]!r} does; "
                    f"choose one with --map '{name}=ignore'",
                )
            )
        first.setdefault(target, name)
        fields[i] = target
    unused = sorted(set(mapped) - {header_key(h) for h in header})
    for key in unused:
        problems.append(Problem(source, 1, "$", f"--map names a column {key!r} the file lacks"))
    required = {
        "description": "Description (the improvement's text)",
        "raised_by": "Raised by",
        "raised_on": "Date raised",
    }
    if "title" in fields.values():
        del required["description"]
    for name, column in required.items():
        if name not in fields.values():
            problems.append(
                Problem(
                    source,
                    1,
                    "$",
                    f"no {column} column; name a column so, or use --map 'COLUMN={name}'",
                )
            )
    return fields, problems, notes


Converted = tuple[int, dict[str, Any], dict[str, str], list[str]]
"""One converted row: its CSV line, the entry's fields, notes per field, header lines."""


def plan_import(
    root: Path,
    register: Register,
    text: str,
    source: str,
    mapping: Mapping[str, str] | None = None,
) -> ImportPlan:
    """Convert a spreadsheet register's CSV text into new entries with the next free
    ids; ``source`` names the file in problems. Writes nothing."""
    plan = ImportPlan()
    read = _read(text, source, plan)
    if read is None:
        return plan
    rows, separator = read
    header = [h.strip() for h in rows[0][1]]
    fields, plan.problems, plan.notes = _columns(header, mapping or {}, source)
    if plan.problems:
        return plan
    people = People(register)
    converted = _convert_rows(rows[1:], header, fields, separator, people, source, plan)
    if plan.problems:
        return plan
    if not converted:
        plan.problems.append(Problem(source, 0, "$", "the file has a header but no rows"))
        return plan
    _render(root, register, converted, source, plan)
    plan.unknown_people = dict(sorted(people.unknown.items()))
    for p in check_entries(root, plan.entries, plan.unknown_people):
        line = plan.rows.get(p.path, 0)
        plan.problems.append(Problem(source, line, p.json_path, p.message))
    return plan


def _read(
    text: str, source: str, plan: ImportPlan
) -> tuple[list[tuple[int, list[str]]], str] | None:
    """The CSV's rows and separator, or None with the problem in ``plan``."""
    try:
        rows, separator = read_csv(text.removeprefix("\ufeff"))
    except csv.Error as exc:
        plan.problems.append(Problem(source, 0, "$", f"not a readable CSV file: {exc}"))
        return None
    except UnterminatedQuote as exc:
        message = (
            f'unterminated quote starting on line {exc.line}: end the quoted cell with ", '
            'and write a quote inside a cell twice ("")'
        )
        plan.problems.append(Problem(source, exc.line, "$", message))
        return None
    if not rows:
        plan.problems.append(Problem(source, 0, "$", "the file is empty; export it with a header"))
        return None
    return rows, separator


def _convert_rows(
    rows: list[tuple[int, list[str]]],
    header: list[str],
    fields: Mapping[int, str],
    separator: str,
    people: People,
    source: str,
    plan: ImportPlan,
) -> list[Converted]:
    """Every data row converted; each bad row's problems go into ``plan``."""
    converted: list[Converted] = []
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # spreadsheets export trailing empty rows
        if len(row) > len(header):
            name = SEPARATORS[separator]
            message = (
                f"{len(row)} cells but {len(header)} columns; the file seems to use {name} "
                f"as separator, so put a cell that holds {name} in double quotes"
            )
            plan.problems.append(Problem(source, line, "$", message))
            continue
        cells: dict[str, tuple[str, str]] = {}
        extra: list[tuple[str, str]] = []
        for i, target in fields.items():
            value = row[i] if i < len(row) else ""
            if target == "summary":
                extra.append((header[i], value))
            elif target != "ignore":
                cells[target] = (header[i], value)
        try:
            converted.append((line, *convert_row(cells, extra, people)))
        except RowErrors as exc:
            plan.problems += [
                Problem(source, line, f"column {column!r}", message)
                for column, message in exc.errors
            ]
    return converted


def _render(
    root: Path, register: Register, converted: list[Converted], source: str, plan: ImportPlan
) -> None:
    """The entries' YAML, with the next free ids, into ``plan.entries``."""
    schema = schema_ref(root, "improvement")
    currency = register.settings.currency
    for id_, (line, data, notes, header_lines) in zip(
        next_ids(root, len(converted)), converted, strict=True
    ):
        rel = entry_path(id_, data["title"])
        header_lines = [f"Imported from {Path(source).name}, line {line}.", *header_lines]
        header_lines.append(f'Check the fields marked "{CHECK}", then remove these notes.')
        plan.entries[rel] = render_entry(
            {"id": id_, **data},
            schema,
            header=header_lines,
            notes=notes,
            hints=False,
            currency=currency,
        )
        plan.rows[rel] = line
