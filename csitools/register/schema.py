"""JSON Schema validation of register documents, with messages that say how to fix.

jsonschema is the reference for verdicts and messages; jsonschema-rs, when installed,
answers "is this valid?" about a hundred times faster, so a valid file (the common
case) never reaches the slow path. Invalid files are re-checked with jsonschema for
the messages, so both paths report the same words.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from csitools.problems import Problem, Where, json_path, plural
from csitools.register.limits import date_problem, is_register_date

if TYPE_CHECKING:
    import jsonschema


def _line(lines: Mapping[Where, int], where: Where) -> int:
    while where:
        if where in lines:
            return lines[where]
        where = where[:-1]
    return lines.get((), 1)


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """The shipped JSON Schema for ``kind`` (improvement, kpi, people, settings)."""
    text = resources.files("csitools.schemas").joinpath(f"{kind}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def enum(kind: str, *where: str) -> list[str]:
    """The allowed values of a field, from the schema: the one list of them."""
    node: Any = load_schema(kind)
    for key in where:
        node = node["properties"][key]
    return [v for v in node["enum"] if v is not None]


@lru_cache(maxsize=256)
def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` as JSON Schema means it (ECMA-262): ``$`` outside a character class
    is the end of the text. Python's ``$`` also matches before a final newline, so
    ``'CSI-0001\\n'`` matched ``^CSI-[0-9]{4}$`` and passed as an id."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
        i += 1
    return re.compile("".join(out))


@cache
def _reference_class() -> Any:
    """Draft 2020-12 with ``pattern`` matched the way jsonschema-rs and editors match it."""
    import jsonschema

    def pattern(validator: Any, arg: str, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not ecma_pattern(arg).search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {arg!r}")

    extend: Any = jsonschema.validators.extend  # untyped in jsonschema
    return extend(jsonschema.Draft202012Validator, {"pattern": pattern})


@cache
def _fast_validator(kind: str) -> Any:
    """jsonschema-rs for ``kind``, which says whether a document is valid; None when it
    is not installed. Most documents are: the reference validator (and jsonschema,
    50 ms to import) is only needed for the words of a problem."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover
        return None
    # `format: date` is a date the register holds (limits.EARLIEST..LATEST), the same
    # for both: jsonschema-rs alone took 0000-01-01, which Python's dates cannot hold.
    return jsonschema_rs.Draft202012Validator(
        load_schema(kind), validate_formats=True, formats={"date": is_register_date}
    )


@cache
def _reference_validator(kind: str) -> jsonschema.protocols.Validator:
    """jsonschema for ``kind``: its errors are what the messages are made from."""
    # Imported here, not at the top: `csi --help` and the option lists that read the
    # schemas' enums need no validator, and jsonschema takes a while to import.
    import jsonschema

    formats = jsonschema.FormatChecker()
    formats.checks("date")(is_register_date)
    reference: jsonschema.protocols.Validator = _reference_class()(
        load_schema(kind), format_checker=formats
    )
    return reference


REPOSITORY_URL_PATTERN = (
    r"^https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
    r"(?:/[A-Za-z0-9._~!$+,=:@%/-]*)?$"
)
BRANCH_PATTERN = r"^[^\x00-\x20\x7f~^:?*\[\\]+$"
"""The patterns of settings.schema.json's repository_url and branch (register/
settings_checks.py matches the same, whole, with git's other rules for branches)."""

