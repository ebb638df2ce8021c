"""The audit trail a person can read: each change in words with its unit and people by
name, the commit's message as the reason, commits linked, the Changelog naming
entries by title, and a register imported in one commit saying so."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from csitools.history.changes import Change, field_changes
from csitools.history.revisions import History, Revision, changelog, load_history
from csitools.publish.audit import (
    IMPORTED_AT_LEAST,
    Imported,
    Words,
    changelog_rows,
    created_with,
    first_recorded,
    revision_words,
)
from tests.conftest import git
from tests.test_breakdown import kpi
from tests.test_site import article, build, make_site_repo, text

BACKLOG = replace(kpi({}), id="ticket-backlog", name="Open ticket backlog", unit="open tickets")
WORDS = Words({BACKLOG.id: BACKLOG}, {"alice": "Alice Moreau", "bob": "Bob Janssen"})


def _entry(value: float, by: str, **fields: object) -> dict[str, object]:
    target = {"kpi": "ticket-backlog", "value": value, "by": by, "baseline": 3200}
    return {
        "status": "in-progress",
        "owner": "alice",
        "priority": {"impact": 4, "effort": 2},
        "cycles": [{"opened": "2026-02-01", "targets": [target]}],
        **fields,
    }


def _said(old: dict[str, object], new: dict[str, object], approved: bool = True) -> list[str]:
    changes = field_changes(old, new, approved=approved)
    rev = Revision("0" * 40, "0000000", datetime(2026, 3, 1), "a", "e", "s", "p", "CSI-1", changes)
    return [
        text + (" [after approval]" if flagged else "")
        for text, flagged in revision_words(WORDS, rev)
    ]


def test_a_target_edit_after_approval_is_said_with_its_kpi_cycle_and_unit() -> None:
    old = _entry(3000, "2026-12-31")
    assert _said(old, _entry(3500, "2026-12-31")) == [
        "Target for Open ticket backlog in cycle 1: 3,000 → 3,500 open tickets [after approval]"
    ]
    assert _said(old, _entry(3500, "2027-03-31"), approved=False) == [
        "Target for Open ticket backlog in cycle 1: 3,000 → 3,500 open tickets, "
        "due 31 Dec 2026 → 31 Mar 2027"
    ]


def test_status_owner_priority_and_cycles_in_words() -> None:
    old = _entry(3000, "2026-12-31")
    new = _entry(3000, "2026-12-31", status="completed", owner="bob")
    new["priority"] = {"impact": 5, "effort": 2}
    new["cycles"] = [
        {**old["cycles"][0], "closed": "2026-09-30", "outcome": "met"},  # type: ignore[index]
        {"opened": "2026-10-01", "targets": []},
    ]
    assert _said(old, new) == [
        "Status: in-progress → completed",
        "Owner: Alice Moreau → Bob Janssen",
        "Priority, impact: 4 → 5",
        "Cycle 1 closed on 30 Sep 2026",
        "Outcome of cycle 1 recorded: met",
        "Cycle 2 opened on 1 Oct 2026",
    ]


def test_a_new_target_and_a_removed_one_are_one_sentence_each() -> None:
    bare = _entry(3000, "2026-12-31")
    bare["cycles"] = [{"opened": "2026-02-01", "targets": []}]
    assert _said(bare, _entry(3000, "2026-12-31")) == [
        "Target for Open ticket backlog in cycle 1 set: 3,000 open tickets by 31 Dec 2026, "
        "from a baseline of 3,200 open tickets [after approval]"  # the cycle was open
    ]
    assert _said(_entry(3000, "2026-12-31"), bare) == [
        "Target for Open ticket backlog in cycle 1 removed (it was 3,000 open tickets by "
        "31 Dec 2026) [after approval]"
    ]


def test_a_created_file_says_its_status_and_an_untouched_one_says_so() -> None:
    new = _entry(3000, "2026-12-31")
    changes = (Change("$", None, "CSI-1", "added"), *field_changes({}, new))
    rev = Revision("0" * 40, "0000000", datetime(2026, 3, 1), "a", "e", "s", "p", "CSI-1", changes)
    assert revision_words(WORDS, rev) == [("Created as in-progress", False)]
    assert _said(new, new) == ["Details edited; no tracked field changed"]


def _commit(root: Path, message: str, when: str, *extra: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, *extra, when=when)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The base register imported in one commit (with a few more KPIs, so that the
    commit counts as an import), then a target relaxed by a commit whose message and
    author carry markup."""
    root = make_site_repo(tmp_path / "repo")
    kpi = (root / "kpis" / "email-satisfaction.yaml").read_text()
    for n in range(IMPORTED_AT_LEAST):
        (root / "kpis" / f"spare-{n}.yaml").write_text(
            kpi.replace("id: email-satisfaction", f"id: spare-{n}")
        )
    git(root, "init", "-q", "-b", "main")
    sha = {"import": _commit(root, "Import the spreadsheet register", "2026-02-10T09:00:00+00:00")}
    entry = root / "register" / "CSI-0001-email-resolution.yaml"
    entry.write_text(
        entry.read_text().replace("value: 6, by: 2026-12-31", "value: 7, by: 2026-12-31")
    )
    author = "--author=Eve &lt;b&gt; [me](javascript:alert(1)) *x* <eve@example.org>"
    sha["relax"] = _commit(
        root, "Relax the target <script>alert(2)</script>", "2026-04-20T10:00:00+00:00", author
    )
    return root, sha


