"""The review meetings on the site: a page per meeting, the Reviews index, the review
pack's new sections, and health as of a meeting computed by the one status
computation (the same as `csi status --as-of <date>`, and with git the entries as
committed by then)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from csitools.history.asof import statuses_then
from csitools.measure.decisions import HealthChange
from csitools.publish.pages import build_pages
from csitools.publish.reviewpages import review_views
from csitools.validation import validate_repository
from tests.conftest import CASES, REPO, Golden, git, materialise
from tests.test_site import article, build, make_site_repo, text

CASE = "positive/review-meetings"
AS_OF = date(2026, 5, 15)


@pytest.fixture
def meetings(tmp_path: Path) -> Path:
    return materialise(CASES / CASE, tmp_path / "repo")


def pages_as_of(root: Path, day: date) -> dict[str, str]:
    v = validate_repository(root, day)
    assert v.problems == ()
    then = statuses_then(root, [r.date for r in v.register.reviews], v)
    return build_pages(v.register, v.status, {}, None, None, then)


def test_a_meeting_page_matches_golden(meetings: Path, golden: Golden) -> None:
    """Who attended, the decisions and why, the actions as they stand, the notes with
    their HTML shown as text, and health as of the meeting."""
    golden.check("meeting.md", pages_as_of(meetings, AS_OF)["reviews/2026-04-20-csi-board.md"])


def test_the_review_pack_matches_golden(meetings: Path, golden: Golden) -> None:
    """Decisions needed, since the last review, overdue actions, deferred entries past
    their revisit date, and the owner's latest word beside each target at risk."""
    golden.check("review-pack.md", pages_as_of(meetings, AS_OF)["review.md"])


def test_the_reviews_index_lists_the_meetings_newest_first(meetings: Path) -> None:
    page = pages_as_of(meetings, AS_OF)["reviews/index.md"]
    rows = [line for line in page.splitlines() if line.startswith("| 2")]
    assert rows == [
        "| 20 May 2026 | [Service desk review, May 2026]"
        "(../reviews/2026-05-20-service-desk-review.md) | 1 | — |",
        "| 20 Apr 2026 | [CSI board, April 2026](../reviews/2026-04-20-csi-board.md) | 2 | "
        "1 overdue, 1 open, 1 done |",
    ]


def test_a_register_without_reviews_says_how_to_record_one(tmp_path: Path) -> None:
    pages = pages_as_of(materialise(None, tmp_path / "repo"), AS_OF)
    assert [p for p in pages if p.startswith("reviews/")] == ["reviews/index.md"]
    assert "No review meetings are recorded yet." in pages["reviews/index.md"]
    assert "## Decisions" not in pages["improvements/CSI-0001.md"]
    assert "## Since the last review" not in pages["review.md"]


def _since(root: Path, day: date) -> tuple[str | None, list[HealthChange]]:
    v = validate_repository(root, day)
    then = statuses_then(root, [r.date for r in v.register.reviews], v)
    since = review_views(v.register, v.status, then).since
    assert since is not None and since.review is not None
    return since.review.id, list(since.changes)


def test_since_the_last_review_no_data_to_on_track_and_on_track_to_at_risk(
    meetings: Path,
) -> None:
    """CSI-0001: on 20 Apr no complete period had ended since cycle 2 opened on 10 Apr
    (no-data); by 15 May April's 8.8 h is in, progress 7% with 13% of the time gone
    (on-track). CSI-0003: 3.2 -> 4.8 by 30 Jun, at 4.0 since March (progress 50%):
    52% of its time had gone on 20 Apr (on-track), 69% on 15 May (at-risk)."""
    assert _since(meetings, date(2026, 5, 15)) == (
        "2026-04-20-csi-board",
        [
            HealthChange("CSI-0001", "email-resolution-time", 2, "no-data", "on-track"),
            HealthChange("CSI-0003", "email-satisfaction", 1, "on-track", "at-risk"),
        ],
    )


def test_since_the_last_review_on_track_to_stale_and_at_risk_to_no_data(meetings: Path) -> None:
    """On 20 May April's value is fresh; by 15 Jul nothing newer has come, 75 days after
    April ended, past the monthly cadence (CSI-0001 stale), and CSI-0003's due date has
    passed with no value for June, the period a target due on 30 Jun is judged on
    (no-data)."""
    assert _since(meetings, date(2026, 7, 15)) == (
        "2026-05-20-service-desk-review",
        [
            HealthChange("CSI-0001", "email-resolution-time", 2, "on-track", "stale"),
            HealthChange("CSI-0003", "email-satisfaction", 1, "at-risk", "no-data"),
        ],
    )


