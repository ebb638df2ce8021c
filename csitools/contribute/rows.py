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


def convert_row(
    cells: dict[str, tuple[str, str]], extra: list[tuple[str, str]], people: People
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """One row -> (entry fields without id, notes per field, header comments).
    ``cells`` is ``{field: (column, text)}``; ``extra`` the unmapped columns. Raises
    RowErrors naming every problem of the row, not just the first."""
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
        raise RowErrors(errors)
    return data, notes, header
