"""Results that were silent or misleading: a ticket export whose key is empty in every
row (the KPI quietly had no data), a register folder that is a link leading outside
the repository (read and published), and ``csi diff`` showing the content of a file
it refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from csitools.measure.series import load_series
from tests.conftest import csi, git, materialise

ENTRY = "register/CSI-0002-knowledge-base.yaml"
SECRET = "Acquisition plans of the board"


def tickets(root: Path, text: str, **source: object) -> list[str]:
    data = root / "kpis" / "data" / "incidents.csv"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(text, encoding="utf-8")
    kpi = {"csv": "kpis/data/incidents.csv", "period": "month", "key": "number", **source}
    series, problems = load_series({"mttr": kpi}, root)
    assert series == {}
    return [str(p) for p in problems]


def empty_key(rows: int, key: str = "number") -> str:
    return (
        f"kpis/data/incidents.csv:1: column {key!r}: the key column {key!r} is empty in all "
        f"{rows} rows, so no ticket is kept; export the column with its values, or remove "
        "source.key when each row is a ticket"
    )


DURATION = {"time": "resolved_at", "measure": {"duration": ["opened_at", "resolved_at"]}}


@pytest.mark.parametrize(
    ("text", "source", "rows"),
    [
        (  # empty cells, a duration
            "number,opened_at,resolved_at\n,2026-03-01 08:00,2026-03-01 10:00\n"
            ",2026-03-02 08:00,2026-03-02 12:00\n",
            {**DURATION, "aggregate": "mean"},
            2,
        ),
        (  # ServiceNow's '?' and NULL, kept last by an order column, counted
            "number,sys_mod_count,resolved_at\n?,0,2026-03-01 10:00\nNULL,1,2026-03-02 10:00\n"
            "?,2,2026-03-03 10:00\n",
            {"order_by": "sys_mod_count", "time": "resolved_at", "measure": {"count": True}}
            | {"aggregate": "count"},
            3,
        ),
        (  # a snapshot measure, quoted empty cells
            'number,opened_at,resolved_at\n"",2026-03-01 08:00,?\n"",2026-03-02 08:00,?\n',
            {"measure": {"open": ["opened_at", "resolved_at"]}, "aggregate": "count"},
            2,
        ),
    ],
)
def test_a_key_column_empty_in_every_row_is_reported(
    tmp_path: Path, text: str, source: dict[str, object], rows: int
) -> None:
    assert tickets(tmp_path, text, **source) == [empty_key(rows)]


def test_a_key_empty_in_some_rows_only_skips_those(tmp_path: Path) -> None:
    data = tmp_path / "kpis" / "data" / "incidents.csv"
    data.parent.mkdir(parents=True)
    data.write_text(
        "number,opened_at,resolved_at\n,2026-03-01 08:00,2026-03-01 10:00\n"
        "INC1,2026-03-02 08:00,2026-03-02 12:00\n",
        encoding="utf-8",
    )
    kpi = {"csv": "kpis/data/incidents.csv", "period": "month", "key": "number", **DURATION}
    series, problems = load_series({"mttr": {**kpi, "aggregate": "mean"}}, tmp_path)
    assert problems == []
    assert [(p.period, p.value) for p in series["mttr"].points] == [("2026-03", 4.0)]
    assert (series["mttr"].rows, series["mttr"].skipped) == (1, 1)


def move_outside(repo: Path, folder: str, outside: Path) -> None:
    """Replace ``repo/folder`` with a link to a copy of it outside the repository."""
    (repo / folder).rename(outside)
    (repo / folder).symlink_to(outside, target_is_directory=True)


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        (
            "register",
            "register:0: $: register/ is a link to a place outside the repository; keep the "
            "folder itself in the repository so that its files' history is reviewed\n"
            "3 files checked, 1 problem\n",
        ),
        (
            "kpis",
            "kpis:0: $: kpis/ is a link to a place outside the repository; keep the folder "
            "itself in the repository so that its files' history is reviewed\n"
            "4 files checked, 1 problem\n",
        ),
        (
            "site_config",
            "site_config:0: $: site_config/ is a link to a place outside the repository; keep "
            "the folder itself in the repository so that its files' history is reviewed\n"
            "5 files checked, 1 problem\n",
        ),
    ],
)
def test_a_folder_linked_outside_the_repository_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str, expected: str
) -> None:
    repo = materialise(None, tmp_path / "repo")
    move_outside(repo, folder, tmp_path / f"elsewhere-{folder}")
    monkeypatch.chdir(repo)
    result = csi("validate")
    assert result.output == expected
    assert result.exit_code == 1


def test_a_folder_linked_inside_the_repository_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = materialise(None, tmp_path / "repo")
    (repo / "metrics").mkdir()
    move_outside(repo, "kpis", repo / "metrics" / "kpis")  # "outside" kpis/, inside the repo
    monkeypatch.chdir(repo)
    result = csi("validate")
    assert result.output == "6 files checked, 0 problems\n"
    assert result.exit_code == 0


@pytest.fixture
def committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = materialise(None, tmp_path / "repo")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The register")
    monkeypatch.chdir(repo)
    return repo


def secret_copy(repo: Path, dest: Path) -> None:
    text = (repo / ENTRY).read_text(encoding="utf-8")
    text = text.replace("status: proposed", "status: approved")
    dest.write_text(text.replace("title: Knowledge base", f"title: {SECRET}"), encoding="utf-8")


def test_csi_diff_prints_nothing_of_a_file_linked_outside(committed: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret_copy(committed, secret)
    (committed / ENTRY).unlink()
    (committed / ENTRY).symlink_to(secret)
    for fmt in ("markdown", "json"):
        result = csi("diff", "--format", fmt)
        assert result.exit_code == 1
        assert SECRET not in result.output and "approved" not in result.output
    result = csi("diff")
    assert "| CSI-0002 | — | — | the file is a link to a place outside the repository |" in (
        result.output
    )


def test_csi_diff_prints_nothing_of_a_folder_linked_outside(
    committed: Path, tmp_path: Path
) -> None:
    move_outside(committed, "register", tmp_path / "elsewhere")
    secret_copy(committed, committed / ENTRY)  # through the link: the copy outside
    result = csi("diff", "--format", "json")
    assert result.exit_code == 1
    assert SECRET not in result.output and '"approved"' not in result.output
    assert result.output.count('"note": "register/ is a link to a place outside the') == 2


def test_csi_diff_of_a_committed_link_leading_outside(committed: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret_copy(committed, secret)
    (committed / ENTRY).unlink()
    (committed / ENTRY).symlink_to(secret)
    git(committed, "add", "-A")
    git(committed, "commit", "-q", "-m", "A link")
    head = git(committed, "rev-parse", "--short", "HEAD").strip()
    result = csi("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert SECRET not in result.output and "approved" not in result.output
    assert f"| CSI-0002 | — | — | the file is a link at revision {head}; csi reads no links |" in (
        result.output
    )
    assert (
        f"| `{ENTRY}` | 0 | `$` | the file is a link to a place outside the repository; keep the "
        "file itself in the repository so that its history is reviewed |"
    ) in result.output