def _healths(status_json: str) -> dict[str, str | None]:
    return {i["id"]: i["health"] for i in json.loads(status_json)["improvements"]}


def test_health_as_of_each_sample_review_is_csi_status_as_of_its_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without git history the meeting's health is the current files judged as of the
    meeting: exactly `csi status --as-of <date>`."""
    root = tmp_path / "sample"
    for part in ("register", "kpis", "reviews", "site_config"):
        shutil.copytree(REPO / part, root / part)
    v = validate_repository(root)
    days = [r.date for r in v.register.reviews]
    assert len(days) >= 3
    then = statuses_then(root, days, v)
    monkeypatch.chdir(root)
    for day in days:
        result = CliRunner().invoke(main, ["status", "--as-of", str(day), "--format", "json"])
        assert result.exit_code == 0, result.output
        assert then[day].commit is None
        assert {s.id: s.health for s in then[day].status.improvements} == _healths(result.stdout)


def test_health_as_of_a_review_judges_the_entries_committed_by_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A target re-based after the meeting does not change what the meeting saw: the
    entry as committed by the end of its day, with the data as of that day (the same
    as `csi status --as-of` run on that commit)."""
    root = materialise(CASES / CASE, tmp_path / "repo")
    (root / "reviews" / "2026-05-16-csi-board.yaml").write_text(
        "date: 2026-05-16\nkind: csi-board\ntitle: CSI board, May 2026\nchair: carol\n"
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "The register before the meeting", when="2026-05-10T10:00:00+00:00")
    entry = root / "register" / "CSI-0001-email-resolution.yaml"
    entry.write_text(
        entry.read_text().replace("value: 6, by: 2026-12-31", "value: 8.9, by: 2026-12-31")
    )
    git(root, "commit", "-qam", "Re-base cycle 2 at 8.9 h", when="2026-06-01T10:00:00+00:00")
    first = subprocess.run(
        ["git", "rev-parse", "HEAD~1"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    v = validate_repository(root, date(2026, 6, 15))
    then = statuses_then(root, [date(2026, 5, 16)], v)[date(2026, 5, 16)]
    assert (then.commit, then.committed) == (first, date(2026, 5, 10))
    seen = {s.id: s.health for s in then.status.improvements}
    assert seen["CSI-0001"] == "on-track"  # 8.8 h on the way to 6 h
    now = {s.id: s.health for s in v.status.improvements}
    assert now["CSI-0001"] == "achieved"  # 8.8 h is past the re-based 8.9 h
    checkout = tmp_path / "then"
    git(root, "worktree", "add", "-q", str(checkout), first)
    monkeypatch.chdir(checkout)
    result = CliRunner().invoke(main, ["status", "--as-of", "2026-05-16", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert _healths(result.stdout) == seen
    page = pages_as_of(root, date(2026, 6, 15))["reviews/2026-05-16-csi-board.md"]
    assert (
        f"the entries as they were committed on 10 May 2026 (commit [`{first[:7]}`]"
        f"(https://github.com/example/register/commit/{first}))"
    ) in page


@pytest.mark.slow
def test_the_built_site_links_meetings_and_improvements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo", CASE)
    build(root, monkeypatch)
    meeting = article(root, "reviews/2026-04-20-csi-board/index.html")
    assert '<a href="../../improvements/CSI-0001/">CSI-0001 · Faster resolution of email' in meeting
    assert '&lt;script&gt;alert("notes")&lt;/script&gt;' in meeting
    assert "<script" not in meeting
    words = text(meeting)
    assert (
        "overdue Measure how much of the time left is shared mailbox access: Bob Janssen" in words
    )
    entry = article(root, "improvements/CSI-0001/index.html")
    assert '<a href="../../reviews/2026-04-20-csi-board/">CSI board, April 2026</a>' in entry
    assert "Latest from the owner, 11 May 2026" in text(entry)
    index = article(root, "reviews/index.html")
    assert '<a href="2026-05-20-service-desk-review/">Service desk review, May 2026</a>' in index