def test_an_import_is_one_changelog_row_and_each_entry_says_when_it_was_raised(
    imported: tuple[Path, dict[str, str]],
) -> None:
    root, sha = imported
    history = load_history(root)
    assert isinstance(history, History)
    created = created_with(history)
    assert created[sha["import"]] == 4 + IMPORTED_AT_LEAST
    rows = changelog_rows(changelog(history), created)
    assert [type(r).__name__ for r in rows] == ["ChangelogItem", "Imported"]
    (row,) = [r for r in rows if isinstance(r, Imported)]
    assert row.improvements == ("CSI-0001", "CSI-0002")
    spares = [f"spare-{n}" for n in range(IMPORTED_AT_LEAST)]
    assert row.kpis == ("email-resolution-time", "email-satisfaction", *spares)
    revisions = history.of("register/CSI-0002-knowledge-base.yaml")
    recorded = first_recorded(revisions, date(2025, 11, 20), created)
    assert recorded is not None and (recorded.revision.commit, recorded.together) == (
        sha["import"],
        4 + IMPORTED_AT_LEAST,
    )
    # Raised the day it was first committed, or later: nothing to say.
    assert first_recorded(revisions, date(2026, 2, 10), created) is None


@pytest.mark.slow
def test_the_pages_tell_the_history_in_words_with_reasons_and_linked_commits(
    imported: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, sha = imported
    build(root, monkeypatch)
    body = article(root, "improvements/CSI-0002/index.html")
    assert (
        f"First recorded in git on 10 Feb 2026, with {3 + IMPORTED_AT_LEAST} other entries and "
        "KPIs in the same commit; raised on 20 Nov 2025."
    ) in text(body)
    assert "(as first recorded)" in text(body)
    body = article(root, "improvements/CSI-0001/index.html")
    commit = f'<a href="https://github.com/example/register/commit/{sha["relax"]}"><code>{sha["relax"][:7]}</code></a>'
    assert commit in body
    said = text(body)
    assert (
        "20 Apr 2026 Target for Mean time to resolve email incidents in cycle 2: 6 → 7 hours, "
        f"after approval Relax the target <script>alert(2)</script> {sha['relax'][:7]} by Eve "
        "&lt;b&gt; [me](javascript:alert(1)) *x* 10 Feb 2026"
    ) in said
    for page in (body, article(root, "changelog/index.html")):
        assert "&lt;script&gt;alert(2)" in page  # shown as text
        assert "<script" not in page and "<em>x" not in page and 'href="javascript' not in page
    log = text(article(root, "changelog/index.html"))
    assert (
        "10 Feb 2026 2 improvements, 7 KPIs First recorded in git, all in one commit: an "
        "import, not the day the work started (each entry's page says when it was raised) "
        f"Import the spreadsheet register {sha['import'][:7]} by Alice Moreau"
    ) in log
    assert "CSI-0001 · Faster resolution of email incidents Target for" in log
    assert log.index("April 2026") < log.index("February 2026")


def test_words_say_dates_long_and_numbers_grouped() -> None:
    assert WORDS.value(date(2026, 12, 31)) == "31 Dec 2026"
    assert WORDS.value("2026-12-31") == "31 Dec 2026"
    assert WORDS.value(3500, BACKLOG) == "3,500 open tickets"
    assert WORDS.value("2026-12") == "2026-12"
    assert WORDS.value(None) == "—"
    assert WORDS.person("carol") == "carol"
