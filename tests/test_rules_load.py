"""The rules of finding and reading the register's files (``csitools.register.load``):
the size limit exactly at and one past it, a BOM, bytes that are not UTF-8, a file that
is not a mapping, files in subfolders, links leading outside the repository, the
settings file being optional and the people directory required, and the id a file's
name gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from csitools.problems import Problem
from csitools.register.load import (
    MAX_BYTES,
    file_id,
    load_repository,
    outside_link,
    read_document,
    read_limited,
)
from tests.conftest import materialise

TOO_LARGE = "the file is 1,048,577 bytes, over the 1 MiB limit"
KPI = "kpis/email-resolution-time.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The base register (two entries, two KPIs, people, settings) in tmp_path."""
    return materialise(None, tmp_path / "repo")


def padded(text: str, size: int) -> bytes:
    """``text`` followed by a comment that brings the file to ``size`` bytes."""
    data = text.encode("utf-8") + b"#"
    return data + b"x" * (size - len(data) - 1) + b"\n"


def messages(problems: list[Problem]) -> list[tuple[str, int, str, str]]:
    return [(p.path, p.line, p.json_path, p.message) for p in problems]


# --- one file ----------------------------------------------------------------------------


def test_a_file_of_exactly_one_mebibyte_is_read_and_one_byte_more_is_refused(root: Path) -> None:
    file = root / KPI
    text = file.read_text(encoding="utf-8")
    file.write_bytes(padded(text, MAX_BYTES))
    doc, problems = read_document(file, KPI, "kpi")
    assert problems == [] and doc is not None and doc.data["id"] == "email-resolution-time"
    assert read_limited(file, root) == file.read_bytes()
    file.write_bytes(padded(text, MAX_BYTES + 1))
    assert read_document(file, KPI, "kpi") == (
        None,
        [Problem(KPI, 0, "$", f"{TOO_LARGE}; split it")],
    )
    assert read_limited(file, root) == TOO_LARGE


def test_a_file_that_grows_past_the_limit_after_its_size_was_read_is_refused(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = root / KPI
    file.write_bytes(padded("id: x\n", MAX_BYTES + 100))
    real_stat = Path.stat

    def stat_before_it_grew(self: Path, **kwargs: bool) -> os.stat_result:
        st = real_stat(self, **kwargs)
        if self != file:
            return st
        return os.stat_result((*st[:6], MAX_BYTES, *st[7:]))

    monkeypatch.setattr(Path, "stat", stat_before_it_grew)
    assert read_limited(file, root) == TOO_LARGE  # read no further than one byte past


def test_only_regular_files_are_read(root: Path) -> None:
    (root / "kpis" / "folder.yaml").mkdir()
    os.mkfifo(root / "kpis" / "pipe.yaml")
    assert read_limited(root / "kpis" / "folder.yaml", root) == "not a regular file"
    assert read_limited(root / "kpis" / "pipe.yaml", root) == "not a regular file"


def test_a_file_with_a_byte_order_mark_reads_as_without_one(root: Path) -> None:
    file = root / KPI
    plain = read_document(file, KPI, "kpi")
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    doc, problems = read_document(file, KPI, "kpi")
    assert problems == [] and doc is not None
    assert plain[0] is not None and doc.data == plain[0].data
    assert doc.line(("name",)) == plain[0].line(("name",))
    file.write_bytes(b"\xef\xbb\xbfid: x\x01\n")  # the mark is no column of the line
    message = (
        "YAML syntax error (column 6): unacceptable character #x0001: "
        "control characters are not allowed; remove it"
    )
    assert read_document(file, KPI, "kpi") == (None, [Problem(KPI, 1, "$", message)])


def test_a_byte_that_is_not_utf8_is_located_on_its_line(root: Path) -> None:
    file = root / KPI
    file.write_bytes(b"\n\nid: caf\xe9\n")  # Latin-1, after two empty lines
    message = "byte 0xe9 is not UTF-8; save the file as UTF-8"
    assert read_document(file, KPI, "kpi") == (None, [Problem(KPI, 3, "$", message)])


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("- id: email-resolution-time\n", "a list"),
        ("email-resolution-time\n", "the text 'email-resolution-time'"),
        ("42\n", "the number 42"),
        ("null\n", "null (nothing)"),
    ],
)
def test_a_file_that_is_not_a_mapping_of_fields_is_refused(
    root: Path, text: str, what: str
) -> None:
    file = root / KPI
    file.write_text(text, encoding="utf-8")
    message = f"the file holds {what}; it must be a mapping of fields (key: value)"
    assert read_document(file, KPI, "kpi") == (None, [Problem(KPI, 1, "$", message)])


def test_every_document_knows_its_path_and_kind(root: Path) -> None:
    result = load_repository(root)
    kinds = {d.path: d.kind for d in [*result.improvements, *result.kpis]}
    assert result.people is not None and result.people.kind == "people"
    assert result.settings is not None and result.settings.kind == "settings"
    assert kinds == {
        "register/CSI-0001-email-resolution.yaml": "improvement",
        "register/CSI-0002-knowledge-base.yaml": "improvement",
        "kpis/email-resolution-time.yaml": "kpi",
        "kpis/email-satisfaction.yaml": "kpi",
    }


