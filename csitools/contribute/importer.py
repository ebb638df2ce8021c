"""Moving a register in and out: ``csi import`` turns a spreadsheet register (a CSV in
the columns of the ITIL CSI register example, or close to them) into entries;
``csi export`` writes the register with its computed health as CSV or JSON.

Import plans everything before it writes anything: every row is converted and the
resulting entries are checked with the rest of the register, and a single bad row
stops the whole import with every bad row named by its CSV line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from csitools.contribute.entries import (
    check_entries,
    entry_path,
    enum,
    next_ids,
    render_entry,
    schema_ref,
    slugify,
)
from csitools.problems import Problem
from csitools.register.model import Register

# The fields a column can feed. title/description: the entry's title and summary
# (description alone gives both); kpi, required_by and ref have no field of their own
# (targets need a KPI id and a cycle), so they are kept in the summary or a comment.
_ALIASES = {
    "ref": ["opportunityno", "opportunitynumber", "no", "number", "ref", "reference", "id"],
    "title": ["title", "name", "opportunitytitle"],
    "description": ["description", "opportunitydescription", "summary", "details", "improvement"],
    "raised_on": ["dateraised", "raisedon", "raiseddate", "datelogged", "dateopened", "date"],
    "size": ["size"],
    "term": ["timescale", "term", "timeframe"],
    "priority": ["priority"],
    "impact": ["impact"],
    "urgency": ["urgency"],
    "effort": ["effort"],
    "risk": ["risk"],
    "kpi": ["kpimetric", "kpi", "kpis", "metric", "measure"],
    "benefits": ["justification", "businessjustification", "benefits", "benefit"],
    "raised_by": ["raisedby", "requester", "requestedby", "submittedby", "originator"],
    "owner": ["tobeactionedby", "actionedby", "actionowner", "owner", "assignedto"],
    "required_by": ["daterequiredby", "requiredby", "daterequired", "duedate", "due"],
    "services": ["service", "services", "affectedservice", "affectedservices"],
    "status": ["status", "state"],
    "source": ["source", "origin"],
}
ALIASES = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
FIELDS = (*_ALIASES, "summary", "ignore")
"""What --map may name: a field, summary (keep the text in the summary) or ignore."""

CHECK = "imported: check"
_TERMS = {"short": "short", "s": "short", "medium": "medium", "med": "medium", "mid": "medium"}
_TERMS |= {"m": "medium", "long": "long", "l": "long"}
_SIZES = {"small": "small", "s": "small", "sm": "small", "medium": "medium", "med": "medium"}
_SIZES |= {"m": "medium", "large": "large", "l": "large", "lg": "large", "big": "large"}
# ITIL priority 1 is the highest; words map to the same 1-5 impact/urgency scale.
_PRIORITIES = {"critical": 5, "urgent": 5, "high": 4, "h": 4, "medium": 3, "med": 3, "m": 3}
_PRIORITIES |= {"normal": 3, "low": 2, "l": 2, "verylow": 1, "planning": 1}
_STATUSES = {
    "proposed": ["proposed", "new", "open", "raised", "submitted", "idea", "draft"],
    "approved": ["approved", "accepted", "agreed"],
    "deferred": ["deferred", "onhold", "hold", "postponed", "parked"],
    "rejected": ["rejected", "declined", "cancelled", "canceled", "withdrawn"],
}
STATUSES = {alias: status for status, aliases in _STATUSES.items() for alias in aliases}
# These need a cycle with targets, which a spreadsheet row does not give: such rows
# come in as approved, with a note saying what to add.
_NEEDS_CYCLE = ["inprogress", "wip", "active", "started", "ongoing", "measuring", "monitoring"]
_NEEDS_CYCLE += ["completed", "complete", "done", "closed", "implemented", "finished"]
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y", "%d %B %Y")
_DATE_FORMATS += ("%d-%b-%Y", "%d-%B-%Y", "%b %d %Y", "%B %d %Y", "%d/%m/%y", "%d %b %y")


def header_key(text: str) -> str:
    """``Size (small, medium, large)`` -> ``size``; ``Opportunity no.`` -> ``opportunityno``."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\(.*?\)", "", text.lower()))


