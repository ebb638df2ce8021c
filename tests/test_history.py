"""The audit trail read from git, and csi diff: real repositories built in tmp_path.

The story: Alice imports the base register; Bob gives CSI-0002 a target; Carol
approves it; Bob renames its file and starts work; Dave tightens the target (after
approval) and corrects a KPI baseline (after an entry targeting it was approved);
Carol completes it. Every commit has a fixed author and date, so hashes and output
are the same on every run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli.history import diff
from csitools.history.changes import Change, field_changes
from csitools.history.diff import Comparison, FileDiff
from csitools.history.git import SHALLOW, HistoryUnavailable
from csitools.history.revisions import (
    History,
    StatusStep,
    changelog,
    load_history,
    status_timeline,
)
from csitools.history.tracked import TRACKED, read_tracked
from csitools.problems import Problem
from csitools.register.documents import FAILED, parse_yaml
from csitools.reporting.diff import diff_markdown
from tests.conftest import CASES, REPO, git, materialise

KB = "register/CSI-0002-knowledge-base.yaml"
KB2 = "register/CSI-0002-service-desk-knowledge-base.yaml"
EMAIL = "register/CSI-0001-email-resolution.yaml"
MTTR = "kpis/email-resolution-time.yaml"
TARGET = "cycles[0].targets[email-resolution-time]"


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text()
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1))


def commit(repo: Path, who: str, when: str, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, who=who, when=when)
    return git(repo, "rev-parse", "HEAD").strip()


@dataclass
class Story:
    repo: Path
    sha: dict[str, str]

    def short(self, name: str) -> str:
        return self.sha[name][:7]


def tell_story(repo: Path) -> Story:
    materialise(None, repo)
    git(repo, "init", "-q", "-b", "main")
    sha = {"import": commit(repo, "alice", "2026-01-05T09:00:00+01:00", "Import the register")}
    edit(repo, KB, "owner: alice\n", "owner: bob\n")
    with (repo / KB).open("a") as f:
        f.write(
            "cycles:\n"
            "  - opened: 2026-02-01\n"
            "    vision: Agents find answers in one place\n"
            "    targets:\n"
            "      - {kpi: email-resolution-time, value: 10, by: 2026-06-30}\n"
        )
    sha["targets"] = commit(repo, "bob", "2026-01-12T10:00:00+01:00", "CSI-0002: first targets")
    edit(repo, KB, "status: proposed", "status: approved")
    sha["approved"] = commit(repo, "carol", "2026-01-20T11:00:00+01:00", "CSI-0002: approved")
    git(repo, "mv", KB, KB2)
    edit(repo, KB2, "status: approved", "status: in-progress")
    sha["renamed"] = commit(repo, "bob", "2026-02-02T09:30:00+01:00", "CSI-0002: clearer slug")
    edit(repo, KB2, "value: 10,", "value: 9,")
    sha["tightened"] = commit(repo, "dave", "2026-03-01T15:00:00+01:00", "Tighten the target")
    edit(repo, MTTR, "baseline: {value: 16,", "baseline: {value: 15,")
    sha["baseline"] = commit(repo, "dave", "2026-03-15T16:00:00+01:00", "Correct the baseline")
    edit(repo, KB2, "status: in-progress", "status: completed")
    edit(repo, KB2, "2026-06-30}\n", "2026-06-30}\n    closed: 2026-07-05\n    outcome: met\n")
    sha["completed"] = commit(repo, "carol", "2026-07-10T12:00:00+02:00", "CSI-0002: met")
    return Story(repo, sha)


@pytest.fixture
def story(tmp_path: Path) -> Story:
    return tell_story(tmp_path / "repo")


def history_of(repo: Path) -> History:
    history = load_history(repo)
    assert isinstance(history, History), history
    return history


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- history ---------------------------------------------------------------------------


def test_an_entry_history_follows_its_rename_with_every_author(story: Story) -> None:
    revisions = history_of(story.repo).of(KB2)
    assert [
        (r.commit, r.short, r.date, r.author, r.email, r.subject, r.path_at_commit, r.flags)
        for r in revisions
    ] == [
        (
            story.sha["completed"],
            story.short("completed"),
            at("2026-07-10T12:00:00+02:00"),
            "Carol Osei",
            "carol@example.org",
            "CSI-0002: met",
            KB2,
            (),
        ),
        (
            story.sha["tightened"],
            story.short("tightened"),
            at("2026-03-01T15:00:00+01:00"),
            "Dave Lindqvist",
            "dave@example.org",
            "Tighten the target",
            KB2,
            ("after-approval",),
        ),
        (
            story.sha["renamed"],
            story.short("renamed"),
            at("2026-02-02T09:30:00+01:00"),
            "Bob Janssen",
            "bob@example.org",
            "CSI-0002: clearer slug",
            KB2,
            ("renamed",),
        ),
        (
            story.sha["approved"],
            story.short("approved"),
            at("2026-01-20T11:00:00+01:00"),
            "Carol Osei",
            "carol@example.org",
            "CSI-0002: approved",
            KB,
            (),
        ),
        (
            story.sha["targets"],
            story.short("targets"),
            at("2026-01-12T10:00:00+01:00"),
            "Bob Janssen",
            "bob@example.org",
            "CSI-0002: first targets",
            KB,
            (),
        ),
        (
            story.sha["import"],
            story.short("import"),
            at("2026-01-05T09:00:00+01:00"),
            "Alice Moreau",
            "alice@example.org",
            "Import the register",
            KB,
            (),
        ),
    ]
    assert {r.id for r in revisions} == {"CSI-0002"}
    assert revisions[2].renamed_from == KB
    assert KB not in history_of(story.repo).entries


def test_field_changes_of_each_commit(story: Story) -> None:
    revisions = history_of(story.repo).of(KB2)
    assert [r.changes for r in revisions[:5]] == [
        (
            Change("status", "in-progress", "completed", "status"),
            Change("cycles[0].closed", None, "2026-07-05", "cycle"),
            Change("cycles[0].outcome", None, "met", "cycle"),
        ),
        (Change(f"{TARGET}.value", 10, 9, "target", after_approval=True),),
        (Change("status", "approved", "in-progress", "status"),),
        (Change("status", "proposed", "approved", "status"),),
        (
            Change("owner", "alice", "bob", "owner"),
            Change("cycles[0]", None, "2026-02-01", "cycle"),
            Change(f"{TARGET}.value", None, 10, "target"),
            Change(f"{TARGET}.by", None, "2026-06-30", "target"),
        ),
    ]
    assert revisions[-1].changes == (
        Change("$", None, "CSI-0002", "added"),
        Change("status", None, "proposed", "status"),
        Change("owner", None, "alice", "owner"),
        Change("priority.impact", None, 3, "priority"),
        Change("priority.urgency", None, 2, "priority"),
        Change("priority.effort", None, 3, "priority"),
        Change("priority.risk", None, 1, "priority"),
    )


def test_the_status_walk_is_a_timeline(story: Story) -> None:
    assert status_timeline(history_of(story.repo).of(KB2)) == [
        StatusStep(at("2026-01-05T09:00:00+01:00"), "proposed", story.sha["import"]),
        StatusStep(at("2026-01-20T11:00:00+01:00"), "approved", story.sha["approved"]),
        StatusStep(at("2026-02-02T09:30:00+01:00"), "in-progress", story.sha["renamed"]),
        StatusStep(at("2026-07-10T12:00:00+02:00"), "completed", story.sha["completed"]),
    ]


def test_a_kpi_baseline_edit_after_an_entry_targeting_it_was_approved_is_flagged(
    story: Story,
) -> None:
    revisions = history_of(story.repo).of(MTTR)
    assert [(r.short, r.flags, r.changes) for r in revisions] == [
        (
            story.short("baseline"),
            ("after-approval",),
            (Change("baseline.value", 16, 15, "baseline", after_approval=True),),
        ),
        (
            story.short("import"),
            (),
            (
                Change("$", None, "email-resolution-time", "added"),
                Change("owner", None, "dave", "owner"),
                Change("baseline.value", None, 16, "baseline"),
                Change("baseline.period", None, "2025-12", "baseline"),
            ),
        ),
    ]


def test_the_changelog_lists_every_revision_newest_first(story: Story) -> None:
    rows = [
        (i.date.isoformat(), i.short, i.author, i.path, i.id, i.summary, i.after_approval)
        for i in changelog(history_of(story.repo))
    ]
    s = story.short
    assert rows == [
        (
            "2026-07-10T12:00:00+02:00",
            s("completed"),
            "Carol Osei",
            KB2,
            "CSI-0002",
            "status in-progress → completed; cycles[0].closed — → 2026-07-05; "
            "cycles[0].outcome — → met",
            False,
        ),
        (
            "2026-03-15T16:00:00+01:00",
            s("baseline"),
            "Dave Lindqvist",
            MTTR,
            "email-resolution-time",
            "baseline.value 16 → 15 (after approval)",
            True,
        ),
        (
            "2026-03-01T15:00:00+01:00",
            s("tightened"),
            "Dave Lindqvist",
            KB2,
            "CSI-0002",
            f"{TARGET}.value 10 → 9 (after approval)",
            True,
        ),
        (
            "2026-02-02T09:30:00+01:00",
            s("renamed"),
            "Bob Janssen",
            KB2,
            "CSI-0002",
            f"renamed from {KB}; status approved → in-progress",
            False,
        ),
        (
            "2026-01-20T11:00:00+01:00",
            s("approved"),
            "Carol Osei",
            KB,
            "CSI-0002",
            "status proposed → approved",
            False,
        ),
        (
            "2026-01-12T10:00:00+01:00",
            s("targets"),
            "Bob Janssen",
            KB,
            "CSI-0002",
            f"owner alice → bob; cycles[0] opened 2026-02-01; {TARGET}.value — → 10; "
            f"{TARGET}.by — → 2026-06-30",
            False,
        ),
        *(
            ("2026-01-05T09:00:00+01:00", s("import"), "Alice Moreau", path, id_, summary, False)
            for path, id_, summary in [
                (MTTR, "email-resolution-time", "created"),
                ("kpis/email-satisfaction.yaml", "email-satisfaction", "created"),
                (EMAIL, "CSI-0001", "created (in-progress)"),
                (KB, "CSI-0002", "created (proposed)"),
            ]
        ),
    ]


def test_a_deleted_entry_keeps_its_history(story: Story) -> None:
    git(story.repo, "rm", "-q", KB2)
    gone = commit(story.repo, "alice", "2026-08-01T09:00:00+02:00", "Retire CSI-0002")
    history = history_of(story.repo)
    assert history.removed == {KB2}
    newest = history.of(KB2)[0]
    assert (newest.commit, newest.id, newest.summary) == (gone, "CSI-0002", "removed")
    assert len(history.of(KB2)) == 7


def test_a_version_that_does_not_parse_is_noted_and_skipped(story: Story) -> None:
    edit(story.repo, KB2, "status: completed", "status: [completed")
    broken = commit(story.repo, "bob", "2026-08-01T09:00:00+02:00", "Oops")
    edit(story.repo, KB2, "status: [completed", "status: measuring")
    commit(story.repo, "bob", "2026-08-02T09:00:00+02:00", "Fix")
    fixed, oops = history_of(story.repo).of(KB2)[:2]
    assert (oops.commit, oops.flags, oops.changes) == (broken, ("unreadable",), ())
    assert oops.note.startswith("YAML syntax error")
    # Compared with the last version that could be read, not with the broken one.
    assert fixed.changes == (Change("status", "completed", "measuring", "status"),)


def test_a_merge_that_resolves_a_conflict_is_a_revision(story: Story) -> None:
    repo = story.repo
    git(repo, "checkout", "-q", "-b", "side", story.sha["import"])
    edit(repo, EMAIL, "owner: bob", "owner: carol")
    side = commit(repo, "carol", "2026-01-06T09:00:00+01:00", "Carol takes CSI-0001")
    git(repo, "checkout", "-q", "main")
    edit(repo, EMAIL, "owner: bob", "owner: dave")
    main = commit(repo, "dave", "2026-08-01T09:00:00+02:00", "Dave takes CSI-0001")
    git(repo, "merge", "-q", "side", check=False)  # both changed the owner: a conflict
    (repo / EMAIL).write_text(git(repo, "show", f"HEAD:{EMAIL}").replace("dave", "alice"))
    merge = commit(repo, "alice", "2026-08-02T09:00:00+02:00", "Merge: Alice takes CSI-0001")
    revisions = history_of(repo).of(EMAIL)
    assert [(r.commit, r.changes) for r in revisions[:3]] == [
        (merge, (Change("owner", "dave", "alice", "owner"),)),
        (main, (Change("owner", "bob", "dave", "owner"),)),
        (side, (Change("owner", "bob", "carol", "owner"),)),
    ]


# --- degrading with a reason ---------------------------------------------------------


def test_a_shallow_clone_says_to_fetch_everything(story: Story, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{story.repo}", str(clone))
    assert load_history(clone) == HistoryUnavailable("history needs the full clone: fetch-depth: 0")
    assert SHALLOW == "history needs the full clone: fetch-depth: 0"


def test_outside_git(tmp_path: Path) -> None:
    repo = materialise(None, tmp_path / "plain")
    assert load_history(repo) == HistoryUnavailable(
        f"{repo} is not a git repository; history is read from git, so clone the register "
        "rather than copying it"
    )


def test_without_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert load_history(tmp_path) == HistoryUnavailable(
        "git is not installed or not on PATH; install git to read history"
    )


def test_files_not_committed_yet(story: Story, tmp_path: Path) -> None:
    (story.repo / "register/CSI-0009-new.yaml").write_text("id: CSI-0009\n")
    history = history_of(story.repo)
    assert history.of("register/CSI-0009-new.yaml") == ()
    assert history.notes == {"register/CSI-0009-new.yaml": "not committed yet"}
    empty = materialise(None, tmp_path / "empty")
    git(empty, "init", "-q", "-b", "main")
    fresh = history_of(empty)
    assert (fresh.head, dict(fresh.entries)) == (None, {})
    assert fresh.notes == dict.fromkeys(
        [
            "register/CSI-0001-email-resolution.yaml",
            "register/CSI-0002-knowledge-base.yaml",
            "kpis/email-resolution-time.yaml",
            "kpis/email-satisfaction.yaml",
        ],
        "not committed yet",
    )


# --- reading versions ----------------------------------------------------------------

UNUSUAL = {
    "compact sequences": "id: X\ncycles:\n- opened: 2026-01-01\n  targets:\n  - kpi: k\n"
    "    value: 1\n    by: 2026-02-01\n  plan:\n  - one\nstatus: approved\n",
    "flow document": "{id: X, status: approved, owner: bob}\n",
    "anchors": "id: X\nowner: &who bob\ncycles:\n  - opened: 2026-01-01\n    lessons: *who\n"
    "    targets: []\n",
    "alias into a dropped field": "id: X\ncycles:\n  - vision: &v 3\n    opened: 2026-01-01\n"
    "    targets: [{kpi: k, value: *v, by: 2026-02-01}]\n",
    "multi-line quotes": 'id: X\nsummary: "two\nstatus: lines"\nstatus: approved\n',
    "document marker": "---\nid: X\nstatus: approved\n",
    "comments and CRLF": "# head\r\nid: X\r\nstatus: approved # why\r\ncycles:\r\n"
    "  # first\r\n  - opened: 2026-01-01\r\n    targets: []\r\n",
    "first field dropped": "id: X\ncycles:\n  - vision: |\n      long\n    opened: 2026-01-01\n"
    "    targets:\n      - {kpi: k, value: 2, by: 2026-02-01}\n",
}


def _expected(text: str) -> dict[str, object]:
    data, _, _, _ = parse_yaml(text, "x")
    assert data is not FAILED and isinstance(data, dict)
    tracked = {key: data[key] for key in TRACKED if key in data}
    if isinstance(tracked.get("cycles"), list):
        keep = {"opened", "closed", "outcome", "targets"}
        tracked["cycles"] = [{k: v for k, v in c.items() if k in keep} for c in tracked["cycles"]]
    return tracked


@pytest.mark.parametrize("name", sorted(UNUSUAL))
def test_reading_only_the_tracked_fields_agrees_with_a_full_parse(name: str) -> None:
    assert read_tracked(UNUSUAL[name].encode(), "x") == _expected(UNUSUAL[name])


def test_every_register_file_reads_the_same_as_a_full_parse() -> None:
    files = [*REPO.joinpath("register").glob("*.yaml"), *REPO.joinpath("kpis").glob("*.yaml")]
    files += [f for f in CASES.rglob("*.yaml") if f.parent.name in ("register", "kpis")]
    checked = 0
    for file in files:
        try:
            text = file.read_bytes().decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            assert read_tracked(file.read_bytes(), "x") == "the file is not UTF-8"
            continue
        data, _, _, _ = parse_yaml(text, "x")
        if data is FAILED or not isinstance(data, dict):
            continue  # a syntax error outside the tracked fields does not hide them
        assert read_tracked(file.read_bytes(), "x") == _expected(text), file
        checked += 1
    assert checked > 50


def test_targets_of_a_new_cycle_are_not_edits_after_approval() -> None:
    old = {"status": "in-progress", "cycles": [{"opened": "2026-01-01", "targets": []}]}
    new = {
        "status": "in-progress",
        "cycles": [
            {"opened": "2026-01-01", "targets": [], "closed": "2026-03-01"},
            {"opened": "2026-03-01", "targets": [{"kpi": "k", "value": 5, "by": "2026-09-30"}]},
        ],
    }
    assert field_changes(old, new, approved=True) == (
        Change("cycles[0].closed", None, "2026-03-01", "cycle"),
        Change("cycles[1]", None, "2026-03-01", "cycle"),
        Change("cycles[1].targets[k].value", None, 5, "target"),
        Change("cycles[1].targets[k].by", None, "2026-09-30", "target"),
    )


# --- csi diff ------------------------------------------------------------------------

NEW_ENTRY = """\
id: CSI-0003
title: Chat channel for the service desk
summary: Users ask for a chat channel.
source: customer-feedback
raised_by: alice
raised_on: 2026-07-01
owner: carol
status: proposed
term: medium
size: small
priority: {impact: 3, urgency: 2, effort: 2, risk: 1}
"""
NEW_KPI = """\
id: chat-adoption
name: Share of contacts by chat
unit: "%"
direction: increase
type: service
indicator: leading
perspective: customer
owner: dave
review_cadence: monthly
baseline: {value: 0, period: 2026-06}
source:
  csv: kpis/data/email-satisfaction.csv