# --- the repository ------------------------------------------------------------------------


def test_a_folder_without_register_is_a_problem_of_its_own(tmp_path: Path) -> None:
    result = load_repository(tmp_path)
    assert messages(result.problems) == [
        (
            "register",
            0,
            "$",
            f"no register/ folder in {tmp_path}; run csi in the register's repository "
            "or create one with csi init",
        )
    ]
    assert result.files == []


def test_the_settings_file_is_optional(root: Path) -> None:
    (root / "site_config" / "register.yml").unlink()
    result = load_repository(root)
    assert result.settings is None
    assert result.problems == []
    assert "site_config/register.yml" not in result.files


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("register", "CSI-0009-old.yaml"),
        ("kpis", "old-kpi.yaml"),
        ("reviews", "2026-01-05-q1.yaml"),
        ("assessments", "2026-01-05-baseline.yaml"),
        ("swot", "email.yml"),
    ],
)
def test_a_yaml_file_in_a_subfolder_is_not_read_and_said_so(
    root: Path, folder: str, name: str
) -> None:
    (root / "kpis").rename(root / "kpis-elsewhere")  # a folder missing does not stop the check
    (root / folder / "archive").mkdir(parents=True)
    (root / folder / "archive" / name).write_text("id: x\n", encoding="utf-8")
    problems = [p for p in load_repository(root).problems if "subfolders" in p.message]
    assert messages(problems) == [
        (
            f"{folder}/archive/{name}",
            0,
            "$",
            f"files in subfolders of {folder}/ are not read; move it to {folder}/{name}",
        )
    ]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the repository."""
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def test_a_file_linked_outside_is_a_file_of_the_register_that_is_not_read(
    root: Path, outside: Path
) -> None:
    (outside / "CSI-0003-x.yaml").write_text("id: CSI-0003\n", encoding="utf-8")
    (root / "register" / "CSI-0003-x.yaml").symlink_to(outside / "CSI-0003-x.yaml")
    result = load_repository(root)
    rel = "register/CSI-0003-x.yaml"
    assert rel in result.files and rel in result.broken
    assert messages(result.problems) == [
        (
            rel,
            0,
            "$",
            "the file is a link to a place outside the repository; keep the file itself in the "
            "repository so that its history is reviewed",
        )
    ]


def test_a_folder_linked_outside_is_refused_once_without_its_subfolders_or_people(
    root: Path, outside: Path
) -> None:
    (root / "register").rename(outside / "register")
    (outside / "register" / "people.yaml").unlink()  # not said to be missing either
    (outside / "register" / "archive").mkdir()
    (outside / "register" / "archive" / "CSI-0009-old.yaml").write_text("id: x\n")
    (root / "register").symlink_to(outside / "register")
    result = load_repository(root)
    assert messages(result.problems) == [
        (
            "register",
            0,
            "$",
            "register/ is a link to a place outside the repository; keep the folder itself in "
            "the repository so that its files' history is reviewed",
        )
    ]
    assert result.improvements == [] and result.people is None


def test_a_file_deeper_in_a_folder_linked_outside_is_behind_that_link(
    root: Path, outside: Path
) -> None:
    (root / "kpis").rename(outside / "kpis")
    (root / "kpis").symlink_to(outside / "kpis")
    csv = root / "kpis" / "data" / "email.csv"
    assert (root / "kpis" / "data").is_dir()
    why = "kpis/ is a link to a place outside the repository"
    assert outside_link(csv, root) == why
    assert read_limited(csv, root) == why


def test_a_people_directory_that_does_not_parse_is_not_also_said_to_be_missing(
    root: Path,
) -> None:
    (root / "register" / "people.yaml").write_text("people: [\n", encoding="utf-8")
    result = load_repository(root)
    assert [(p.path, p.line) for p in result.problems] == [("register/people.yaml", 2)]
    assert result.people is None and "register/people.yaml" in result.broken


def test_a_register_without_a_people_directory_is_told_to_create_one(root: Path) -> None:
    (root / "register" / "people.yaml").unlink()
    problems = [p for p in load_repository(root).problems if p.path == "register/people.yaml"]
    assert messages(problems) == [
        (
            "register/people.yaml",
            0,
            "$",
            "the people directory is missing; create register/people.yaml listing "
            "the people that owners and RACI cells name",
        )
    ]


@pytest.mark.parametrize(
    ("path", "id"),
    [
        ("register/CSI-0001-email-resolution.yaml", "CSI-0001"),
        ("register/archive/CSI-0009-old.yaml", "CSI-0009"),  # the name, not the folders
        ("kpis/email-resolution-time.yaml", "email-resolution-time"),
        ("reviews/2026-01-05-q1.yml", "2026-01-05-q1"),
        ("swot/email.v2.yaml", "email.v2"),  # the stem: only the last suffix goes
        ("people.yaml", "people"),
    ],
)
def test_the_id_a_file_name_gives(path: str, id: str) -> None:
    assert file_id(path) == id
