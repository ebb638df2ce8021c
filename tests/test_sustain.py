"""Sustainment after closure: a completed improvement with sustain: {periods: N} is
sustained while each target KPI holds its last cycle's result within the tolerance,
slipped when one falls back.

The entry is the base register's CSI-0001 with its first cycle only, completed: closed
2026-04-10, so March is its result. Email resolution 16 h -> target 8 h, March 9.0 h
(p = 0.875): it holds while p >= 0.775, that is 9.8 h or better. Satisfaction 3.2 ->
4.2, March 4.0 (p = 0.8): it holds while p >= 0.7, that is 3.9 or better."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from csitools.measure.periods import Point
from csitools.measure.status import ImprovementStatus
from csitools.publish.pages import build_pages
from csitools.validation import validate_repository
from tests.test_status import write_series

ENTRY = "register/CSI-0001-email-resolution.yaml"


def completed(repo: Path, periods: int) -> None:
    path = repo / ENTRY
    text = path.read_text()
    text = text[: text.index("  - opened: 2026-04-10")]  # the first cycle only
    text = text.replace("status: in-progress", "status: completed")
    path.write_text(text.replace("cycles:\n", f"sustain: {{periods: {periods}}}\ncycles:\n"))


def watched(
    repo: Path, resolution: dict[str, float], satisfaction: dict[str, float], as_of: date
) -> ImprovementStatus:
    write_series(repo, "email-resolution-time", {"2026-03": 9.0, **resolution})
    write_series(repo, "email-satisfaction", {"2026-03": 4.0, **satisfaction})
    result = validate_repository(repo, as_of)
    assert result.errors == ()
    return next(s for s in result.status.improvements if s.id == "CSI-0001")


def month(label: str, value: float) -> Point:
    year, m = int(label[:4]), int(label[5:])
    return Point(label, date(year, m, 1), date(year + m // 12, m % 12 + 1, 1), value)


def test_sustained_while_each_kpi_holds_its_result(register_dir: Callable[..., Path]) -> None:
    repo = register_dir()
    completed(repo, 3)
    # May: 9.5 h (p = 0.8125) and 3.95 (p = 0.75), both within 0.10 of the result.
    s = watched(
        repo, {"2026-04": 8.8, "2026-05": 9.5}, {"2026-04": 4.0, "2026-05": 3.95}, date(2026, 6, 2)
    )
    assert s.health == "sustained"
    assert s.sustain is not None
    assert [(h.kpi, h.result, h.watched[-1], h.holds) for h in s.sustain.kpis] == [
        ("email-resolution-time", month("2026-03", 9.0), month("2026-05", 9.5), True),
        ("email-satisfaction", month("2026-03", 4.0), month("2026-05", 3.95), True),
    ]
    assert not s.sustain.complete  # two of three periods so far


def test_slipped_when_one_kpi_falls_back(register_dir: Callable[..., Path]) -> None:
    repo = register_dir()
    completed(repo, 3)
    # May: 10.4 h is p = 0.7, more than 0.10 below the result's 0.875.
    s = watched(
        repo, {"2026-04": 8.8, "2026-05": 10.4}, {"2026-04": 4.0, "2026-05": 4.1}, date(2026, 6, 2)
    )
    assert s.health == "slipped"
    assert s.sustain is not None
    [held] = s.sustain.slipped
    assert (held.kpi, held.watched[-1]) == ("email-resolution-time", month("2026-05", 10.4))


def test_a_dip_that_recovered_is_sustained(register_dir: Callable[..., Path]) -> None:
    repo = register_dir()
    completed(repo, 3)
    s = watched(
        repo, {"2026-04": 10.4, "2026-05": 9.0}, {"2026-04": 4.0, "2026-05": 4.0}, date(2026, 6, 2)
    )
    assert s.health == "sustained"


def test_before_a_period_after_closing_is_complete_the_outcome_stands(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    completed(repo, 3)
    # As of 20 April, April is not over: nothing watched; partially met reads missed.
    s = watched(repo, {"2026-04": 10.4}, {"2026-04": 4.0}, date(2026, 4, 20))
    assert s.health == "missed"
    assert s.sustain is not None and s.sustain.health is None


def test_after_the_periods_watched_the_last_verdict_stands(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    completed(repo, 2)
    # Watched: April and May. June's 12 h comes after the watch.
    months = {"2026-04": 8.8, "2026-05": 9.5, "2026-06": 12.0}
    s = watched(repo, months, {"2026-04": 4.0, "2026-05": 4.0, "2026-06": 4.0}, date(2026, 7, 2))
    assert s.health == "sustained"
    assert s.sustain is not None and s.sustain.complete
    assert s.sustain.kpis[0].watched[-1] == month("2026-05", 9.5)


def test_without_sustain_a_completed_entry_reads_its_outcome(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    completed(repo, 3)
    path = repo / ENTRY
    path.write_text(path.read_text().replace("sustain: {periods: 3}\n", ""))
    s = watched(repo, {"2026-04": 10.4}, {"2026-04": 4.0}, date(2026, 6, 2))
    assert (s.health, s.sustain) == ("missed", None)


def test_the_page_the_review_pack_and_the_status_json_say_it(
    register_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = register_dir()
    completed(repo, 3)
    watched(
        repo, {"2026-04": 8.8, "2026-05": 10.4}, {"2026-04": 4.0, "2026-05": 4.1}, date(2026, 6, 2)
    )
    result = validate_repository(repo, date(2026, 6, 2))
    pages = build_pages(result.register, result.status, {})
    page = pages["improvements/CSI-0001.md"]
    assert '!!! failure "Sustainment: slipped"' in page
    assert (
        "Watched for 3 periods after cycle 1 closed on 10 Apr 2026: slipped (2 of 3 so far)."
        in page
    )
    fell = "Mean time to resolve email incidents: fell back to 10.4 hours in May 2026, from 9 "
    fell += "hours in Mar 2026 at closure."
    assert fell in page
    review = pages["review.md"]
    section = review[review.index("## Decisions needed") :]
    section = section[: section.index("\n## ", 5)]
    question = "Completed, and a KPI fell back from the result since: a new cycle, or accept it?"
    assert f"**{question}**" in section
    row = section[section.index(question) :]
    assert "[CSI-0001 · Faster resolution of email incidents](improvements/CSI-0001.md)" in row
    assert "[Mean time to resolve email incidents](kpis/email-resolution-time.md)" in row
    assert "[Satisfaction with email support]" not in row  # it holds

    monkeypatch.chdir(repo)
    out = CliRunner().invoke(main, ["status", "--as-of", "2026-06-02", "--format", "json"])
    assert out.exit_code == 0, out.output
    entry = json.loads(out.output)["improvements"][0]
    assert entry["health"] == "slipped"
    assert entry["sustain"] == {
        "periods": 3,
        "cycle": 1,
        "closed": "2026-04-10",
        "health": "slipped",
        "complete": False,
        "kpis": [
            {
                "kpi": "email-resolution-time",
                "result": {"period": "2026-03", "value": 9.0},
                "watched": [
                    {"period": "2026-04", "value": 8.8},
                    {"period": "2026-05", "value": 10.4},
                ],
                "holds": False,
            },
            {
                "kpi": "email-satisfaction",
                "result": {"period": "2026-03", "value": 4.0},
                "watched": [
                    {"period": "2026-04", "value": 4.0},
                    {"period": "2026-05", "value": 4.1},
                ],
                "holds": True,
            },
        ],
    }
