"""Ids, titles and names that hold characters nobody sees: bidirectional controls
(which reorder the text around them, so it reads as something else) and zero-width
characters (which make two names that look the same differ). Each is a warning at the
value's line: such text is rarely meant, and a reviewer cannot see it in a diff."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from csitools.problems import Problem, Where, json_path
from csitools.register.documents import Document

BIDI_CONTROLS = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
"""Arabic letter mark, LRM and RLM, the embeddings and overrides, the isolates."""

ZERO_WIDTH = frozenset({0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF})
"""Mongolian vowel separator, zero-width space, non-joiner and joiner, word joiner,
zero-width no-break space."""

_UNSEEN_OR_ESCAPED = re.compile(
    "[\\\\" + "".join(chr(c) for c in sorted(BIDI_CONTROLS | ZERO_WIDTH)) + "]"
)


def may_hold_unseen(text: str) -> bool:
    """Whether a file's text may give a value an unseen character: it holds one, or a
    backslash (a double-quoted escape such as ``\\u200b`` writes one). Most files hold
    neither, and their values need not be looked at one by one."""
    return _UNSEEN_OR_ESCAPED.search(text) is not None


NAMED_KEYS = frozenset({"id", "title", "name"})
"""The fields that name things: where an unseen character misleads."""


def _named_texts(data: Any, where: Where = ()) -> Iterator[tuple[Where, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*where, key)
            if key in NAMED_KEYS and isinstance(value, str):
                yield here, value
            else:
                yield from _named_texts(value, here)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _named_texts(value, (*where, i))


def _unseen(text: str) -> list[str]:
    return [c for c in text if ord(c) in BIDI_CONTROLS or ord(c) in ZERO_WIDTH]


def invisible_characters(doc: Document) -> list[Problem]:
    """A warning for each id, title or name in ``doc`` that holds an unseen character."""
    problems = []
    for where, text in _named_texts(doc.data):
        unseen = _unseen(text)
        if not unseen:
            continue
        first = unseen[0]
        kind = "a bidirectional control" if ord(first) in BIDI_CONTROLS else "a zero-width"
        name = unicodedata.name(first, "character").lower()
        what = f"{kind} character (U+{ord(first):04X} {name})"
        if len(unseen) > 1:
            what += f" and {len(unseen) - 1} more"
        message = (
            f"holds {what} that no one sees and that can make it read as other text; "
            "delete it (an editor that shows invisible characters finds it)"
        )
        problems.append(
            Problem(doc.path, doc.line(where), json_path(where), message, severity="warning")
        )
    return problems
