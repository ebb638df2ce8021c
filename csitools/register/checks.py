"""Rules that span files: ids, references, RACI, dependencies, settings; and the list
of every rule (dates and lifecycle in ``lifecycle``, data paths in ``sources``).

Each rule takes the modelled register and returns Problems located at the line of the
value at fault. Rules never raise and never print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from csitools.problems import Fault, Problem, Where, did_you_mean
from csitools.register import catalogue_checks
from csitools.register.documents import Document, problem_at
from csitools.register.lifecycle import check_dates, check_lifecycle
from csitools.register.load import file_id
from csitools.register.model import Improvement, Register
from csitools.register.settings_checks import check_link_settings
from csitools.register.sources import check_sources


def check_ids(reg: Register) -> Iterator[Problem]:
    seen: dict[str, Improvement] = {}
    for imp in reg.improvements:
        name = imp.path.rsplit("/", 1)[-1]
        if not name.startswith(imp.id + "-") and name.rsplit(".", 1)[0] != imp.id:
            yield problem_at(
                imp.doc,
                imp.path,
                ("id",),
                f"id {imp.id} does not match the file name {name}; the file name must "
                f"start with the id ({imp.id}-<slug>.yaml), so rename the file or fix the id",
            )
        if imp.id in seen:
            yield problem_at(
                imp.doc,
                imp.path,
                ("id",),
                f"id {imp.id} is already used by {seen[imp.id].path}; take the next free id",
            )
        else:
            seen[imp.id] = imp
    for kpi in reg.kpis.values():
        stem = file_id(kpi.path)
        if kpi.id != stem:
            yield problem_at(
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
    seen: dict[str, Where] = {}  # lines are looked up only for a problem (they cost)
    for kind in ("people", "teams"):
        for i, entry in enumerate(doc.data.get(kind) or ()):
            if entry["id"] in seen:
                yield problem_at(
                    doc,
                    doc.path,
                    (kind, i, "id"),
                    f"id {entry['id']!r} is already used on line {doc.line(seen[entry['id']])}; "
                    "ids of people and teams must be unique",
                )
            seen.setdefault(entry["id"], (kind, i, "id"))
    for i, team in enumerate(doc.data.get("teams") or ()):
        for j, member in enumerate(team["members"]):
            if member not in reg.people:
                yield problem_at(
                    doc,
                    doc.path,
                    ("teams", i, "members", j),
                    f"{member!r} is not in the people list{did_you_mean(member, reg.people)}; "
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


def person_problems(
    reg: Register, doc: Document | None, path: str, refs: Iterable[tuple[Where, str, bool]]
) -> Iterator[Problem]:
    """For (where, id, may be a team) references: each id the people directory does not
    hold, and each team named where one person is wanted."""
    if reg.people_doc is None:
        return  # the loader reports the missing directory
    directory = reg.people_doc.path
    for where, who, team_ok in refs:
        if who in reg.people:
            continue
        if who in reg.teams:
            if not team_ok:
                yield problem_at(
                    doc,
                    path,
                    where,
                    f"{who!r} is a team; name one person here (a team member "
                    f"such as {reg.teams[who].members[0]!r})"
                    if reg.teams[who].members
                    else f"{who!r} is a team; name one person here",
                )
            continue
        known = list(reg.people) + (list(reg.teams) if team_ok else [])
        yield problem_at(
            doc,
            path,
            where,
            f"{who!r} is not in {directory}{did_you_mean(who, known)}; "
            "add them there or fix the id",
        )


def check_references(reg: Register) -> Iterator[Problem]:
    if reg.people_doc is not None:
        directory = reg.people_doc.path
        for imp in reg.improvements:
            yield from person_problems(reg, imp.doc, imp.path, _person_refs(imp))
        for kpi in reg.kpis.values():
            if kpi.owner not in reg.people:
                yield problem_at(
                    kpi.doc,
                    kpi.path,
                    ("owner",),
                    f"{kpi.owner!r} is not in {directory}{did_you_mean(kpi.owner, reg.people)}; "
                    "add them there or fix the id",
                )
    known_kpis = set(reg.kpis) | reg.unusable
    for imp in reg.improvements:
        for c, cycle in enumerate(imp.cycles):
            for t, target in enumerate(cycle.targets):
                if target.kpi not in known_kpis:
                    yield problem_at(
                        imp.doc,
                        imp.path,
                        ("cycles", c, "targets", t, "kpi"),
                        f"KPI {target.kpi!r} does not exist{did_you_mean(target.kpi, reg.kpis)}; "
                        f"define it in kpis/{target.kpi}.yaml or fix the id",
                    )
    for kpi in reg.kpis.values():
        faults = _list_faults(
            "tension_with",
            kpi.tension_with,
            kpi.id,
            known_kpis,
            "a KPI cannot be in tension with itself; remove it from tension_with",
            lambda other: (
                f"KPI {other!r} does not exist{did_you_mean(other, reg.kpis)}; "
                f"define it in kpis/{other}.yaml or fix the id"
            ),
        )
        for fault in faults:
            yield problem_at(kpi.doc, kpi.path, *fault)


def _list_faults(
    key: str,
    refs: Iterable[str],
    own: str,
    known: set[str],
    itself: str,
    unknown: Callable[[str], str],
) -> Iterator[Fault]:
    """A list of ids under ``key`` naming its own entry (``itself``) or an unknown one."""
    for i, ref in enumerate(refs):
        if ref == own:
            yield Fault((key, i), itself)
        elif ref not in known:
            yield Fault((key, i), unknown(ref))


def check_raci(reg: Register) -> Iterator[Problem]:
    for imp in reg.improvements:
        for i, row in enumerate(imp.raci):
            if not row.responsible:
                yield problem_at(
                    imp.doc,
                    imp.path,
                    ("raci", i, "responsible"),
                    f"activity {row.activity!r} has no one responsible; name at least one "
                    "person or team who does the work",
                )


def check_dependencies(reg: Register) -> Iterator[Problem]:
    ids = {imp.id for imp in reg.improvements} | reg.unusable
    # A dependency on itself is reported above: leave it out of the loops, so that it
    # does not hide a longer loop through the same entry.
    graph = {imp.id: tuple(d for d in imp.depends_on if d != imp.id) for imp in reg.improvements}
    by_id = {imp.id: imp for imp in reg.improvements}
    for imp in reg.improvements:
        faults = _list_faults(
            "depends_on",
            imp.depends_on,
            imp.id,
            ids,
            "an improvement cannot depend on itself; remove it",
            lambda dep: (
                f"{dep} is not in the register{did_you_mean(dep, ids)}; fix the id or remove it"
            ),
        )
        for fault in faults:
            yield problem_at(imp.doc, imp.path, *fault)
    # Report each dependency loop once, naming the whole loop: at its smallest id (the
    # search from each of its other entries finds it too).
    for start in sorted(graph):
        loop = _find_loop(start, graph)
        if loop and loop[0] == min(loop):
            imp = by_id[start]
            where: Where = ("depends_on", imp.depends_on.index(loop[1]))
            yield problem_at(
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
            for dep in graph[path[-1]]:
                if dep == start:
                    return path
                if dep not in seen and dep in graph:
                    seen.add(dep)
                    nxt.append([*path, dep])
        frontier = nxt
    return None


def check_settings(reg: Register) -> Iterator[Problem]:
    doc = reg.settings.doc
    if doc is not None and not any(reg.settings.weights.values()):
        yield problem_at(
            doc,
            doc.path,
            ("scoring", "weights"),
            "the scoring weights are all 0, so every improvement would score 0; give impact "
            "and urgency positive weights, such as {impact: 0.4, urgency: 0.3, effort: 0.2, "
            "risk: 0.1}",
        )


RULES = (
    check_settings,
    check_link_settings,
    check_ids,
    check_people,
    check_references,
    check_raci,
    check_dependencies,
    check_dates,
    check_lifecycle,
    check_sources,
    *catalogue_checks.RULES,
)


def check_register(reg: Register) -> list[Problem]:
    """Every cross-file problem in the register, sorted by file and line."""
    return sorted(p for rule in RULES for p in rule(reg))
