"""`csi validate` on registers that are broken in ways a case folder cannot hold (many
files at once, a file over 1 MiB, symlinks), and its output formats and arguments."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from csitools.cli import main
from tests.conftest import BASE, materialise

ENTRY = """\
id: {id}
title: Entry {id}
summary: A deliberately broken entry.
source: other
raised_by: bob
raised_on: 2026-01-05
owner: alice
status: proposed
term: short
size: small
priority: {{impact: 3, urgency: 3, effort: 2, risk: 1}}
"""


def entry(id_: str, replace: tuple[str, str] | None = None, extra: str = "") -> str:
    """A valid improvement, with one line replaced and/or lines added at the end."""
    text = ENTRY.format(id=id_)
    if replace is not None:
        assert replace[0] in text
        text = text.replace(*replace)
    return text + extra


def validate(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(repo)
    return CliRunner().invoke(main, ["validate", *args])


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output


# (relative path, content) of files that are each broken in a different way.
BROKEN: list[tuple[str, str | bytes]] = [
    ("register/CSI-0003-syntax-error.yaml", entry("CSI-0003", ("title: Entry", "title: [Entry"))),
    ("register/CSI-0004-duplicate-key.yaml", entry("CSI-0004", extra="owner: bob\n")),
    ("register/CSI-0005-unknown-field.yaml", entry("CSI-0005", extra="ower: bob\n")),
    ("register/CSI-0006-enum.yaml", entry("CSI-0006", ("status: proposed", "status: done"))),
    ("register/CSI-0007-bad-date.yaml", entry("CSI-0007", ("2026-01-05", "2026-02-30"))),
    ("register/CSI-0008-empty.yaml", ""),
    ("register/CSI-0009-list.yaml", "- id: CSI-0009\n"),
    (
        "register/CSI-0010-latin1.yaml",
        entry("CSI-0010").replace("broken", "br\u00f6ken").encode("latin-1"),
    ),
    ("register/CSI-0011-tag.yaml", entry("CSI-0011", ("other", "!!python/name:os.system other"))),
    ("register/CSI-0012-id-mismatch.yaml", entry("CSI-0021")),
    ("register/CSI-0013-unknown-owner.yaml", entry("CSI-0013", ("owner: alice", "owner: zoe"))),
    ("register/CSI-0014-depends.yaml", entry("CSI-0014", extra="depends_on: [CSI-0099]\n")),
    ("register/CSI-0015-recursive.yaml", entry("CSI-0015", extra="services: &s [a, *s]\n")),
    ("register/csi-16.yaml", entry("CSI-0016")),
    (
        "kpis/no-data.yaml",
        (BASE / "kpis/email-satisfaction.yaml")
        .read_text()
        .replace("email-satisfaction", "no-data"),
    ),
    ("site_config/register.yml", "title: Register\ntolerance: 2\n"),
]


def test_every_broken_file_is_reported_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialise(None, tmp_path / "repo")
    for rel, content in BROKEN:
        file = repo / rel
        if isinstance(content, bytes):
            file.write_bytes(content)
        else:
            file.write_text(content, encoding="utf-8")

    result = validate(repo, monkeypatch)

    no_traceback(result)
    assert result.exit_code == 1
    *lines, summary = result.output.splitlines()
    reported = {line.split(":", 1)[0] for line in lines}
    for rel, _ in BROKEN:
        assert rel in reported, f"{rel} not reported:\n{result.output}"
    keys = [(line.split(":")[0], int(line.split(":")[1])) for line in lines]
    assert keys == sorted(keys), result.output
    files = 6 + sum(1 for rel, _ in BROKEN if not rel.startswith("site_config/"))
    assert summary == f"{files} files checked, {len(lines)} problems"
    assert all(re.match(r"^[^:]+:\d+: \$\S*: \S", line) for line in lines), result.output


def test_file_over_one_mebibyte_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = materialise(None, tmp_path / "repo")
    huge = repo / "register" / "CSI-0003-huge.yaml"
    huge.write_text(entry("CSI-0003") + "# padding\n" * 110_000, encoding="utf-8")
    size = huge.stat().st_size
    assert size > 1024 * 1024

    result = validate(repo, monkeypatch)

    no_traceback(result)
    assert result.output == (
        f"register/CSI-0003-huge.yaml:0: $: the file is {size:,} bytes, over the 1 MiB limit; "
        "split it\n"
        "7 files checked, 1 problem\n"
    )
    assert result.exit_code == 1


def test_csv_symlink_leaving_the_repository_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialise(None, tmp_path / "repo")
    outside = tmp_path / "outside.csv"
    outside.write_text("period,value\n2026-01,1\n", encoding="utf-8")
    link = repo / "kpis" / "data" / "email-satisfaction.csv"
    link.unlink()
    link.symlink_to(outside)

    result = validate(repo, monkeypatch)

    no_traceback(result)
    assert result.output == (
        "kpis/email-satisfaction.yaml:12: $.source.csv: 'kpis/data/email-satisfaction.csv' "
        "leads outside the repository (after resolving .. and links); keep metric data "
        "inside it, e.g. under kpis/data/\n"
        "6 files checked, 1 problem\n"
    )
    assert result.exit_code == 1


def test_json_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = materialise(None, tmp_path / "repo")
    people = repo / "register" / "CSI-0002-knowledge-base.yaml"
    people.write_text(people.read_text().replace("owner: alice", "owner: alcie"))

    result = validate(repo, monkeypatch, "--format", "json")

    no_traceback(result)
    assert json.loads(result.output) == {
        "files": 6,
        "problems": [
            {
                "path": "register/CSI-0002-knowledge-base.yaml",
                "line": 7,
                "json_path": "$.owner",
                "message": "'alcie' is not in register/people.yaml (did you mean 'alice'?); "
                "add them there or fix the id",
                "severity": "error",
            }
        ],
        "summary": "6 files checked, 1 problem",
    }
    assert result.exit_code == 1


def test_json_format_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = materialise(None, tmp_path / "repo")
    result = validate(repo, monkeypatch, "--format", "json")
    assert json.loads(result.output) == {
        "files": 6,
        "problems": [],
        "summary": "6 files checked, 0 problems",
    }
    assert result.exit_code == 0


def test_github_format_escapes_properties(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A folder name and a key holding the characters GitHub treats as separators.
    repo = materialise(None, tmp_path / "reg,1:50%")
    entry_file = repo / "register" / "CSI-0002-knowledge-base.yaml"
    entry_file.write_text(entry_file.read_text() + '"odd,key:100%": 1\n')
    (repo / "register" / "people.yaml").unlink()

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--format", "github", "reg,1:50%"])

    no_traceback(result)
    assert result.output == (
        "::error file=reg%2C1%3A50%25/register/CSI-0002-knowledge-base.yaml,line=12,"
        "title=$['odd%2Ckey%3A100%25']::unknown field 'odd,key:100%25': remove it, or fix "
        "its spelling. Allowed here: assessment, benefits, cost, csf, cycles, depends_on, id, "
        "links, owner, priority, raci, raised_by, raised_on, services, size, source, status, "
        "summary, sustain, term, title\n"
        "::error file=reg%2C1%3A50%25/register/people.yaml,title=$::the people directory is "
        "missing; create register/people.yaml listing the people that owners and RACI cells "
        "name\n"
        "5 files checked, 2 problems\n"
    )
    assert result.exit_code == 1


def test_one_file_reports_only_its_problems_but_resolves_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialise(None, tmp_path / "repo")
    # CSI-0001 is broken, but the file we validate depends on a third entry and names
    # people and a KPI owner from other files: all of them must still resolve.
    first = repo / "register" / "CSI-0001-email-resolution.yaml"
    first.write_text(first.read_text().replace("owner: bob", "owner: zoe"))
    second = repo / "register" / "CSI-0002-knowledge-base.yaml"
    second.write_text(
        second.read_text().replace("raised_by: bob", "raised_by: bobb") + "depends_on: [CSI-0003]\n"
    )
    (repo / "register" / "CSI-0003-service-catalogue.yaml").write_text(entry("CSI-0003"))

    result = validate(repo, monkeypatch, "register/CSI-0002-knowledge-base.yaml")

    no_traceback(result)
    assert result.output == (
        "register/CSI-0002-knowledge-base.yaml:5: $.raised_by: 'bobb' is not in "
        "register/people.yaml (did you mean 'bob'?); add them there or fix the id\n"
        "1 file checked, 1 problem\n"
    )
    assert result.exit_code == 1

    # From inside a subfolder, a folder argument reports the files under it.
    monkeypatch.chdir(repo / "register")
    result = CliRunner().invoke(main, ["validate", "."])
    no_traceback(result)
    assert result.output == (
        "CSI-0001-email-resolution.yaml:10: $.owner: 'zoe' is not in register/people.yaml; "
        "add them there or fix the id\n"
        "CSI-0002-knowledge-base.yaml:5: $.raised_by: 'bobb' is not in register/people.yaml "
        "(did you mean 'bob'?); add them there or fix the id\n"
        "4 files checked, 2 problems\n"
    )


def test_clean_file_argument_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = materialise(None, tmp_path / "repo")
    result = validate(repo, monkeypatch, "kpis/email-satisfaction.yaml")
    assert result.output == "1 file checked, 0 problems\n"
    assert result.exit_code == 0


def test_folder_without_register_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    no_traceback(result)
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: no register/ folder here or above; run csi in a register repository, give "
        "its path, or create one with csi init\n"
    )


def test_path_outside_a_register_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.yaml").write_text("a: 1\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "notes.yaml"])
    no_traceback(result)
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: notes.yaml is not inside a register repository (no register/ folder)\n"
    )


def test_things_named_like_entries_that_are_not_files_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder, a pipe and a dangling link named like entries, an upper-case suffix, and
    a link that loops: each is read and reported, none skipped, nothing blocks."""
    repo = materialise(None, tmp_path / "repo")
    register = repo / "register"
    (register / "CSI-0003-a-folder.yaml").mkdir()
    os.mkfifo(register / "CSI-0004-a-pipe.yaml")
    (register / "CSI-0005-nowhere.yaml").symlink_to(register / "missing.yaml")
    loop = register / "CSI-0006-loop.yaml"
    loop.symlink_to(loop)
    (register / "CSI-0007-shouting.YAML").write_text(
        entry("CSI-0007", ("owner: alice", "owner: zoe")), encoding="utf-8"
    )

    result = validate(repo, monkeypatch)

    no_traceback(result)
    lines = result.output.splitlines()
    assert lines[:4] == [
        "register/CSI-0003-a-folder.yaml:0: $: this is a folder; put the YAML file here instead",
        "register/CSI-0004-a-pipe.yaml:0: $: this is not a regular file; put the YAML file "
        "here instead",
        "register/CSI-0005-nowhere.yaml:0: $: cannot read the file: No such file or directory",
        "register/CSI-0006-loop.yaml:0: $: cannot read the file: Too many levels of symbolic links",
    ]
    assert lines[4] == (
        "register/CSI-0007-shouting.YAML:0: $: file name does not have the form "
        "CSI-NNNN-<slug>.yaml; rename it"
    )
    assert lines[-1] == f"11 files checked, {len(lines) - 1} problems"
    assert result.exit_code == 1


