"""New improvement entries (``csi new``, ``csi import``): the next free ids, the file
name, the YAML text, and the check with the rest of the register before writing.

Entries are validated, with the rest of the register, before they are written, and
written all or none (``write_entries``), never over an existing file.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from csitools.files import Conflict, write_new
from csitools.problems import Problem
from csitools.register.builders import build_register
from csitools.register.checks import check_register
from csitools.register.documents import FAILED, Document, parse_yaml
from csitools.register.load import load_repository
from csitools.register.schema import load_schema, validate_data

SCHEMA_URL = "https://csitools.dev/schemas/{kind}.schema.json"
"""Where the schemas are published (their ``$id``). Used in the ``$schema`` line only
when a register has neither the package's schemas nor its own copy in ``.schemas/``."""


SCHEMA_COPY = ".schemas"
"""The folder ``csi init`` copies the schemas into, so editors find them offline and a
relative ``$schema`` path works on every clone (an absolute file:// path would not)."""


PRIORITY_SCORES = ("impact", "urgency", "effort", "risk")

_NUMBERED = re.compile(r"^CSI-([0-9]{4})(?:[-.]|$)")


def schema_ref(root: Path, kind: str, folder: str = "register") -> str:
    """The ``$schema`` reference for a file in ``root/folder``: relative to this
    repository's package in the csitools repository, to ``.schemas/`` in a register
    made by ``csi init``, else the published URL."""
    depth = "../" * len(Path(folder).parts)
    for base in ("csitools/schemas", SCHEMA_COPY):
        if (root / base / f"{kind}.schema.json").is_file():
            return f"{depth}{base}/{kind}.schema.json"
    return SCHEMA_URL.format(kind=kind)


def slugify(title: str, limit: int = 50) -> str:
    """``Self-service password reset!`` -> ``self-service-password-reset``: ASCII,
    lower case, cut at a word boundary so file names stay readable."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


def used_numbers(root: Path) -> set[int]:
    """The CSI numbers taken by files in register/, whatever their state: a broken
    file's number is still taken."""
    folder = root / "register"
    found = (_NUMBERED.match(p.name) for p in folder.iterdir()) if folder.is_dir() else ()
    return {int(m.group(1)) for m in found if m}


class OutOfIds(Exception):
    """Every four-digit id the new entries need is taken."""


def next_ids(root: Path, count: int = 1) -> list[str]:
    """The next free ids after the highest one in use. Gaps are not refilled while
    there is room above: an id that was deleted may still be named in history, reviews
    and minutes. Past CSI-9999 the lowest free ids are taken; raises OutOfIds when
    fewer than ``count`` are free."""
    used = used_numbers(root)
    start = max(used, default=0) + 1
    if start + count - 1 <= 9999:
        return [f"CSI-{n:04d}" for n in range(start, start + count)]
    free = [n for n in range(1, 10000) if n not in used]
    if len(free) < count:
        if not free:
            raise OutOfIds("no id is free: CSI-0001 to CSI-9999 are all taken")
        raise OutOfIds(
            f"only {len(free)} of the ids CSI-0001 to CSI-9999 are free and {count} are "
            "needed; import fewer rows"
        )
    return [f"CSI-{n:04d}" for n in free[:count]]


def new_entry(
    id_: str,
    values: Mapping[str, Any],
    services: Sequence[str] = (),
    raised_on: date | None = None,
) -> dict[str, Any]:
    """The fields of a new, proposed entry (``csi new``), in the order the file lists
    them: ``values`` holds title, summary, source, owner, raised_by, term, size and the
    four priority scores; ``raised_on`` defaults to today."""
    return {
        "id": id_,
        "title": values["title"],
        "summary": values["summary"],
        **({"services": list(dict.fromkeys(services))} if services else {}),
        "source": values["source"],
        "raised_by": values["raised_by"],
        "raised_on": (raised_on or date.today()).isoformat(),
        "owner": values["owner"],
        "status": "proposed",
        "term": values["term"],
        "size": values["size"],
        "priority": {k: values[k] for k in PRIORITY_SCORES},
    }


def entry_path(id_: str, title: str) -> str:
    slug = slugify(title)
    return f"register/{id_}-{slug}.yaml" if slug else f"register/{id_}.yaml"


def _plain_ok(text: str, flow: bool = False) -> bool:
    """Whether ``text`` reads back as itself when written unquoted (no YAML 1.1
    booleans, dates, numbers, comments or ': ' in it)."""
    if not text or text != text.strip() or (flow and any(c in text for c in ",[]{}")):
        return False
    if any(not c.isprintable() for c in text):
        return False
    try:
        return bool(yaml.safe_load(f"k: {text}\n") == {"k": text})
    except yaml.YAMLError:
        return False


def scalar(text: str, flow: bool = False) -> str:
    """A YAML scalar for ``text``: plain when that is safe, else double-quoted (a JSON
    string is a valid YAML double-quoted scalar)."""
    return text if _plain_ok(text, flow) else json.dumps(text, ensure_ascii=False)


