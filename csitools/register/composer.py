"""YAML text -> a node tree, as PyYAML's SafeLoader composes it, with less overhead.

``csitools.register.documents`` turns the nodes into data; this module only composes
them. The parser asks the resolver for the tag of every node (600,000 times for 5,000
entries), and PyYAML's resolver is general Python: path resolvers, wildcard lists
built per call. ``Loader`` answers the same question from a table, which makes
composing about a fifth cheaper, and gives the same tags (tests/test_quick_parse.py
compares them with SafeLoader's).
"""

from __future__ import annotations

import operator
from typing import Any

import yaml

try:  # libyaml's parser; the pure-Python one is ~8x slower but gives the same nodes
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"

_ANY_FIRST = tuple(_Base.yaml_implicit_resolvers.get(None, ()))
_IMPLICIT = {
    first: (*found, *_ANY_FIRST)
    for first, found in _Base.yaml_implicit_resolvers.items()
    if first is not None
}
"""SafeLoader's implicit tags of plain scalars (null, bool, int, float, timestamp,
merge, value), by the first character they can start with."""


class Loader(_Base):
    """SafeLoader's composer with a leaner resolver that gives the same tags.

    SafeLoader has no path resolvers, so a plain scalar's tag is decided by the
    regexes for its first character, and every other node gets the default tag of its
    kind; the path-resolver bookkeeping
    around each node is left out, as builtins that do nothing (the parser calls
    ``descend_resolver(parent, index)`` and ``ascend_resolver()``)."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], _ANY_FIRST):
                    if regexp.match(value):
                        return tag  # type: ignore[no-any-return]
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    descend_resolver = operator.is_  # type: ignore[assignment]
    ascend_resolver = tuple  # type: ignore[assignment]