PATTERN_HINTS = {
    "^CSI-[0-9]{4}$": "CSI- and four digits, such as CSI-0007",
    "^[a-z0-9][a-z0-9._-]*$": "an id of lower-case letters, digits, dots and dashes, such as 'bob'",
    "^[a-z0-9][a-z0-9-]*$": "an id of lower-case letters, digits and dashes, such as 'email-mttr'",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date as YYYY-MM-DD",
    "^[A-Z]{3}$": "a three-letter ISO 4217 currency code, such as USD",
    "\\.(csv|xlsx)$": "a path to a .csv file or an .xlsx workbook",
    "^https://": "an https:// address",
    REPOSITORY_URL_PATTERN: "an https:// address such as https://github.com/example/register: a "
    "host name, then a path of letters, digits and - . _ ~ / : @ ! $ + , = %, with no spaces, "
    "quotes, brackets, user name, ? or #",
    BRANCH_PATTERN: "a branch name git accepts: no spaces, control characters, ~ ^ : ? * [ or "
    "backslash, such as main",
    "^[^@\\s]+@[^@\\s]+$": "an e-mail address",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[a-z0-9]+)*$": (
        "the name of an assessment file without .yaml, such as 2025-10-06-itsm-maturity"
    ),
    "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?|-W[0-9]{2}|-Q[1-4])?$": (
        "a year or a period, such as 2025, 2025-10 or 2025-Q4"
    ),
}
_ALIASES = {"gte": "ge", "lte": "le", "eq": "in", "neq": "ne", "nin": "not_in", "notin": "not_in"}
"""Operator spellings from other query languages, and the one they mean here."""
_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "null",
}


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "null (nothing)"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _expected(types: str | list[str]) -> str:
    names = [_TYPE_NAMES.get(t, t) for t in ([types] if isinstance(types, str) else types)]
    return " or ".join(names)


def _meant(key: str, allowed: list[str]) -> str | None:
    """The allowed field an unknown one is a misspelling of, if it is close to one."""
    near = difflib.get_close_matches(key, allowed, n=1) if " " not in key else []
    return near[0] if near else None


def _schema_messages(error: jsonschema.ValidationError) -> Iterator[tuple[Where, str]]:
    """Human messages, each saying how to fix it, for one jsonschema error."""
    where: Where = tuple(error.absolute_path)
    v = error.validator
    value: Any = error.instance
    arg: Any = error.validator_value
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if v == "additionalProperties":
        yield from _unknown_fields(where, value, schema)
    elif v == "required":
        yield from _missing_fields(where, value, arg, schema)
    elif v == "dependentRequired":
        for key, needs in arg.items():
            if key in value:
                for need in needs:
                    if need not in value:
                        yield where, f"{key!r} needs {need!r} as well; add it"
    elif v in ("anyOf", "oneOf") and error.context:
        yield from _branch_messages(error, where, value)
    else:
        yield where, _one_message(str(v), value, arg) or error.message


def _unknown_fields(
    where: Where, value: Any, schema: Mapping[str, Any]
) -> Iterator[tuple[Where, str]]:
    allowed = sorted(schema.get("properties", {}))
    noun = schema.get("x-key-kind", "field")  # a mapping of operators: "operator"
    for key in sorted(set(value) - set(allowed)):
        near = _ALIASES.get(key) if _ALIASES.get(key) in allowed else _meant(key, allowed)
        hint = f"did you mean {near!r}?" if near else "remove it, or fix its spelling."
        if " " in key:
            hint = (
                "if it is part of a text value, quote the whole value: "
                "a ': ' inside unquoted text starts a new field."
            )
        allowed_here = ", ".join(allowed)
        yield (*where, key), f"unknown {noun} {key!r}: {hint} Allowed here: {allowed_here}"


def _missing_fields(
    where: Where, value: Any, required: Any, schema: Mapping[str, Any]
) -> Iterator[tuple[Where, str]]:
    # A misspelt field is one problem: the unknown field's "did you mean" names it.
    allowed = sorted(schema.get("properties", {}))
    meant = {_meant(key, allowed) for key in value if key not in allowed}
    for key in required:
        if key not in value and key not in meant:
            yield where, f"missing required field {key!r}; add it"


def _branch_messages(
    error: jsonschema.ValidationError, where: Where, value: Any
) -> Iterator[tuple[Where, str]]:
    """anyOf / oneOf: report the branch that got furthest, the one whose type fitted and
    that failed inside the value, else the one whose errors are not just "type"."""
    context = error.context or []
    deeper = [e for e in context if len(e.absolute_path) > len(error.absolute_path)]
    specific = deeper or [e for e in context if e.validator != "type"]
    if not specific:
        types: list[Any] = [e.validator_value for e in context if e.validator == "type"]
        flat = [t for ts in types for t in ([ts] if isinstance(ts, str) else ts)]
        yield where, f"expected {_expected(flat)}, found {describe(value)}"
        return
    seen: set[tuple[Where, str]] = set()
    for sub in specific:
        for item in _schema_messages(sub):
            if item not in seen:
                seen.add(item)
                yield item