"""


def feature_branch(story: Story) -> None:
    """A pull request: a new entry and KPI, a new owner, a target cut after approval."""
    repo = story.repo
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "register/CSI-0003-chat-channel.yaml").write_text(NEW_ENTRY)
    (repo / "kpis/chat-adoption.yaml").write_text(NEW_KPI)
    edit(repo, EMAIL, "owner: bob", "owner: carol")
    edit(repo, EMAIL, "value: 6,", "value: 5,")


def run_diff(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(diff, [*args, "--as-of", "2026-07-15"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


DIFF_WORKING_TREE = """\
✅ No validation problems · 1 new entry, 1 target or baseline edit (1 after approval), \
1 other change, 1 new KPI

## Register changes: `{base}` (merge base with main) → the working tree

### New entries

| ID | Title | Status | Owner | File |
|---|---|---|---|---|
| CSI-0003 | Chat channel for the service desk | proposed | carol | \
`register/CSI-0003-chat-channel.yaml` |

### Target and baseline edits

| ID | Field | From | To | Note |
|---|---|---|---|---|
| CSI-0001 | `cycles[1].targets[email-resolution-time].value` | 6 | 5 | ⚠️ after approval |

### Other changes

| ID | Field | From | To |
|---|---|---|---|
| CSI-0001 | `owner` | bob | carol |

