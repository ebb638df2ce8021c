"""The register's cross-file rules (``csi validate``) at their edges: dependency loops
(each reported once, at its smallest id, wherever the search starts), and which ids a
message suggests. Each case adds entries to the base register of tests/cases and
states the exact output, with the line of the value at fault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csitools.problems import plural
from tests.conftest import materialise
from tests.test_validate_broken import entry, no_traceback, validate

LOOP = "remove one of these depends_on"


def validate_with(
    files: list[tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """The lines ``csi validate`` prints for the base register with ``files`` (path,
    text) added or replaced; its exit code is 1 exactly when it reports a problem."""
    repo = materialise(None, tmp_path / "repo")
    for path, text in files:
        (repo / path).write_text(text, encoding="utf-8")
    result = validate(repo, monkeypatch)
    no_traceback(result)
    found = re.search(r"files? checked, (\d+) problems?", result.output)
    assert found is not None, result.output
    assert result.exit_code == (1 if int(found[1]) else 0)
    return result.output.splitlines()


def depends(id_: str, *deps: str) -> tuple[str, str]:
    """A file for entry ``id_`` depending on ``deps``: its ``depends_on`` is on line 12."""
    return f"register/{id_}-entry.yaml", entry(id_, extra=f"depends_on: [{', '.join(deps)}]\n")


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        # A loop of two, found from both of its entries, is reported once: at the smaller.
        (
            [depends("CSI-0003", "CSI-0004"), depends("CSI-0004", "CSI-0003")],
            [
                "register/CSI-0003-entry.yaml:12: $.depends_on[0]: dependency loop: "
                f"CSI-0003 → CSI-0004 → CSI-0003; {LOOP}",
            ],
        ),
        # An entry that leads into a loop is not in it: the loop is reported at its own
        # smallest id, and the search from the entry outside it ends.
        (
            [
                depends("CSI-0003", "CSI-0004"),
                depends("CSI-0004", "CSI-0005"),
                depends("CSI-0005", "CSI-0004"),
            ],
            [
                "register/CSI-0004-entry.yaml:12: $.depends_on[0]: dependency loop: "
                f"CSI-0004 → CSI-0005 → CSI-0004; {LOOP}",
            ],
        ),
        # A self-dependency does not stop the search for the loops of the entries after it.
        (
            [
                depends("CSI-0003", "CSI-0003"),
                depends("CSI-0004", "CSI-0005"),
                depends("CSI-0005", "CSI-0004"),
            ],
            [
                "register/CSI-0003-entry.yaml:12: $.depends_on[0]: an improvement cannot "
                "depend on itself; remove it",
                "register/CSI-0004-entry.yaml:12: $.depends_on[0]: dependency loop: "
                f"CSI-0004 → CSI-0005 → CSI-0004; {LOOP}",
            ],
        ),
        # Nor does it hide a loop through the same entry: both are reported, each at the
        # position of its own depends_on.
        (
            [depends("CSI-0003", "CSI-0003", "CSI-0004"), depends("CSI-0004", "CSI-0003")],
            [
                "register/CSI-0003-entry.yaml:12: $.depends_on[0]: an improvement cannot "
                "depend on itself; remove it",
                "register/CSI-0003-entry.yaml:12: $.depends_on[1]: dependency loop: "
                f"CSI-0003 → CSI-0004 → CSI-0003; {LOOP}",
            ],
        ),
    ],
    ids=["two-entries", "chain-into-a-loop", "self-then-loop", "self-and-loop-in-one"],
)
def test_each_dependency_loop_is_reported_once_at_its_smallest_id(
    entries: list[tuple[str, str]],
    expected: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert validate_with(entries, tmp_path, monkeypatch) == [
        *expected,
        f"{6 + len(entries)} files checked, {plural(len(expected), 'problem')}",
    ]


def raci(responsible: str, accountable: str) -> str:
    """A RACI row: its responsible on line 14, its accountable on line 15."""
    return (
        f"raci:\n  - activity: Write the articles\n    responsible: [{responsible}]\n"
        f"    accountable: {accountable}\n"
    )


NOT_IN = "is not in register/people.yaml"
FIX = "add them there or fix the id"


@pytest.mark.parametrize(
    ("replace", "extra", "expected"),
    [
        # Where one person is wanted, a misspelt team is not offered as the fix ...
        (
            ("raised_by: bob", "raised_by: service-desk"),
            "",
            f"5: $.raised_by: 'service-desk' {NOT_IN}; {FIX}",
        ),
        (
            None,
            raci("bob", "cabb"),
            f"15: $.raci[0].accountable: 'cabb' {NOT_IN}; {FIX}",
        ),
        # ... where a team may do the work, it is.
        (
            None,
            raci("service-desk", "carol"),
            f"14: $.raci[0].responsible[0]: 'service-desk' {NOT_IN} "
            f"(did you mean 'service-desk-team'?); {FIX}",
        ),
        # A misspelt person is offered wherever a person is wanted.
        (
            ("owner: alice", "owner: alcie"),
            "",
            f"7: $.owner: 'alcie' {NOT_IN} (did you mean 'alice'?); {FIX}",
        ),
    ],
    ids=["raiser", "accountable", "responsible", "owner"],
)
def test_an_unknown_person_is_offered_the_closest_id_that_may_stand_there(
    replace: tuple[str, str] | None,
    extra: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = [("register/CSI-0003-entry.yaml", entry("CSI-0003", replace, extra))]
    assert validate_with(entries, tmp_path, monkeypatch) == [
        f"register/CSI-0003-entry.yaml:{expected}",
        "7 files checked, 1 problem",
    ]
