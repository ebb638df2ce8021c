"""The audit trail in real Chromium: the Changelog and an entry's History read in words
on a desktop, and on a 390 px phone each change is a card with nothing scrolling
sideways."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.conftest import copy_sample, csi, git
from tests.test_browser import browser, page, served  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
BACKLOG = "register/CSI-0005-service-desk-backlog.yaml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample imported in one commit, then a target edited after approval."""
    root = copy_sample(tmp_path_factory.mktemp("audit") / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Import the register", when="2026-11-02T09:00:00+00:00")
    entry = root / BACKLOG
    before = entry.read_text()
    after = before.replace("value: 3000,", "value: 3500,", 1)
    assert after != before
    entry.write_text(after)
    git(root, "commit", "-qam", "Backlog target: the merger adds 400 tickets", who="bob",
        when="2026-11-16T09:00:00+00:00")  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        result = csi("build", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    with served(root / "site") as base:
        yield base


def _sideways(pg) -> int:  # type: ignore[no-untyped-def]
    """How far the page itself scrolls sideways, in CSS pixels."""
    return int(pg.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("path", ["changelog/", "improvements/CSI-0005/"])
def test_on_a_phone_each_change_is_a_card_and_nothing_scrolls_sideways(
    site: str,
    page,  # noqa: F811
    path: str,
) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    page.goto(site + path)
    rows = page.locator(".csi-log tbody tr")
    assert rows.count() == 2  # the import, then the edit
    assert _sideways(page) == 0
    first = rows.first
    assert first.evaluate("r => getComputedStyle(r).display") == "block"
    assert page.locator(".csi-log thead").first.is_hidden()
    # Every cell of the card is inside the screen, the reason labelled as such.
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    reason = first.locator("td").nth(-2)
    label = reason.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Reason: "'


def test_on_a_desktop_the_changelog_is_a_table_in_words(site: str, page) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(site + "changelog/")
    headers = page.locator(".csi-log thead").first.locator("th").all_inner_texts()
    assert headers == ["Date", "Entry", "What changed", "Reason: the commit's message", "Commit"]
    body = page.locator("article").inner_text()
    assert "cycles[" not in body and "targets[" not in body
    edit = page.locator(".csi-log tbody tr").first.locator("td").all_inner_texts()
    assert edit[:4] == [
        "16 Nov 2026",
        "CSI-0005 · Bring the open ticket backlog under control",
        "Target for Open ticket backlog in cycle 1: 3,000 → 3,500 open tickets, after approval",
        "Backlog target: the merger adds 400 tickets",
    ]
    assert edit[4].endswith(" by Bob Janssen")
    entries = page.locator(".csi-log tbody tr td:nth-child(2) a").all_inner_texts()
    improvements = [e for e in entries if e.startswith("CSI-")]
    assert improvements and all(re.fullmatch(r"CSI-\d{4} · \S.+", e) for e in improvements)
