"""Schema patterns mean what JSON Schema says (ECMA-262): ``$`` is the end of the text,
so a value with a trailing newline never passes as an id, a path or an address. (The
case folders ``negative/*-trailing-newline*`` show it through ``csi validate``.)"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from csitools.register import schema
from csitools.register.schema import REPOSITORY_URL_PATTERN, ecma_pattern, validate_data


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^CSI-[0-9]{4}$", "CSI-0001", True),
        ("^CSI-[0-9]{4}$", "CSI-0001\n", False),
        ("\\.csv$", "kpis/data/x.csv\n", False),
        ("\\.csv$", "kpis/data/x.csv", True),
        ("^a\\$$", "a$", True),  # an escaped dollar is a dollar
        (REPOSITORY_URL_PATTERN, "https://example.org/a$b", True),  # $ inside a class
        (REPOSITORY_URL_PATTERN, "https://example.org/a\n", False),
    ],
)
def test_dollar_is_the_end_of_the_text(pattern: str, text: str, matches: bool) -> None:
    assert (ecma_pattern(pattern).search(text) is not None) is matches


def test_both_validators_refuse_an_id_with_a_trailing_newline() -> None:
    data = {"people": [{"id": "bob\n", "name": "Bob Janssen"}]}
    problems = validate_data(data, "people", "register/people.yaml", {("people", 0): 3}, {})
    assert [str(p) for p in problems] == [
        "register/people.yaml:3: $.people[0].id: 'bob\\n' is not in the expected form: write "
        "an id of lower-case letters, digits, dots and dashes, such as 'bob'"
    ]


def test_a_file_only_the_fast_validator_refuses_gets_its_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Should the two validators ever disagree again, the file does not pass.
    class Refusing:
        def is_valid(self, data: object) -> bool:
            return False

        def iter_errors(self, data: object) -> list[SimpleNamespace]:
            return [SimpleNamespace(instance_path=["people", 0, "id"], message="'bob' is odd")]

    monkeypatch.setattr(schema, "_fast_validator", lambda kind: Refusing())
    data = {"people": [{"id": "bob", "name": "Bob Janssen"}]}
    problems = validate_data(data, "people", "register/people.yaml", {("people", 0): 3}, {})
    assert [str(p) for p in problems] == ["register/people.yaml:3: $.people[0].id: 'bob' is odd"]