def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def parse_date(text: str) -> date | None:
    """ISO, dd/mm/yyyy (day first, as outside the US), d Mon yyyy and close variants."""
    text = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text.strip().replace(",", " "))
    text = " ".join(text.split())
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:  # spreadsheets often export dates with a midnight time
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def first_sentence(text: str, limit: int = 120) -> str:
    """The title: the text up to its first full stop, cut at a word within ``limit``."""
    line = " ".join(text.strip().split("\n", 1)[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", line)
    title = (match.group(1) if match else line).rstrip(".")
    if len(title) > limit:
        title = title[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return title


def person_id(name: str) -> str:
    """A person id for a name not in people.yaml: ``Jane O'Brien`` -> ``jane.obrien``."""
    words = [slugify(w, 60).replace("-", "") for w in name.split()]
    return ".".join(w for w in words if w) or "unknown"


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


class _RowErrors(Exception):
    """Every problem of one row: ``[(column, message)]``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(errors)
        self.errors = errors


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


class _People:
    """Names in the spreadsheet -> person ids, by id or by full name."""

    def __init__(self, register: Register) -> None:
        self.ids = {p.casefold(): p for p in register.people}
        self.names = {" ".join(p.name.split()).casefold(): p.id for p in register.people.values()}
        self.unknown: dict[str, str] = {}

    def resolve(self, name: str) -> str:
        key = " ".join(name.split()).casefold()
        if key in self.ids:
            return self.ids[key]
        if key in self.names:
            return self.names[key]
        pid = person_id(name)
        self.unknown.setdefault(pid, " ".join(name.split()))
        return pid


def _date_or_error(column: str, text: str, errors: list[tuple[str, str]]) -> str | None:
    when = parse_date(text) if text else None
    if when is None:
        what = f"{text!r} is not a date" if text else "is empty"
        errors.append((column, f"{what}; write YYYY-MM-DD, dd/mm/yyyy or 5 Jan 2026"))
        return None
    return when.isoformat()


def _convert(
    cells: dict[str, tuple[str, str]], extra: list[tuple[str, str]], people: _People
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """One row -> (entry fields without id, notes per field, header comments).
    ``cells`` is ``{field: (column, text)}``; ``extra`` the unmapped columns. Raises
    _RowErrors naming every problem of the row, not just the first."""
    data: dict[str, Any] = {}
    notes: dict[str, str] = {}
    header: list[str] = []
    errors: list[tuple[str, str]] = []

    def get(name: str) -> tuple[str, str]:
        column, text = cells.get(name, (name, ""))
        return column, text.strip()

    column, text = get("description")
    title_column, title = get("title")
    if not text and not title:
        errors.append((column, "is empty; every improvement needs a description"))
    else:
        data["title"] = first_sentence(title or text)
        if len(data["title"]) < 3:
            errors.append((title_column, f"{data['title']!r} is too short for a title"))
    summary = [text or title]
    _, kpi = get("kpi")
    if kpi:
        summary.append(f"KPI metric: {kpi}")
    column, due = get("required_by")
    if due and (when := _date_or_error(column, due, errors)):
        summary.append(f"Required by {when}.")
    summary += [f"{name}: {value.strip()}" for name, value in extra if value.strip()]
    data["summary"] = "\n\n".join(summary)
    _, services = get("services")
    if services:
        names = (s.strip() for s in re.split(r"[,;\n]", services))
        data["services"] = [s for s in dict.fromkeys(names) if s]
    column, source = get("source")
    sources = {_word(s): s for s in enum("improvement", "source")}
    if not source:
        data["source"], notes["source"] = "other", CHECK
    elif _word(source) in sources:
        data["source"] = sources[_word(source)]
    else:
        errors.append((column, f"{source!r} is not one of: {', '.join(sources.values())}"))
    column, raiser = get("raised_by")
    if raiser:
        data["raised_by"] = people.resolve(raiser)
    else:
        errors.append((column, "is empty; name who raised the opportunity"))
    column, raised = get("raised_on")
    data["raised_on"] = _date_or_error(column, raised, errors)
    _, owner = get("owner")
    if owner:
        data["owner"] = people.resolve(owner)
    elif raiser:
        data["owner"] = data["raised_by"]
        notes["owner"] = f"{CHECK} (no owner given: the raiser for now)"
    column, status = get("status")
    if not status or _word(status) in STATUSES:
        data["status"] = STATUSES.get(_word(status), "proposed")
    elif _word(status) in _NEEDS_CYCLE:
        data["status"] = "approved"
        notes["status"] = f"imported as {status!r}: open a cycle with targets, then update"
    else:
        errors.append((column, f"{status!r} is not a status csi knows; use --map or edit it"))
    for name, choices in (("term", _TERMS), ("size", _SIZES)):
        column, text = get(name)
        if not text:
            data[name], notes[name] = "medium", CHECK
        elif (word := _word(text).removesuffix("term")) in choices:
            data[name] = choices[word]
        else:
            allowed = ", ".join(dict.fromkeys(choices.values()))
            errors.append((column, f"{text!r} is not one of: {allowed}"))
    column, priority = get("priority")
    level = 3
    if priority:
        word = _word(priority)
        if re.fullmatch(r"p?[1-5]", word):
            level = 6 - int(word[-1])
        elif word in _PRIORITIES:
            level = _PRIORITIES[word]
        else:
            errors.append((column, f"{priority!r} is not high, medium, low or 1 to 5"))
    scores = {"impact": level, "urgency": level, "effort": 3, "risk": 3}
    for name in scores:
        column, text = get(name)
        if text and text.isdigit() and 1 <= int(text) <= 5:
            scores[name] = int(text)
        elif text:
            errors.append((column, f"{text!r} is not a score from 1 to 5"))
    data["priority"] = scores
    if not all(get(name)[1] for name in scores):
        notes["priority"] = CHECK
    _, benefits = get("benefits")
    if benefits:
        data["benefits"] = {"description": benefits}
    _, ref = get("ref")
    if ref:
        header.append(f"Opportunity no. {' '.join(ref.split())} in the spreadsheet register.")
    if errors:
        raise _RowErrors(errors)
    return data, notes, header


SEPARATORS = {",": "','", ";": "';'", "\t": "tab"}
"""The separators a spreadsheet's CSV may use, and their names in messages."""

_END = "\x1fcsi: end of file\x1f"
"""A last line added to the text: a quote left open swallows it."""


class _Dialect(csv.excel):
    """Excel's CSV: a cell in double quotes may hold the separator, line breaks and
    quotes written twice (``"Fix the ""VPN"" issue"``)."""

    skipinitialspace = True


class UnterminatedQuote(Exception):
    """A quoted cell that runs to the end of the file."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _parse(text: str, separator: str) -> tuple[list[tuple[int, list[str]]], int | None]:
    """Rows with the line each starts on, and the line of a quote that is never
    closed (None when every quote is)."""
    ending = "" if text.endswith(("\n", "\r")) or not text else "\n"
    lines = io.StringIO(text + ending + _END, newline="")
    reader = csv.reader(lines, _Dialect, delimiter=separator)
    rows = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        # Cells spanning lines keep Excel's CRLF inside the quotes; YAML wants \n.
        rows.append((start, [c.replace("\r\n", "\n").replace("\r", "\n") for c in row]))
    if rows and rows[-1][1] == [_END]:
        return rows[:-1], None
    start, cells = rows[-1]
    return rows, start + sum(c.count("\n") for c in cells[:-1])


def _fit(rows: list[tuple[int, list[str]]]) -> tuple[bool, int, int, int]:
    """How well rows read with one separator fit their header, best highest: a header
    of several columns, the most rows with as many cells as it has, the most with no
    more, the most columns."""
    width = len(rows[0][1]) if rows else 0
    data = [len(cells) for _, cells in rows[1:101] if any(c.strip() for c in cells)]
    return (width > 1, sum(n == width for n in data), sum(n <= width for n in data), width)


def read_csv(text: str) -> tuple[list[tuple[int, list[str]]], str]:
    """Rows with the line each starts on (a quoted cell may span lines), and the
    separator they fit best. Raises UnterminatedQuote for a quote never closed."""
    # A quote the wrong separator opens can run to the end of the file: let a cell be as
    # long as the file, so that reading reaches the end and the fit decides.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    parsed, failures = {}, []
    try:
        for separator in SEPARATORS:
            try:
                parsed[separator] = _parse(text, separator)
            except csv.Error as exc:  # this separator does not read it; another may
                failures.append(exc)
    finally:
        csv.field_size_limit(limit)
    if not parsed:
        raise failures[0]
    separator = max(parsed, key=lambda sep: _fit(parsed[sep][0]))
    rows, open_quote = parsed[separator]
    if open_quote is not None:
        raise UnterminatedQuote(open_quote)
    return rows, separator


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
    try:
        rows, separator = read_csv(text.removeprefix("\ufeff"))
    except csv.Error as exc:
        plan.problems.append(Problem(source, 0, "$", f"not a readable CSV file: {exc}"))
        return plan
    except UnterminatedQuote as exc:
        message = (
            f'unterminated quote starting on line {exc.line}: end the quoted cell with ", '
            'and write a quote inside a cell twice ("")'
        )
        plan.problems.append(Problem(source, exc.line, "$", message))
        return plan
    if not rows:
        plan.problems.append(Problem(source, 0, "$", "the file is empty; export it with a header"))
        return plan
    header = [h.strip() for h in rows[0][1]]
    fields, plan.problems, plan.notes = _columns(header, mapping or {}, source)
    if plan.problems:
        return plan
    people = _People(register)
    converted: list[tuple[int, dict[str, Any], dict[str, str], list[str]]] = []
    for line, row in rows[1:]:
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
            converted.append((line, *_convert(cells, extra, people)))
        except _RowErrors as exc:
            plan.problems += [
                Problem(source, line, f"column {column!r}", message)
                for column, message in exc.errors
            ]
    if plan.problems:
        return plan
    if not converted:
        plan.problems.append(Problem(source, 0, "$", "the file has a header but no rows"))
        return plan
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
    plan.unknown_people = dict(sorted(people.unknown.items()))
    for p in check_entries(root, plan.entries, plan.unknown_people):
        line = plan.rows.get(p.path, 0)
        plan.problems.append(Problem(source, line, p.json_path, p.message))
    return plan
