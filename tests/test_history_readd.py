"""An entry deleted and added again (at its path or another, in one commit or later) is
one entry in its history, followed by its id: the re-add is compared with the version
deleted, so a target or baseline it changes on an approved entry is flagged after
approval, on the History and the Changelog as in ``csi diff``."""

from __future__ import annotations

from pathlib import Path

import pytest

from csitools.history.changes import Change
from csitools.history.revisions import changelog
from tests.conftest import git, materialise
from tests.test_history import commit, edit, history_of

ENTRY = "register/CSI-0001-email-resolution.yaml"
KPI = "kpis/email-resolution-time.yaml"
TARGET = "cycles[1].targets[email-resolution-time].value"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = materialise(None, tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    commit(root, "alice", "2026-01-05T09:00:00+01:00", "The register")
    return root


def delete(repo: Path, path: str) -> str:
    text = (repo / path).read_text(encoding="utf-8")
    (repo / path).unlink()
    return text


def re_add(repo: Path, path: str, text: str, old: str, new: str) -> None:
    assert old in text
    (repo / path).write_text(text.replace(old, new, 1), encoding="utf-8")


def summaries(repo: Path) -> list[tuple[str, str, str, bool]]:
    return [(i.path, i.id, i.summary, i.after_approval) for i in changelog(history_of(repo))]


OTHER = "register/CSI-0001-email-answers.yaml"
NOTES = "".join(
    f"# Review note {n}: the board asked for the email queue figures again.\n" for n in range(60)
)


@pytest.mark.parametrize(
    ("new_path", "separate", "notes", "flags"),
    [
        (ENTRY, True, "", ()),  # deleted, then added again at its path
        (OTHER, True, "", ()),  # added again later under another name
        (OTHER, False, NOTES, ("renamed",)),  # in one commit, rewritten past git's renames
        (OTHER, False, "", ("renamed",)),  # in one commit, close enough for git's
    ],
)
def test_an_entry_added_again_with_another_target_is_flagged(
    repo: Path, new_path: str, separate: bool, notes: str, flags: tuple[str, ...]
) -> None:
    text = delete(repo, ENTRY)
    if separate:
        commit(repo, "bob", "2026-02-01T09:00:00+01:00", "Remove the entry")
    re_add(repo, new_path, notes + text, "value: 6, by: 2026-12-31", "value: 7, by: 2026-12-31")
    commit(repo, "bob", "2026-02-02T09:00:00+01:00", "Add the entry again")
    revisions = history_of(repo).of(new_path)
    assert [(r.subject, r.flags) for r in revisions] == [
        ("Add the entry again", ("after-approval", *flags)),
        *([("Remove the entry", ())] if separate else []),
        ("The register", ()),
    ]
    target = Change(TARGET, 6, 7, "target", after_approval=True)
    if flags:  # moved in one commit: an edit of the file under a new name
        assert revisions[0].changes == (target,)
        return
    assert revisions[0].changes == (Change("$", None, "CSI-0001", "re-added"), target)
    assert summaries(repo)[0] == (
        new_path,
        "CSI-0001",
        f"added again; {TARGET} 6 → 7 (after approval)",
        True,
    )
    assert new_path == ENTRY or history_of(repo).of(ENTRY) == ()


def test_a_kpi_added_again_with_another_baseline_is_flagged(repo: Path) -> None:
    text = delete(repo, KPI)
    commit(repo, "dave", "2026-02-01T09:00:00+01:00", "Remove the KPI")
    re_add(repo, KPI, text, "value: 16,", "value: 15,")
    commit(repo, "dave", "2026-02-02T09:00:00+01:00", "Add the KPI again")
    assert summaries(repo)[:2] == [
        (
            KPI,
            "email-resolution-time",
            "added again; baseline.value 16 → 15 (after approval)",
            True,
        ),
        (KPI, "email-resolution-time", "removed", False),
    ]


def test_a_re_added_entry_that_changes_nothing_tracked_is_not_flagged(repo: Path) -> None:
    text = delete(repo, ENTRY)
    commit(repo, "bob", "2026-02-01T09:00:00+01:00", "Remove the entry")
    re_add(repo, ENTRY, text, "title: Faster resolution", "title: Quicker resolution")
    commit(repo, "bob", "2026-02-02T09:00:00+01:00", "Add the entry again")
    assert summaries(repo)[0] == (ENTRY, "CSI-0001", "added again", False)


def test_two_files_with_one_id_at_the_same_time_stay_apart(repo: Path) -> None:
    copy = "register/CSI-0001-a-copy.yaml"
    (repo / copy).write_text((repo / ENTRY).read_text(encoding="utf-8"), encoding="utf-8")
    commit(repo, "bob", "2026-02-01T09:00:00+01:00", "A second file with the id")
    edit(repo, copy, "value: 6, by", "value: 5, by")
    commit(repo, "bob", "2026-02-02T09:00:00+01:00", "Edit the copy")
    history = history_of(repo)
    assert [r.subject for r in history.of(ENTRY)] == ["The register"]
    assert [r.subject for r in history.of(copy)] == ["Edit the copy", "A second file with the id"]
