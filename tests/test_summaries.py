"""Every page says what it is as of (the date and the commit), and an improvement that
is not under way says its status in one sentence: what a completed one achieved, what
the board decided about a proposed, deferred or rejected one."""

from __future__ import annotations

from datetime import date

import pytest

from csitools.publish.pages import build_pages
from csitools.publish.reviewpages import review_views
from csitools.publish.summaries import as_of_line, dated, status_box
from csitools.validation import Validation, validate_repository
from tests.conftest import copy_sample

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Validation:
    return validate_repository(copy_sample(tmp_path_factory.mktemp("summaries") / "repo"), AS_OF)


def _box(v: Validation, imp_id: str):  # type: ignore[no-untyped-def]
    imp = next(i for i in v.register.improvements if i.id == imp_id)
    st = next(s for s in v.status.improvements if s.id == imp_id)
    views = review_views(v.register, v.status, {})
    names = {p.id: p.name for p in v.register.people.values()}
    return status_box(imp, st, views.decisions_of(imp_id), v.register.kpis, names)


def test_a_completed_entry_says_what_its_last_cycle_achieved(sample: Validation) -> None:
    box = _box(sample, "CSI-0008")
    assert (box.kind, box.title) == ("success", "Outcome")
    assert box.text == (
        "Cycle 1 closed on 16 Jan 2026 and met its targets: Knowledge article reuse: 46.8% "
        "against a target of 45%."
    )


def test_deferred_rejected_and_proposed_entries_say_what_was_decided(sample: Validation) -> None:
    deferred, rejected, proposed = (_box(sample, i) for i in ("CSI-0013", "CSI-0014", "CSI-0015"))
    assert (deferred.kind, deferred.title) == ("note", "Decision: deferred")
    assert deferred.text.startswith("Deferred on 8 Dec 2025 (CSI board, December 2025): The ")
    assert deferred.text.endswith(" To be looked at again on 18 Nov 2026.")
    assert rejected.text.startswith("Rejected on 17 Nov 2025 (CSI board, November 2025): Walk-in")
    assert (proposed.kind, proposed.text) == (
        "info",
        "Raised by Aoife Fitzgerald on 24 Nov 2026; no meeting has decided on it yet.",
    )
    assert _box(sample, "CSI-0001") is None  # under way: its health box says how it goes


def test_the_as_of_line_goes_under_the_title_with_the_commit_linked() -> None:
    line = as_of_line(AS_OF, "a" * 40, 9, "https://git.example.org/it/cir")
    assert line == (
        "As of 23 Nov 2026 · commit [`aaaaaaaaa`](https://git.example.org/it/cir/commit/"
        + "a" * 40
        + ")\n{: .csi-asof }"
    )
    assert as_of_line(AS_OF, None, 7, "") == "As of 23 Nov 2026\n{: .csi-asof }"
    page = "---\ntitle: T\n---\n# T\n\nBody.\n"
    assert dated(page, "LINE") == "---\ntitle: T\n---\n# T\n\nLINE\n\nBody.\n"
    assert dated("---\ntitle: T\n---\nBody.\n", "LINE") == "---\ntitle: T\n---\n\nLINE\n\nBody.\n"


def test_every_generated_page_is_dated(sample: Validation) -> None:
    pages = build_pages(sample.register, sample.status, {})
    undated = [p for p, md in pages.items() if "\nAs of 23 Nov 2026\n{: .csi-asof }\n" not in md]
    assert undated == []
    page = pages["improvements/CSI-0014.md"]
    assert page.index("As of 23 Nov 2026") < page.index('!!! note "Decision: rejected"')
    assert "Latest decision:" not in page  # the box says it


def test_the_people_page_gives_each_person_their_entries_with_status_health_and_part(
    sample: Validation,
) -> None:
    page = build_pages(sample.register, sample.status, {})["people.md"]
    section = page.split("## Aoife Fitzgerald", 1)[1].split("\n## ", 1)[0]
    assert "| Improvement | Status | Health | Part |" in section
    row = next(line for line in section.splitlines() if "CSI-0015" in line)
    assert "csi-status--proposed" in row and "not measured" in row
    proposal = "Write the proposal for the CSI board"
    assert row.endswith(f"| owner; R: {proposal}; A: {proposal} |")
    row = next(line for line in section.splitlines() if "CSI-0003" in line)
    measure = "Measure resolution time and satisfaction"
    assert row.endswith(f"| R: Set vision and targets; A: {measure} |")