def _value_lines(key: str, value: Any, indent: str) -> list[str]:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{key}: no booleans or nulls in a new entry")
    if isinstance(value, int | float):
        return [f"{indent}{key}: {value}"]
    if isinstance(value, str):
        body = value.rstrip("\n")
        block = "\n" in body and body[:1] not in (" ", "\t")
        if block and all(c.isprintable() or c in "\n\t" for c in body):
            # A literal block keeps a multi-line summary readable in review diffs.
            return [f"{indent}{key}: |", *(f"{indent}  {ln}".rstrip() for ln in body.split("\n"))]
        return [f"{indent}{key}: {scalar(value)}"]
    if isinstance(value, list):
        return [f"{indent}{key}: [{', '.join(scalar(str(v), flow=True) for v in value)}]"]
    if isinstance(value, Mapping):
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
            inner = ", ".join(f"{k}: {v}" for k, v in value.items())
            return [f"{indent}{key}: {{{inner}}}"]
        lines = [f"{indent}{key}:"]
        for k, v in value.items():
            lines += _value_lines(k, v, indent + "  ")
        return lines
    raise TypeError(f"{key}: cannot write {type(value).__name__}")


def _hints(
    data: Mapping[str, Any], currency: str, known: Mapping[str, list[str]] | None = None
) -> list[str]:
    """Commented examples of the optional fields the entry leaves out, each under the
    schema's description of it (the schema is the one place fields are explained).
    ``known`` replaces examples with the register's own values (``catalogue_examples``)."""
    owner = data.get("owner", "you")
    examples: dict[str, list[str]] = {
        "services": ["services: [Service Desk]"],
        "benefits": [
            "benefits:",
            "  description: What gets better, and for whom",
            f"  financial: {{amount: 0, currency: {currency}, per: year}}",
            "  intangible: [Happier users]",
        ],
        "cost": [f"cost: {{amount: 0, currency: {currency}}}"],
        "csf": ["csf: Reduce avoidable contacts to the service desk"],
        "depends_on": ["depends_on: [CSI-0001]"],
        "links": ["links: {incidents: [INC0012345], problems: [PRB0040211]}"],
        "raci": [
            "raci:",
            "  - activity: Set vision and targets",
            f"    responsible: [{owner}]",
            f"    accountable: {owner}",
            "    consulted: []",
            "    informed: []",
        ],
        "cycles": [
            "cycles:",
            "  - opened: YYYY-MM-DD",
            "    vision: What the business wants",
            "    current_state: Where we are now, in numbers",
            "    targets:",
            "      - {kpi: kpi-id, value: 0, by: YYYY-MM-DD}",
            "    plan: [First action]",
        ],
    }
    examples.update(known or {})
    props = load_schema("improvement")["properties"]
    out = ["", "# Optional fields: uncomment what applies. Your editor explains each one."]
    for key in props:  # in the order the file lists the fields
        lines = examples.get(key)
        if lines is None or key in data:
            continue
        text = f"({key}) {props[key]['description']}"
        out += textwrap.wrap(text, 88, initial_indent="# ", subsequent_indent="#   ")
        out += [f"# {line}" for line in lines]
    return out


def render_entry(
    data: Mapping[str, Any],
    schema: str,
    *,
    header: Sequence[str] = (),
    notes: Mapping[str, str] | None = None,
    hints: bool = True,
    currency: str = "USD",
    known: Mapping[str, list[str]] | None = None,
) -> str:
    """The YAML text of an entry: the ``$schema`` line, ``header`` comments, the fields
    in the schema's order, a ``# note`` after the fields named in ``notes``, and (with
    ``hints``) commented examples of the optional fields left out."""
    order = list(load_schema("improvement")["properties"])
    lines = [f"# yaml-language-server: $schema={schema}", *(f"# {h}" for h in header)]
    for key in sorted(data, key=order.index):
        value_lines = _value_lines(key, data[key], "")
        if notes and key in notes:
            value_lines[0] += f"  # {notes[key]}"
        lines += value_lines
    if hints:
        lines += _hints(data, currency, known)
    return "\n".join(lines) + "\n"


def check_entries(
    root: Path, entries: Mapping[str, str], people: Iterable[str] = ()
) -> list[Problem]:
    """Problems of new entries (``{path: text}``) checked with the rest of the register,
    as ``csi validate`` would report them once written; nothing is written. ``people``
    are ids to count as known (people an import asks the user to add)."""
    loaded = load_repository(root)
    problems: list[Problem] = []
    for rel, text in entries.items():
        data, lines, surprises, found = parse_yaml(text, rel)
        if data is not FAILED:
            found += validate_data(data, "improvement", rel, lines, surprises)
            loaded.improvements.append(Document(rel, "improvement", data, lines, not found))
        problems += found
    extra = [{"id": p, "name": p} for p in people]
    if extra and loaded.people is not None and loaded.people.valid:
        data = dict(loaded.people.data)
        data["people"] = [*(data.get("people") or ()), *extra]
        loaded.people = replace(loaded.people, data=data)
    problems += [p for p in check_register(build_register(loaded)) if p.path in entries]
    return sorted(problems)


def write_entries(root: Path, entries: Mapping[str, str]) -> list[Path]:
    """Write new entries; all or none. Raises Conflict (having removed what this call
    wrote) when a path exists or another file took one of the ids meanwhile."""
    written: list[Path] = []
    try:
        for rel, text in entries.items():
            path = root / rel
            try:
                write_new(path, text)
            except FileExistsError as exc:
                raise Conflict(f"{rel} already exists") from exc
            written.append(path)
        taken: dict[int, int] = {}
        for p in (root / "register").iterdir():
            if m := _NUMBERED.match(p.name):
                taken[int(m.group(1))] = taken.get(int(m.group(1)), 0) + 1
        for path in written:
            m = _NUMBERED.match(path.name)
            if m and taken[int(m.group(1))] > 1:
                raise Conflict(f"another file took CSI-{m.group(1)} meanwhile")
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written