def test_a_csv_link_that_loops_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = materialise(None, tmp_path / "repo")
    link = repo / "kpis" / "data" / "email-satisfaction.csv"
    link.unlink()
    link.symlink_to(link)

    result = validate(repo, monkeypatch)

    no_traceback(result)
    assert result.output.splitlines()[0] == (
        "kpis/email-satisfaction.yaml:12: $.source.csv: 'kpis/data/email-satisfaction.csv' "
        "is a symbolic link that leads to itself; replace it with the file"
    )
    assert result.exit_code == 1


@pytest.mark.parametrize("command", ["status", "charts", "export"])
def test_an_as_of_date_far_out_is_a_usage_error(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialise(None, tmp_path / "repo")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, [command, "--as-of", "9999-12-31"])
    no_traceback(result)
    assert result.exit_code == 2
    assert "9999-12-31 is outside 1970-01-01 to 2199-12-31" in result.output


def test_status_of_an_entry_with_problems_says_to_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialise(None, tmp_path / "repo")
    (repo / "register" / "CSI-0003-broken.yaml").write_text(
        entry("CSI-0003", ("status: proposed", "status: done")), encoding="utf-8"
    )
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["status", "CSI-0003"])
    no_traceback(result)
    assert result.exit_code == 1
    assert "CSI-0003 cannot be judged: the entry has problems; run csi validate" in result.output


def test_a_copy_of_an_entry_in_a_subfolder_is_not_to_be_moved_over_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialise(None, tmp_path / "repo")
    original = next((repo / "register").glob("CSI-0001-*.yaml"))
    (repo / "register" / "old").mkdir()
    (repo / "register" / "old" / original.name).write_bytes(original.read_bytes())
    result = validate(repo, monkeypatch)
    no_traceback(result)
    assert result.output.splitlines()[0] == (
        f"register/old/{original.name}:0: $: files in subfolders of register/ are not read; "
        f"register/{original.name} exists already: merge the two, then delete this one"
    )
