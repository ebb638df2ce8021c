"""csi digest: per owner, what changed since the last review (or a date), what waits
for their decision or action, and their stale KPIs; markdown for people, JSON for bots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from csitools.cli import main
from tests.conftest import CASES, REPO, Golden, materialise

CASE = CASES / "positive" / "review-meetings"


def digest(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(root)
    return CliRunner().invoke(main, ["digest", *args])


@pytest.fixture
def meetings(tmp_path: Path) -> Path:
    return materialise(CASE, tmp_path / "repo")


@pytest.mark.parametrize("fmt, name", [("markdown", "digest.md"), ("json", "digest.json")])
def test_the_digest_matches_golden(
    meetings: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden, fmt: str, name: str
) -> None:
    """Every owner with something to hear, as of 10 Jun 2026, since the May service
    review: the e-mail data have gone stale (April ended 40 days ago), an action is
    overdue, a proposal and a deferral wait for the board."""
    result = digest(meetings, monkeypatch, "--as-of", "2026-06-10", "--format", fmt)
    assert result.exit_code == 0, result.output
    golden.check(name, result.output)


def test_the_sample_digest_tells_the_owner_of_csi_0007_what_it_waits_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The handle-time target is due within the review horizon with the cycle open, and
    the re-basing the October board asked for is overdue."""
    result = digest(REPO, monkeypatch, "--as-of", "2026-11-23", "--format", "json")
    assert result.exit_code == 0, result.output
    by_owner = {d["owner"]: d for d in json.loads(result.stdout)}
    owner = by_owner["owhitaker"]
    assert (owner["name"], owner["since"], owner["since_review"], owner["as_of"]) == (
        "Owen Whitaker",
        "2026-10-14",
        "2026-10-14-csi-board",
        "2026-11-23",
    )
    assert owner["decisions_needed"] == [
        {
            "improvement": "CSI-0007",
            "title": "Unified agent desktop for level 1",
            "reason": "due-soon",
            "question": "Due soon: is the cycle ready for its review?",
            "kpi": "average-handle-time",
            "health": "regressed",
            "due": "2026-12-31",
        }
    ]
    assert owner["actions_due"] == [
        {
            "title": "Re-base the handle-time target with the agents' new call scope",
            "due": "2026-11-13",
            "state": "overdue",
            "improvement": "CSI-0007",
            "review": "2026-10-14-csi-board",
            "agreed_on": "2026-10-14",
        }
    ]
    assert "stale_kpis" in owner and "changed" in owner


def test_since_a_date_reports_the_changes_and_decisions_after_it(
    meetings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = digest(
        meetings, monkeypatch, "--owner", "bob", "--since", "2026-04-15", "--as-of", "2026-05-15"
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "### Bob Janssen: your improvement digest, 15 May 2026\n\n"
        "Since 15 Apr 2026.\n\n"
        "**Waiting for a decision**\n\n"
        "- CSI-0001 · Faster resolution of email incidents: Mean time to resolve email "
        "incidents (on-track, due 31 Dec 2026). Due soon: is the cycle ready for its review?\n\n"
        "**Your actions**\n\n"
        "- Overdue since 1 May 2026: Measure how much of the time left is shared mailbox "
        "access (CSI-0001, agreed at CSI board, April 2026).\n\n"
        "**What changed**\n\n"
        "- CSI-0001 · Faster resolution of email incidents: Mean time to resolve email "
        "incidents no-data → on-track.\n"
        "- CSI-0001 · Faster resolution of email incidents: continue on 20 Apr 2026. Cycle 1 "
        "came close (9 h against 8 h); the second cycle aims at shared mailbox access.\n"
    )


def test_an_owner_with_nothing_to_hear_is_told_so(
    meetings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = digest(meetings, monkeypatch, "--owner", "carol", "--as-of", "2026-05-15")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "### Carol Osei: your improvement digest, 15 May 2026\n\n"
        "Since the last review, CSI board, April 2026 (20 Apr 2026).\n\n"
        "Nothing waits for you, and nothing of yours changed.\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--since", "2026-04-01", "--since-last-review"],
            "Error: give --since DATE or --since-last-review, not both\n",
        ),
        (
            ["--owner", "bobb"],
            "Error: --owner 'bobb': no person with that id in register/people.yaml\n",
        ),
    ],
)
def test_usage_errors(
    meetings: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    result = digest(meetings, monkeypatch, *args)
    assert result.exit_code == 2
    assert result.output.endswith(message)


def test_titles_cannot_turn_the_message_into_links(
    meetings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = meetings / "register" / "CSI-0001-email-resolution.yaml"
    entry.write_text(
        entry.read_text().replace(
            "title: Faster resolution of email incidents",
            "title: '[Win](https://evil.example) <img src=x> **now**'",
        )
    )
    result = digest(meetings, monkeypatch, "--owner", "bob", "--as-of", "2026-05-15")
    assert result.exit_code == 0, result.output
    assert (
        "CSI-0001 · &#91;Win&#93;(https://evil.example) &lt;img src=x&gt; &#42;&#42;now&#42;&#42;:"
        in result.output
    )
    assert "<img" not in result.output and "](" not in result.output


def test_csi_diff_lists_the_decisions_and_actions_a_change_adds(
    meetings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request that records a meeting and marks an earlier action done."""
    from tests.conftest import git

    git(meetings, "init", "-q", "-b", "main")
    git(meetings, "add", "-A")
    git(meetings, "commit", "-qm", "The register")
    git(meetings, "switch", "-q", "-c", "june-board")
    board = meetings / "reviews" / "2026-04-20-csi-board.yaml"
    board.write_text(
        board.read_text().replace(
            "    due: 2026-05-01\n    improvement: CSI-0001\n",
            "    due: 2026-05-01\n    improvement: CSI-0001\n    done_on: 2026-05-18\n",
        )
    )
    (meetings / "reviews" / "2026-06-17-csi-board.yaml").write_text(
        "date: 2026-06-17\nkind: csi-board\ntitle: CSI board, June 2026\nchair: carol\n"
        "decisions:\n"
        "  - {improvement: CSI-0004, decision: approve, rationale: 'Cheap | quick'}\n"
        "actions:\n"
        "  - {title: Staff the chat at lunchtime, owner: alice, due: 2026-07-01,"
        " improvement: CSI-0004}\n"
    )
    monkeypatch.chdir(meetings)
    result = CliRunner().invoke(main, ["diff", "--as-of", "2026-06-20"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first == "✅ No validation problems · 1 review decision, 2 review actions"
    section = result.output[result.output.index("### Review decisions and actions") :]
    assert section == (
        "### Review decisions and actions\n\n"
        "| Meeting | Kind | Improvement | What | Detail |\n"
        "|---|---|---|---|---|\n"
        "| `2026-04-20-csi-board` | action done | CSI-0001 | Measure how much of the time left "
        "is shared mailbox access | bob, due 2026-05-01, done 2026-05-18 |\n"
        "| `2026-06-17-csi-board` | decision | CSI-0004 | approve | Cheap &#124; quick |\n"
        "| `2026-06-17-csi-board` | action | CSI-0004 | Staff the chat at lunchtime | "
        "alice, due 2026-07-01 |\n"
    )
    data = json.loads(CliRunner().invoke(main, ["diff", "--format", "json"]).stdout)
    assert data["reviews"][1] == {
        "review": "2026-06-17-csi-board",
        "path": "reviews/2026-06-17-csi-board.yaml",
        "kind": "decision",
        "change": "added",
        "improvement": "CSI-0004",
        "what": "approve",
        "detail": "Cheap | quick",
    }