### New KPIs

| ID | Name | Owner | File |
|---|---|---|---|
| chat-adoption | Share of contacts by chat | dave | `kpis/chat-adoption.yaml` |
"""


def test_diff_of_the_working_tree_as_markdown(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    feature_branch(story)
    code, output = run_diff(story.repo, monkeypatch)
    assert (code, output) == (0, DIFF_WORKING_TREE.format(base=story.short("completed")))


def test_diff_as_json(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    feature_branch(story)
    code, output = run_diff(story.repo, monkeypatch, "--format", "json")
    assert code == 0
    entry = {"kind": "improvement", "old_path": None, "note": "", "changes": []}
    assert json.loads(output) == {
        "ok": True,
        "summary": "1 new entry, 1 target or baseline edit (1 after approval), 1 other change, "
        "1 new KPI",
        "base": story.sha["completed"],
        "base_label": "merge base with main",
        "head": None,
        "added": [
            {
                **entry,
                "id": "CSI-0003",
                "path": "register/CSI-0003-chat-channel.yaml",
                "title": "Chat channel for the service desk",
                "status": "proposed",
                "owner": "carol",
            },
            {
                **entry,
                "kind": "kpi",
                "id": "chat-adoption",
                "path": "kpis/chat-adoption.yaml",
                "title": "Share of contacts by chat",
                "status": None,
                "owner": "dave",
            },
        ],
        "removed": [],
        "changed": [
            {
                **entry,
                "id": "CSI-0001",
                "path": EMAIL,
                "title": "Faster resolution of email incidents",
                "status": "in-progress",
                "owner": "carol",
                "changes": [
                    {
                        "field": "owner",
                        "old": "bob",
                        "new": "carol",
                        "kind": "owner",
                        "after_approval": False,
                    },
                    {
                        "field": "cycles[1].targets[email-resolution-time].value",
                        "old": 6,
                        "new": 5,
                        "kind": "target",
                        "after_approval": True,
                    },
                ],
            }
        ],
        "reviews": [],
        "problems": [],
    }


DIFF_COMMIT = """\
⚠️ 2 validation problems · 1 removed entry, 1 status change, 1 other change

