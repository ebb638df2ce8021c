"""The value on the site, from the sample register as of 23 Nov 2026: the Benefits page
and the value cards are golden files (regenerate with ``pytest --update-goldens``
after reading them), the portfolio figures are worked out by hand, and the ROI has one name
on every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from csitools.publish.benefits import portfolio
from csitools.publish.pages import build_pages
from csitools.validation import Validation, validate_repository
from tests.conftest import REPO, Golden, copy_sample

AS_OF = date(2026, 11, 23)
CARDS = ("CSI-0001", "CSI-0002", "CSI-0008", "CSI-0014")
"""From the data (a KPI that rises, one that falls), recorded, and no benefit at all."""


@pytest.fixture(scope="module")
def sample() -> Validation:
    return validate_repository(REPO, AS_OF)


@pytest.fixture(scope="module")
def pages(sample: Validation) -> dict[str, str]:
    return build_pages(sample.register, sample.status, {})


def test_benefits_page_matches_golden(pages: dict[str, str], golden: Golden) -> None:
    golden.check("benefits-sample.md", pages["benefits.md"])


def test_value_cards_match_golden(pages: dict[str, str], golden: Golden) -> None:
    cards = []
    for id_ in CARDS:
        page = pages[f"improvements/{id_}.md"]
        card = page[page.index("## Benefits and cost") : page.index("## Dependencies")]
        cards.append(f"<!-- {id_} -->\n{card}")
    golden.check("value-cards-sample.md", "".join(cards))


def test_portfolio_figures(sample: Validation) -> None:
    """The committed entries: expected 16.75 + 3.0096 + 0.45 + 1.3 + 0.4 + 9.3 = 31.2096 M;
    realised 12.73 + 3.24984 + 0.377 = 16.35684 M; one-off 5.299 M; running 36,000. The
    first year costs 5.335 M: ROI (31.2096 − 5.335) / 5.335 = 4.8500 expected and
    (16.35684 − 5.335) / 5.335 = 2.0659 realised; payback 5.299 / ((31.2096 − 0.036) / 12)
    = 2.04 and 5.299 / ((16.35684 − 0.036) / 12) = 3.90 months."""
    v = portfolio(sample.register, sample.status)
    assert (v.expected_annual, v.realised_annual) == (31_209_600, 16_356_840)
    assert (v.one_off, v.running_annual) == (5_299_000, 36_000)
    assert (v.roi_expected, v.roi_realised) == (4.85, 2.0659)
    assert (v.payback_months_expected, v.payback_months_realised) == (2.04, 3.9)


def test_roi_has_one_name_on_every_page(pages: dict[str, str]) -> None:
    names = {m for page in pages.values() for m in re.findall(r"[\w-]*\s?ROI(?:, \w+)?", page)}
    assert names == {"First-year ROI", "First-year ROI, expected", "First-year ROI, realised"}


def test_a_card_says_in_words_why_there_is_no_payback(
    register_dir: Callable[..., Path],
) -> None:
    """Running 5,000 USD a month = 60,000 a year against 50,000 a year of benefit."""
    repo = register_dir()
    entry = repo / "register" / "CSI-0001-email-resolution.yaml"
    cost = "cost: {amount: 20000, currency: USD}\n"
    entry.write_text(
        entry.read_text().replace(cost, cost.replace("}", ", running: {amount: 5000, per: month}}"))
    )
    v = validate_repository(repo, date(2026, 5, 15))
    page = build_pages(v.register, v.status, {})["improvements/CSI-0001.md"]
    assert (
        '| First-year ROI | <span class="csi-figure">-38%</span> | '
        '<span class="csi-figure">—</span> |'
    ) in page
    assert "**Payback, expected:** no payback: the running cost is larger than the benefit.\n" in (
        page
    )
    assert (
        "**Cost:** 20,000 USD one-off and 5,000 USD a month running (60,000 USD a year)."
    ) in page


def test_a_service_named_by_id_counts_with_its_name(tmp_path: Path) -> None:
    """CSI-0008 names Knowledge Management by its catalogue id: one row, not two."""
    root = copy_sample(tmp_path / "repo")
    entry = root / "register" / "CSI-0008-knowledge-centred-service.yaml"
    text = entry.read_text()
    assert "services: [Service Desk, Knowledge Management]" in text
    entry.write_text(
        text.replace("Service Desk, Knowledge Management", "service-desk, Knowledge Management")
    )
    v = validate_repository(root, AS_OF)
    assert [p for p in v.problems if p.severity == "error"] == []
    page = build_pages(v.register, v.status, {})["benefits.md"]
    assert "| service-desk |" not in page
    assert re.search(r"\| Service Desk \| [^|]*CSI-0008", page)
