"""One spreadsheet row -> the fields of an entry (``csi import``): the column names and
words a spreadsheet register uses (the ITIL CSI register example and its variants),
dates in the usual formats, names resolved to person ids. Every problem of a row is
collected and raised together (``RowErrors``)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from csitools.contribute.entries import slugify
from csitools.register.model import Register
from csitools.register.schema import enum

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
_DATE_FORMATS: tuple[str, ...] = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
)
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


class RowErrors(Exception):
    """Every problem of one row: ``[(column, message)]``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class People:
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


class _Row:
    """One row while it is converted: its cells, the fields and notes so far, and every
    problem found (``(column, message)``, in the order the fields are read)."""

    def __init__(
        self, cells: dict[str, tuple[str, str]], extra: list[tuple[str, str]], people: People
    ) -> None:
        self.cells, self.extra, self.people = cells, extra, people
        self.data: dict[str, Any] = {}
        self.notes: dict[str, str] = {}
        self.header: list[str] = []
        self.errors: list[tuple[str, str]] = []

    def get(self, name: str) -> tuple[str, str]:
        """The column that feeds ``name`` and its text, stripped."""
        column, text = self.cells.get(name, (name, ""))
        return column, text.strip()

    def date(self, name: str) -> str | None:
        column, text = self.get(name)
        return _date_or_error(column, text, self.errors)


def convert_row(
    cells: dict[str, tuple[str, str]], extra: list[tuple[str, str]], people: People
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """One row -> (entry fields without id, notes per field, header comments).
    ``cells`` is ``{field: (column, text)}``; ``extra`` the unmapped columns. Raises
    RowErrors naming every problem of the row, not just the first."""
    row = _Row(cells, extra, people)
    for convert in (_title_and_summary, _services_and_source, _people_and_dates, _status):
        convert(row)
    for convert in (_scales, _priority, _benefits_and_ref):
        convert(row)
    if row.errors:
        raise RowErrors(row.errors)
    return row.data, row.notes, row.header


def _title_and_summary(row: _Row) -> None:
    column, text = row.get("description")
    title_column, title = row.get("title")
    if not text and not title:
        row.errors.append((column, "is empty; every improvement needs a description"))
    else:
        row.data["title"] = first_sentence(title or text)
        if len(row.data["title"]) < 3:
            row.errors.append((title_column, f"{row.data['title']!r} is too short for a title"))
    summary = [text or title]
    _, kpi = row.get("kpi")
    if kpi:
        summary.append(f"KPI metric: {kpi}")
    if row.get("required_by")[1] and (when := row.date("required_by")):
        summary.append(f"Required by {when}.")
    summary += [f"{name}: {value.strip()}" for name, value in row.extra if value.strip()]
    row.data["summary"] = "\n\n".join(summary)


def _services_and_source(row: _Row) -> None:
    _, services = row.get("services")
    if services:
        names = (s.strip() for s in re.split(r"[,;\n]", services))
        row.data["services"] = [s for s in dict.fromkeys(names) if s]
    column, source = row.get("source")
    sources = {_word(s): s for s in enum("improvement", "source")}
    if not source:
        row.data["source"], row.notes["source"] = "other", CHECK
    elif _word(source) in sources:
        row.data["source"] = sources[_word(source)]
    else:
        row.errors.append((column, f"{source!r} is not one of: {', '.join(sources.values())}"))


def _people_and_dates(row: _Row) -> None:
    column, raiser = row.get("raised_by")
    if raiser:
        row.data["raised_by"] = row.people.resolve(raiser)
    else:
        row.errors.append((column, "is empty; name who raised the opportunity"))
    row.data["raised_on"] = row.date("raised_on")
    _, owner = row.get("owner")
    if owner:
        row.data["owner"] = row.people.resolve(owner)
    elif raiser:
        row.data["owner"] = row.data["raised_by"]
        row.notes["owner"] = f"{CHECK} (no owner given: the raiser for now)"


def _status(row: _Row) -> None:
    column, status = row.get("status")
    if not status or _word(status) in STATUSES:
        row.data["status"] = STATUSES.get(_word(status), "proposed")
    elif _word(status) in _NEEDS_CYCLE:
        row.data["status"] = "approved"
        row.notes["status"] = f"imported as {status!r}: open a cycle with targets, then update"
    else:
        row.errors.append((column, f"{status!r} is not a status csi knows; use --map or edit it"))


def _scales(row: _Row) -> None:
    for name, choices in (("term", _TERMS), ("size", _SIZES)):
        column, text = row.get(name)
        if not text:
            row.data[name], row.notes[name] = "medium", CHECK
        elif (word := _word(text).removesuffix("term")) in choices:
            row.data[name] = choices[word]
        else:
            allowed = ", ".join(dict.fromkeys(choices.values()))
            row.errors.append((column, f"{text!r} is not one of: {allowed}"))


def _priority(row: _Row) -> None:
    column, priority = row.get("priority")
    level = 3
    if priority:
        word = _word(priority)
        if re.fullmatch(r"p?[1-5]", word):
            level = 6 - int(word[-1])
        elif word in _PRIORITIES:
            level = _PRIORITIES[word]
        else:
            row.errors.append((column, f"{priority!r} is not high, medium, low or 1 to 5"))
    scores = {"impact": level, "urgency": level, "effort": 3, "risk": 3}
    for name in scores:
        column, text = row.get(name)
        if text and text.isdigit() and 1 <= int(text) <= 5:
            scores[name] = int(text)
        elif text:
            row.errors.append((column, f"{text!r} is not a score from 1 to 5"))
    row.data["priority"] = scores
    if not all(row.get(name)[1] for name in scores):
        row.notes["priority"] = CHECK


def _benefits_and_ref(row: _Row) -> None:
    _, benefits = row.get("benefits")
    if benefits:
        row.data["benefits"] = {"description": benefits}
    _, ref = row.get("ref")
    if ref:
        row.header.append(f"Opportunity no. {' '.join(ref.split())} in the spreadsheet register.")