## Register changes: `{base}` (main) → `{head}`

### Removed entries

| ID | Title | Status | File |
|---|---|---|---|
| CSI-0002 | Knowledge base for the service desk | completed | `{kb}` |

### Status changes

| ID | Title | From | To |
|---|---|---|---|
| CSI-0001 | Faster resolution of email incidents | in-progress | measuring |

### Other changes

| ID | Field | From | To |
|---|---|---|---|
| CSI-0001 | `cycles[1].outcome` | — | partially-met |

### Validation problems

| File | Line | Field | Problem |
|---|---|---|---|
| `{email}` | 19 | `$.depends_on[0]` | CSI-0002 is not in the register (did you mean 'CSI-0001'?); \
fix the id or remove it |
| `{email}` | 41 | `$.cycles[1].outcome` | cycle 2 records an outcome but is not closed; add \
closed: YYYY-MM-DD or remove the outcome |
"""


def test_diff_of_a_commit_validates_that_commit(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = story.repo
    git(repo, "checkout", "-q", "-b", "retire")
    git(repo, "rm", "-q", KB2)
    edit(repo, EMAIL, "status: in-progress", "status: measuring")
    edit(repo, EMAIL, "by: 2026-12-31}\n", "by: 2026-12-31}\n    outcome: partially-met\n")
    head = commit(repo, "bob", "2026-07-11T09:00:00+02:00", "Retire CSI-0002")
    # The working tree differs (and is broken): only the commit counts.
    (repo / "register/CSI-0004-scratch.yaml").write_text("id: [\n")
    code, output = run_diff(repo, monkeypatch, "main", "HEAD")
    expected = DIFF_COMMIT.format(base=story.short("completed"), head=head[:7], kb=KB2, email=EMAIL)
    assert (code, output) == (1, expected)


def test_default_base_from_the_settings_branch_or_origin(
    story: Story, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo = story.repo
    git(repo, "branch", "-m", "main", "trunk")
    with (repo / "site_config/register.yml").open("a") as f:
        f.write("branch: trunk\n")
    commit(repo, "dave", "2026-07-11T09:00:00+02:00", "Our main branch is trunk")
    code, output = run_diff(repo, monkeypatch, "--format", "json")
    assert (code, json.loads(output)["base_label"]) == (0, "merge base with trunk")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{story.repo}", str(clone))
    git(clone, "checkout", "-q", "-b", "pr")
    git(clone, "branch", "-q", "-D", "trunk")
    code, output = run_diff(clone, monkeypatch, "--format", "json")
    assert (code, json.loads(output)["base_label"]) == (0, "merge base with origin/trunk")


def test_diff_usage_errors(story: Story, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    usage = "Usage: diff [OPTIONS] [BASE] [HEAD]\nTry 'diff --help' for help.\n\nError: "
    code, output = run_diff(story.repo, monkeypatch, "nope")
    assert (code, output) == (
        2,
        usage + "unknown revision 'nope': no commit, branch or tag has that name\n",
    )
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{story.repo}", str(clone))
    code, output = run_diff(clone, monkeypatch)
    assert (code, output) == (2, usage + "history needs the full clone: fetch-depth: 0\n")


def test_markdown_cells_are_inert() -> None:
    title = "Chat | <script>alert(1)</script> *now* [x](javascript:1)"
    entry = FileDiff("improvement", "CSI-0003", "register/CSI-0003.yaml", title, "proposed", "bo_b")
    comparison = Comparison(
        "a" * 40, "main", None, (entry,), (), (), (Problem("p`q", 1, "$", "m|n"),)
    )
    assert diff_markdown(comparison).splitlines()[8:] == [
        "| CSI-0003 | Chat &#124; &lt;script&gt;alert(1)&lt;/script&gt; &#42;now&#42; "
        "&#91;x&#93;(javascript:1) | proposed | bo&#95;b | `register/CSI-0003.yaml` |",
        "",
        "### Validation problems",
        "",
        "| File | Line | Field | Problem |",
        "|---|---|---|---|",
        "| <code>p&#96;q</code> | 1 | `$` | m&#124;n |",
    ]


def test_diff_against_a_revision_without_a_register_names_the_revision(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = story.repo
    git(repo, "checkout", "-q", "--orphan", "notes")
    git(repo, "rm", "-rqf", ".")
    (repo / "README.md").write_text("Meeting notes\n")
    commit(repo, "bob", "2026-07-12T09:00:00+02:00", "Notes only")
    git(repo, "checkout", "-q", "main")
    code, output = run_diff(repo, monkeypatch, "main", "notes")
    assert code == 1
    assert "no register/ folder in revision notes;" in output
    assert "csi-diff-" not in output
