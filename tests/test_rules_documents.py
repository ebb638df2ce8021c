"""The rules of reading YAML into data (``csitools.register.documents``): YAML 1.1
booleans, dates kept as written, the line of every value (through anchors and aliases),
duplicate keys at any depth, the limits on size and nesting exactly at and one past
them, numbers the register cannot hold, what is refused, and the quick reading giving
the full reading's data or leaving the file to it."""

from __future__ import annotations

import pytest
import yaml

from csitools.problems import Problem
from csitools.register import documents
from csitools.register.documents import (
    FAILED,
    parse_yaml,
    quick_parse,
)

P = "register/CSI-0001-x.yaml"


def nested_lists(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


def test_without_libyaml_a_document_nested_past_pythons_limit_is_a_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(documents, "_Loader", yaml.SafeLoader)  # PyYAML built without libyaml
    text = nested_lists(5000)
    message = "the document nests too deeply; flatten it"
    assert parse_yaml(text, P) == (FAILED, {}, {}, [Problem(P, 0, "$", message)])
    assert quick_parse(text) is FAILED
