"""An improvement's RACI matrix as rows of letters, and each person's and team's part in
every matrix (the People page)."""

from __future__ import annotations

from csitools.register.model import Improvement, Register


def raci_matrix(imp: Improvement) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Activities x parties with R/A/C/I letters, parties in order of appearance."""
    parties: list[str] = []
    for row in imp.raci:
        for who in (*row.responsible, row.accountable, *row.consulted, *row.informed):
            if who not in parties:
                parties.append(who)
    rows = []
    for row in imp.raci:
        letters = []
        for who in parties:
            mark = "".join(
                letter
                for letter, group in (
                    ("R", row.responsible),
                    ("A", (row.accountable,)),
                    ("C", row.consulted),
                    ("I", row.informed),
                )
                if who in group
            )
            letters.append(mark)
        rows.append((row.activity, letters))
    return parties, rows


def involvement(reg: Register) -> dict[str, list[tuple[Improvement, str, str]]]:
    """For each person or team id: (improvement, activity, RACI letters)."""
    out: dict[str, list[tuple[Improvement, str, str]]] = {}
    for imp in reg.improvements:
        parties, rows = raci_matrix(imp)
        for activity, letters in rows:
            for who, mark in zip(parties, letters, strict=True):
                if mark:
                    out.setdefault(who, []).append((imp, activity, mark))
    return out


def parts(reg: Register) -> dict[str, list[tuple[Improvement, str]]]:
    """For each person or team id: each improvement they own or hold a RACI letter in,
    with their part in words ("owner; A: Set targets, Review; R: Train agents")."""
    letters: dict[str, dict[str, dict[str, list[str]]]] = {}
    for who, rows in involvement(reg).items():
        for imp, activity, mark in rows:
            for letter in mark:
                letters.setdefault(who, {}).setdefault(imp.id, {}).setdefault(letter, [])
                letters[who][imp.id][letter].append(activity)
    out: dict[str, list[tuple[Improvement, str]]] = {}
    for imp in reg.improvements:
        for who in dict.fromkeys([imp.owner, *(w for w in letters if imp.id in letters[w])]):
            roles = letters.get(who, {}).get(imp.id, {})
            words = ["owner"] if who == imp.owner else []
            words += [f"{k}: {', '.join(roles[k])}" for k in "RACI" if k in roles]
            out.setdefault(who, []).append((imp, "; ".join(words)))
    return out
