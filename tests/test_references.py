"""The field and command references: generated from the schemas and click's help,
committed, and failing here the moment either drifts from its source."""

from __future__ import annotations

import copy
import os
import re
import shutil
import stat
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from csitools.cli import main
from csitools.publish.references import (
    CLI_PAGE,
    FIELDS_PAGE,
    missing_help,
    reference_pages,
    render_cli_reference,
    render_field_reference,
)
from csitools.register.schema import load_schema
from tests.conftest import BASE, REPO


def full_group() -> click.Group:
    """``csi`` with every command loaded: csitools.cli imports a command's module only
    when the command is asked for."""
    group = copy.copy(main)
    ctx = click.Context(main)
    group.commands = {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}
    return group


def test_committed_reference_pages_are_current() -> None:
    for rel, text in reference_pages(full_group()).items():
        committed = (REPO / rel).read_text(encoding="utf-8")
        assert committed == text, f"{rel} is out of date: run csi reference and commit it"


def test_every_command_has_help_with_an_example() -> None:
    assert missing_help(full_group()) == []


def test_missing_help_names_a_command_without_an_example() -> None:
    group = full_group()

    @group.command()
    def bare() -> None:
        """Does something, but shows no way to call it."""

    assert missing_help(group) == ["csi bare"]


def test_cli_page_holds_exactly_what_help_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")  # the page must not follow the terminal
    group = full_group()
    page = render_cli_reference(group)
    runner = CliRunner()
    for name in ["", *group.commands]:
        args = [name, "--help"] if name else ["--help"]
        result = runner.invoke(group, args, prog_name="csi", terminal_width=100)
        assert result.exit_code == 0, result.output
        heading = f"## csi {name}".rstrip()
        assert f"{heading}\n\n```text\n{result.output.rstrip()}\n```\n" in page


def test_cli_page_documents_shell_completion() -> None:
    page = render_cli_reference(full_group())
    assert 'eval "$(_CSI_COMPLETE=bash_source csi)"' in page
    assert "_CSI_COMPLETE=zsh_source csi" in page
    assert "_CSI_COMPLETE=fish_source csi | source" in page


def _fields(node: dict, schema: dict) -> set[str]:
    """Every property name in a schema, nested ones and $defs included."""
    names: set[str] = set()
    for key, value in node.items():
        if key == "properties":
            names |= set(value)
        if isinstance(value, dict):
            names |= _fields(value, schema)
    return names


def test_field_page_has_every_field_of_every_schema() -> None:
    page = render_field_reference()
    for kind in ("improvement", "kpi", "people", "settings"):
        schema = load_schema(kind)
        for name in _fields(schema, schema):
            assert f"| `{name}` |" in page, f"{kind}: {name}"


def test_field_page_rows_and_sub_tables() -> None:
    page = render_field_reference()
    assert (
        "| `term` | text | yes | `short`, `medium`, `long` | The time scale: short (weeks), "
        "medium (months) or long (a year or more). |\n"
    ) in page
    assert (
        "| `accountable` | text | yes | an id of lower-case letters, digits, dots and dashes, "
        "such as 'bob' | The one person who answers for the activity: a person id. |\n"
    ) in page
    assert (
        "| `targets` | list of mappings | yes | see `cycles[].targets[]` below; at least 1 "
        "| Step 3 in numbers: a target value per KPI, to reach by a date. |\n"
    ) in page
    assert "#### `cycles[].targets[]`\n" in page
    assert "`measure` needs `period`, `aggregate` as well.\n" in page
    # Descriptions are text, never HTML: <slug> must not become a tag on the site.
    assert "One improvement per file: register/CSI-NNNN-&lt;slug&gt;.yaml." in page
    assert not re.search(r"\| [^`|]*<(?!code>)[a-z]", page)  # <code> only from csi


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    monkeypatch.chdir(root)
    return root


def test_reference_command_writes_then_checks(repo: Path) -> None:
    runner = CliRunner()
    group = full_group()
    result = runner.invoke(group, ["reference", "--check"])
    assert result.exit_code == 1
    assert result.output == (
        f"{FIELDS_PAGE} is out of date\n"
        f"{CLI_PAGE} is out of date\n"
        "Error: run csi reference and commit the result\n"
    )
    result = runner.invoke(group, ["reference"])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {FIELDS_PAGE}\nwrote {CLI_PAGE}\n"
    assert (repo / CLI_PAGE).read_text(encoding="utf-8") == render_cli_reference(group)
    result = runner.invoke(group, ["reference", "--check"])
    assert (result.exit_code, result.output) == (0, "the reference pages are up to date\n")
    (repo / FIELDS_PAGE).write_text("edited by hand\n", encoding="utf-8")
    result = runner.invoke(group, ["reference", "--check"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{FIELDS_PAGE} is out of date"


def test_reference_keeps_a_page_s_mode_and_gives_new_ones_the_umask(repo: Path) -> None:
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(full_group(), ["reference"])
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE((repo / CLI_PAGE).stat().st_mode) == 0o644
        (repo / CLI_PAGE).write_text("edited by hand\n", encoding="utf-8")
        (repo / CLI_PAGE).chmod(0o664)
        result = CliRunner().invoke(full_group(), ["reference"])
        assert result.output == f"wrote {CLI_PAGE}\n"
        assert stat.S_IMODE((repo / CLI_PAGE).stat().st_mode) == 0o664
    finally:
        os.umask(old)


def test_reference_names_a_folder_where_a_page_goes(repo: Path) -> None:
    (repo / CLI_PAGE).mkdir(parents=True)
    result = CliRunner().invoke(full_group(), ["reference"])
    assert result.exit_code == 1
    assert result.output == (
        f"wrote {FIELDS_PAGE}\n"
        f"Error: cannot write {CLI_PAGE}: {CLI_PAGE} is a folder, not a file; "
        "move it away, then run csi reference again\n"
    )
    shutil.rmtree((repo / CLI_PAGE).parent)
    (repo / CLI_PAGE).parent.write_text("not a folder\n")
    result = CliRunner().invoke(full_group(), ["reference"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot write {FIELDS_PAGE}: site_config/docs/reference is a file, "
        "not a folder; move it away, then run csi reference again\n"
    )
