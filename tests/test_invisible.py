"""Ids, titles and names holding characters nobody sees (bidirectional controls,
zero-width characters) are warned about at their line, in any file and however the
YAML spells them; prose fields, where a zero-width non-joiner is ordinary Persian,
are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from tests.conftest import materialise

ENTRY = "register/CSI-0001-email-resolution.yaml"
HOLDS = "that no one sees and that can make it read as other text; delete it (an editor that "
HOLDS += "shows invisible characters finds it)"


def validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edits: dict[str, tuple[str, str]]):
    repo = materialise(None, tmp_path / "repo")
    for rel, (old, new) in edits.items():
        file = repo / rel
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.chdir(repo)
    return CliRunner().invoke(main, ["validate"])


@pytest.mark.parametrize(
    ("rel", "old", "new", "line", "field", "what"),
    [
        (  # an escape in a double-quoted scalar
            ENTRY,
            "title: Faster resolution of email incidents",
            'title: "Faster resolution of \\u202eliame incidents"',
            2,
            "$.title",
            "a bidirectional control character (U+202E right-to-left override)",
        ),
        (  # the character itself, in a plain scalar
            "kpis/email-satisfaction.yaml",
            "name: Satisfaction with email support",
            "name: Satisfaction with\u200b email support",
            2,
            "$.name",
            "a zero-width character (U+200B zero width space)",
        ),
        (  # an isolate pair in a flow mapping, in the people directory
            "register/people.yaml",
            "name: Bob Janssen",
            "name: Bob \u2066Janssen\u2069",
            4,
            "$.people[1].name",
            "a bidirectional control character (U+2066 left-to-right isolate) and 1 more",
        ),
        (  # in the settings, single-quoted
            "site_config/register.yml",
            "title: Example Org — Continual Improvement Register",
            "title: 'Example Org \u200f— Continual Improvement Register'",
            1,
            "$.title",
            "a bidirectional control character (U+200F right-to-left mark)",
        ),
    ],
)
def test_an_unseen_character_in_a_title_or_name_is_a_warning(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rel: str,
    old: str,
    new: str,
    line: int,
    field: str,
    what: str,
) -> None:
    result = validate(tmp_path, monkeypatch, {rel: (old, new)})
    assert result.output == (
        f"{rel}:{line}: {field}: warning: holds {what} {HOLDS}\n"
        "6 files checked, 0 problems, 1 warning\n"
    )
    assert result.exit_code == 0


def test_an_id_with_a_zero_width_joiner_is_refused_and_warned_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = validate(tmp_path, monkeypatch, {ENTRY: ("id: CSI-0001", 'id: "CSI-\\u200d0001"')})
    assert result.output == (
        f"{ENTRY}:1: $.id: 'CSI-\\u200d0001' is not in the expected form: write CSI- and four "
        "digits, such as CSI-0007\n"
        f"{ENTRY}:1: $.id: warning: holds a zero-width character (U+200D zero width joiner) "
        f"{HOLDS}\n"
        "6 files checked, 1 problem, 1 warning\n"
    )
    assert result.exit_code == 1


def test_prose_keeps_its_zero_width_non_joiner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    persian = "  Email incidents take 16 hours (\u0645\u06cc\u200c\u0634\u0648\u062f) to resolve"
    edits = {ENTRY: ("  Email incidents take 16 hours to resolve", persian)}
    result = validate(tmp_path, monkeypatch, edits)
    assert result.output == "6 files checked, 0 problems\n"
    assert result.exit_code == 0