def _one_message(v: str, value: Any, arg: Any) -> str | None:
    """The message for a keyword that fails one value, or None for one we do not word
    (jsonschema's own message is used then)."""
    if v == "type":
        return f"expected {_expected(arg)}, found {describe(value)}"
    if v == "enum":
        choices = [c for c in arg if c is not None]
        close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{value!r} is not one of: {', '.join(map(str, choices))}{hint}"
    if v == "const":
        return f"must be {json.dumps(arg)}, found {describe(value)}"
    if v == "format" and arg == "date":
        return date_problem(value)
    if v == "pattern":
        hint = PATTERN_HINTS.get(arg, f"text matching {arg}")
        return f"{value!r} is not in the expected form: write {hint}"
    if v in ("minimum", "maximum"):
        word = "at least" if v == "minimum" else "at most"
        return f"{value} is out of range: must be {word} {arg}"
    return _size_message(v, value, arg)


def _size_message(v: str, value: Any, arg: Any) -> str | None:
    if v == "minLength":
        return "must not be empty" if arg <= 1 else f"must be at least {arg} characters long"
    if v == "maxLength":
        return f"is {len(value)} characters long; shorten it to at most {arg}"
    if v in ("minItems", "minProperties"):
        return f"needs at least {plural(arg, 'item')}; add one"
    if v in ("maxItems", "maxProperties"):
        return f"has more than {arg} items; remove the extra ones"
    if v == "uniqueItems":
        seen: list[Any] = []
        dupes = [x for x in value if x in seen or seen.append(x)]  # type: ignore[func-returns-value]
        return f"lists {dupes[0]!r} more than once; remove the duplicate"
    return None  # pragma: no cover - a keyword the schemas do not use yet


def validate_data(
    data: Any, kind: str, path: str, lines: Mapping[Where, int], surprises: Mapping[Where, str]
) -> list[Problem]:
    """Check ``data`` against the ``kind`` schema; one Problem per message."""
    fast = _fast_validator(kind)
    if fast is not None and fast.is_valid(data):
        return []
    found: dict[tuple[int, str, str], Problem] = {}
    errors = list(_reference_validator(kind).iter_errors(data))
    if not errors and fast is not None:
        # The two disagree: a file one of them refuses never passes. jsonschema-rs's own
        # words, then, at the place it names.
        return [_fast_problem(path, lines, error) for error in fast.iter_errors(data)]
    # A value in the wrong form also fails `format: date`; one message is enough.
    misshapen = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    for error in errors:
        if error.validator == "format" and tuple(error.absolute_path) in misshapen:
            continue
        for where, message in _schema_messages(error):
            if where in surprises:
                message = _surprise(error, where, surprises[where], data_at(data, where))
            problem = Problem(path, _line(lines, where), json_path(where), message)
            found.setdefault((problem.line, problem.json_path, problem.message), problem)
    return sorted(found.values())


def _fast_problem(path: str, lines: Mapping[Where, int], error: Any) -> Problem:
    where: Where = tuple(error.instance_path)
    return Problem(path, _line(lines, where), json_path(where), str(error.message))


def _surprise(error: jsonschema.ValidationError, where: Where, word: str, value: Any) -> str:
    """The message for a YAML 1.1 boolean (yes/no/on/off) that broke the schema:
    explain the reading, unless quoting it would not help either."""
    arg: Any = error.validator_value
    if error.validator == "enum" and word not in arg:
        choices = [str(c) for c in arg if c is not None]
        return f"{word!r} is not one of: {', '.join(choices)}"
    return (
        f"{word!r} is read as the boolean {str(value).lower()} "
        f"(YAML 1.1); quote it ('{word}') if you mean the text"
    )


def data_at(data: Any, where: Where) -> Any:
    for part in where:
        data = data[part]
    return data
