"""Problems -> text, one reporter per ``csi validate --format``: ``text`` (one line per
problem, ``file:line: $.json.path: message``), ``json`` and ``github`` (workflow
annotations)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from csitools.problems import Problem, plural


def _summary(files: int, problems: Sequence[Problem]) -> str:
    """``6 files checked, 1 problem``; warnings are counted apart, when there are any."""
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    text = f"{plural(files, 'file')} checked, {plural(errors, 'problem')}"
    return text + (f", {plural(warnings, 'warning')}" if warnings else "")


def problem_lines(problems: Sequence[Problem]) -> str:
    """One line per problem, ``file:line: $.json.path: message``, without a summary:
    for commands that list the problems of what they were asked to write."""
    return "".join(f"{p}\n" for p in problems)


def report_text(files: int, problems: Sequence[Problem]) -> str:
    return problem_lines(problems) + _summary(files, problems) + "\n"


def report_json(files: int, problems: Sequence[Problem]) -> str:
    payload = {
        "files": files,
        "problems": [p.as_dict() for p in problems],
        "summary": _summary(files, problems),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    # GitHub workflow command escaping (actions/toolkit, command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report_github(files: int, problems: Sequence[Problem]) -> str:
    out = []
    for p in problems:
        props = f"file={_escape_property(p.path)}"
        if p.line:
            props += f",line={p.line}"
        props += f",title={_escape_property(p.json_path)}"
        out.append(f"::{p.severity} {props}::{_escape_data(p.message)}\n")
    return "".join(out) + _summary(files, problems) + "\n"


REPORTERS: dict[str, Callable[[int, Sequence[Problem]], str]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
}
