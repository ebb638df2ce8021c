"""Rules that span files: ids, references, RACI, dates, lifecycle, data paths.

Each rule takes the modelled register and returns Problems located at the line of the
value at fault. Rules never raise and never print.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from csitools.problems import Problem, json_path
from csitools.register.load import Document
from csitools.register.model import EARLIEST, LATEST, Improvement, Kpi, Register

Where = tuple[str | int, ...]


def _at(doc: Document | None, path: str, where: Where, message: str) -> Problem:
    line = doc.line(where) if doc is not None else 0
    return Problem(path, line, json_path(where), message)


def _suggest(name: str, known: Iterable[str]) -> str:
    near = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


def check_ids(reg: Register) -> Iterator[Problem]:
    seen: dict[str, Improvement] = {}
    for imp in reg.improvements:
        name = imp.path.rsplit("/", 1)[-1]
        if not name.startswith(imp.id + "-") and name.rsplit(".", 1)[0] != imp.id:
            yield _at(
                imp.doc,
                imp.path,
                ("id",),
                f"id {imp.id} does not match the file name {name}; the file name must "
                f"start with the id ({imp.id}-<slug>.yaml), so rename the file or fix the id",
            )
        if imp.id in seen:
            yield _at(
                imp.doc,
                imp.path,
                ("id",),
                f"id {imp.id} is already used by {seen[imp.id].path}; take the next free id",
            )
        else:
            seen[imp.id] = imp
    for kpi in reg.kpis.values():
        stem = kpi.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if kpi.id != stem:
            yield _at(
                kpi.doc,
                kpi.path,
                ("id",),
                f"id {kpi.id!r} does not match the file name; a KPI's id is its file name "
                f"without .yaml ({stem!r}), so rename the file or fix the id",
            )


def check_people(reg: Register) -> Iterator[Problem]:
    doc = reg.people_doc
    if doc is None:
        return
    seen: dict[str, int] = {}
    for kind in ("people", "teams"):
        for i, entry in enumerate(doc.data.get(kind) or ()):
            line = doc.line((kind, i, "id"))
            if entry["id"] in seen:
                yield _at(
                    doc,
                    doc.path,
                    (kind, i, "id"),
                    f"id {entry['id']!r} is already used on line {seen[entry['id']]}; "
                    "ids of people and teams must be unique",
                )
            seen.setdefault(entry["id"], line)
    for i, team in enumerate(doc.data.get("teams") or ()):
        for j, member in enumerate(team["members"]):
            if member not in reg.people:
                yield _at(
                    doc,
                    doc.path,
                    ("teams", i, "members", j),
                    f"{member!r} is not in the people list{_suggest(member, reg.people)}; "
                    "add them under people:",
                )


def _person_refs(imp: Improvement) -> Iterator[tuple[Where, str, bool]]:
    """(where, id, may be a team) for every person reference in an entry."""
    yield ("raised_by",), imp.raised_by, False
    yield ("owner",), imp.owner, False
    for i, row in enumerate(imp.raci):
        for role in ("responsible", "consulted", "informed"):
            for j, who in enumerate(getattr(row, role)):
                yield ("raci", i, role, j), who, True
        yield ("raci", i, "accountable"), row.accountable, False


def check_references(reg: Register) -> Iterator[Problem]:
    if reg.people_doc is not None:
        directory = reg.people_doc.path
        for imp in reg.improvements:
            for where, who, team_ok in _person_refs(imp):
                if who in reg.people:
                    continue
                if who in reg.teams:
                    if not team_ok:
                        yield _at(
                            imp.doc,
                            imp.path,
                            where,
                            f"{who!r} is a team; name one person here (a team member "
                            f"such as {reg.teams[who].members[0]!r})"
                            if reg.teams[who].members
                            else f"{who!r} is a team; name one person here",
                        )
                    continue
                known = list(reg.people) + (list(reg.teams) if team_ok else [])
                yield _at(
                    imp.doc,
                    imp.path,
                    where,
                    f"{who!r} is not in {directory}{_suggest(who, known)}; "
                    "add them there or fix the id",
                )
        for kpi in reg.kpis.values():
            if kpi.owner not in reg.people:
                yield _at(
                    kpi.doc,
                    kpi.path,
                    ("owner",),
                    f"{kpi.owner!r} is not in {directory}{_suggest(kpi.owner, reg.people)}; "
                    "add them there or fix the id",
                )
    known_kpis = set(reg.kpis) | reg.unusable
    for imp in reg.improvements:
        for c, cycle in enumerate(imp.cycles):
            for t, target in enumerate(cycle.targets):
                if target.kpi not in known_kpis:
                    yield _at(
                        imp.doc,
                        imp.path,
                        ("cycles", c, "targets", t, "kpi"),
                        f"KPI {target.kpi!r} does not exist{_suggest(target.kpi, reg.kpis)}; "
                        f"define it in kpis/{target.kpi}.yaml or fix the id",
                    )
    for kpi in reg.kpis.values():
        for i, other in enumerate(kpi.tension_with):
            if other == kpi.id:
                yield _at(
                    kpi.doc,
                    kpi.path,
                    ("tension_with", i),
                    "a KPI cannot be in tension with itself; remove it from tension_with",
                )
            elif other not in known_kpis:
                yield _at(
                    kpi.doc,
                    kpi.path,
                    ("tension_with", i),
                    f"KPI {other!r} does not exist{_suggest(other, reg.kpis)}; "
                    f"define it in kpis/{other}.yaml or fix the id",
                )


def check_raci(reg: Register) -> Iterator[Problem]:
    for imp in reg.improvements:
        for i, row in enumerate(imp.raci):
            if not row.responsible:
                yield _at(
                    imp.doc,
                    imp.path,
                    ("raci", i, "responsible"),
                    f"activity {row.activity!r} has no one responsible; name at least one "
                    "person or team who does the work",
                )


def check_dependencies(reg: Register) -> Iterator[Problem]:
    ids = {imp.id for imp in reg.improvements} | reg.unusable
    graph = {imp.id: imp.depends_on for imp in reg.improvements}
    by_id = {imp.id: imp for imp in reg.improvements}
    for imp in reg.improvements:
        for i, dep in enumerate(imp.depends_on):
            if dep == imp.id:
                yield _at(
                    imp.doc,
                    imp.path,
                    ("depends_on", i),
                    "an improvement cannot depend on itself; remove it",
                )
            elif dep not in ids:
                yield _at(
                    imp.doc,
                    imp.path,
                    ("depends_on", i),
                    f"{dep} is not in the register{_suggest(dep, ids)}; fix the id or remove it",
                )
    # Report each dependency loop once, at its smallest id, naming the whole loop.
    reported: set[frozenset[str]] = set()
    for start in sorted(graph):
        loop = _find_loop(start, graph)
        if loop and frozenset(loop) not in reported and loop[0] == min(loop):
            reported.add(frozenset(loop))
            imp = by_id[start]
            where: Where = ("depends_on", imp.depends_on.index(loop[1 % len(loop)]))
            if len(loop) == 1:
                continue  # self-dependency, reported above
            yield _at(
                imp.doc,
                imp.path,
                where,
                f"dependency loop: {' → '.join([*loop, loop[0]])}; remove one of these depends_on",
            )


def _find_loop(start: str, graph: dict[str, tuple[str, ...]]) -> list[str] | None:
    """The shortest path start -> ... -> start, if any (breadth-first)."""
    frontier: list[list[str]] = [[start]]
    seen = {start}
    while frontier:
        nxt = []
        for path in frontier:
            for dep in graph.get(path[-1], ()):
                if dep == start:
                    return path
                if dep not in seen and dep in graph:
                    seen.add(dep)
                    nxt.append([*path, dep])
        frontier = nxt
    return None


def _far_dates(imp: Improvement) -> Iterator[tuple[Where, date]]:
    yield ("raised_on",), imp.raised_on
    for c, cycle in enumerate(imp.cycles):
        yield ("cycles", c, "opened"), cycle.opened
        if cycle.closed is not None:
            yield ("cycles", c, "closed"), cycle.closed
        for t, target in enumerate(cycle.targets):
            yield ("cycles", c, "targets", t, "by"), target.by


def check_dates(reg: Register) -> Iterator[Problem]:
    for imp in reg.improvements:
        for where, day in _far_dates(imp):
            if not EARLIEST <= day <= LATEST:
                yield _at(
                    imp.doc,
                    imp.path,
                    where,
                    f"{day} is outside {EARLIEST} to {LATEST}; a date this far out is a typo, "
                    "write the real date",
                )
        last = len(imp.cycles) - 1
        for c, cycle in enumerate(imp.cycles):
            here: Where = ("cycles", c)
            if cycle.opened < imp.raised_on:
                yield _at(
                    imp.doc,
                    imp.path,
                    (*here, "opened"),
                    f"cycle {c + 1} opened {cycle.opened} before the entry was raised "
                    f"({imp.raised_on}); fix one of the two dates",
                )
            if cycle.closed is not None and cycle.closed < cycle.opened:
                yield _at(
                    imp.doc,
                    imp.path,
                    (*here, "closed"),
                    f"cycle {c + 1} closed {cycle.closed} before it opened ({cycle.opened}); "
                    "fix one of the two dates",
                )
            if cycle.closed is None and c != last:
                yield _at(
                    imp.doc,
                    imp.path,
                    (*here, "closed"),
                    f"cycle {c + 1} is still open but a later cycle exists; only the last "
                    "cycle may be open, so close it (closed: YYYY-MM-DD and outcome)",
                )
            if c > 0:
                prev = imp.cycles[c - 1]
                if prev.closed is not None and cycle.opened < prev.closed:
                    yield _at(
                        imp.doc,
                        imp.path,
                        (*here, "opened"),
                        f"cycle {c + 1} opened {cycle.opened}, before cycle {c} closed "
                        f"({prev.closed}); cycles must not overlap",
                    )
            for t, target in enumerate(cycle.targets):
                if target.by <= cycle.opened:
                    yield _at(
                        imp.doc,
                        imp.path,
                        (*here, "targets", t, "by"),
                        f"target date {target.by} is not after the cycle opened "
                        f"({cycle.opened}); give a later date",
                    )


def check_lifecycle(reg: Register) -> Iterator[Problem]:
    for imp in reg.improvements:
        status = imp.status
        if status == "completed":
            for c, cycle in enumerate(imp.cycles):
                if cycle.closed is None or cycle.outcome is None:
                    missing = "closed date and outcome" if cycle.closed is None else "outcome"
                    yield _at(
                        imp.doc,
                        imp.path,
                        ("cycles", c),
                        f"status is completed but cycle {c + 1} has no {missing}; close the "
                        "cycle with its outcome, or change the status",
                    )
            if not imp.cycles:
                yield _at(
                    imp.doc,
                    imp.path,
                    ("status",),
                    "status is completed but the entry has no cycles; record the cycle "
                    "with its targets and outcome",
                )
        elif status in ("in-progress", "measuring") and imp.open_cycle is None:
            yield _at(
                imp.doc,
                imp.path,
                ("status",),
                f"status is {status} but no cycle is open; open a cycle (a cycle "
                "without closed:) or change the status",
            )
        elif status == "proposed":
            for c, cycle in enumerate(imp.cycles):
                if cycle.closed is not None:
                    yield _at(
                        imp.doc,
                        imp.path,
                        ("cycles", c, "closed"),
                        f"status is proposed but cycle {c + 1} is closed; a proposed entry "
                        "has not run a cycle yet, so change the status",
                    )
        for c, cycle in enumerate(imp.cycles):
            if cycle.closed is None and cycle.outcome is not None:
                yield _at(
                    imp.doc,
                    imp.path,
                    ("cycles", c, "outcome"),
                    f"cycle {c + 1} records an outcome but is not closed; add closed: "
                    "YYYY-MM-DD or remove the outcome",
                )
            if cycle.closed is not None and cycle.outcome is None and status != "completed":
                yield _at(
                    imp.doc,
                    imp.path,
                    ("cycles", c, "outcome"),
                    f"cycle {c + 1} is closed without an outcome; add outcome: met, "
                    "partially-met or not-met",
                )


def source_columns(source: dict) -> list[tuple[Where, str]]:
    """The CSV columns a KPI source names, each with where it is named."""
    if "measure" not in source:
        return [(("source", "csv"), "period"), (("source", "csv"), "value")]
    cols: list[tuple[Where, str]] = []
    for key in ("key", "order_by", "time"):
        if key in source:
            cols.append((("source", key), source[key]))
    cols += [(("source", "where", k), k) for k in source.get("where") or {}]
    measure = source["measure"]
    cols += [
        (("source", "measure", "duration", i), c)
        for i, c in enumerate(measure.get("duration") or ())
    ]
    cols += [(("source", "measure", "share", k), k) for k in measure.get("share") or {}]
    if "column" in measure:
        cols.append((("source", "measure", "column"), measure["column"]))
    seen: set[str] = set()
    return [(w, c) for w, c in cols if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]


def resolve_csv(root: Path, text: str) -> tuple[Path | None, str | None]:
    """The CSV's real path, or why it may not be used."""
    if text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":"):
        return None, f"{text!r} is an absolute path; write it relative to the repository root"
    try:
        real = (root / text).resolve()
        real.relative_to(root.resolve())
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
        yield _at(kpi.doc, kpi.path, where, why or "")
        return
    if real not in headers:
        headers[real] = _header(real)
    header = headers[real]
    if header is None:
        return  # unreadable or empty: the metrics step names the file and line
    for where_named, column in source_columns(dict(kpi.source)):
        if column not in header:
            yield _at(
                kpi.doc,
                kpi.path,
                where_named,
                f"column {column!r} is not in {kpi.source['csv']}{_suggest(column, header)}; "
                f"its columns are: {', '.join(header)}",
            )


def check_settings(reg: Register) -> Iterator[Problem]:
    doc = reg.settings.doc
    if doc is not None and not any(reg.settings.weights.values()):
        yield _at(
            doc,
            doc.path,
            ("scoring", "weights"),
            "the scoring weights are all 0, so every improvement would score 0; give impact "
            "and urgency positive weights, such as {impact: 0.4, urgency: 0.3, effort: 0.2, "
            "risk: 0.1}",
        )


RULES = (
    check_settings,
    check_ids,
    check_people,
    check_references,
    check_raci,
    check_dependencies,
    check_dates,
    check_lifecycle,
    check_sources,
)


def check_register(reg: Register) -> list[Problem]:
    """Every cross-file problem in the register, sorted by file and line."""
    return sorted(p for rule in RULES for p in rule(reg))
