"""The pages of the service analysis: a page per service, the CSF tree, assessments and
SWOT, from the case register tests/cases/positive/service-analysis (the base register
with a catalogue, CSFs, two assessments of one model and a SWOT); golden Markdown,
reviewed when it changes (CSI_UPDATE_GOLDEN=1), and a real build."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from csitools.measure.series import Point
from csitools.measure.standing import standing
from csitools.measure.status import KpiStatus
from csitools.publish.charts.specs import chart_specs
from csitools.publish.pages import build_pages
from csitools.publish.servicepages import gap_words, with_analysis_nav
from csitools.validation import validate_repository
from tests.conftest import CASES, GOLDEN, materialise
from tests.test_site import article, build, make_site_repo, text

AS_OF = date(2026, 5, 15)
CASE = "positive/service-analysis"
GOLDEN_PAGES = {
    "services/service-desk.md": "analysis-service.md",
    "csfs.md": "analysis-csfs.md",
    "assessments/2026-04-13-itsm-maturity.md": "analysis-assessment.md",
    "swot/service-desk.md": "analysis-swot.md",
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = materialise(CASES / CASE, tmp_path_factory.mktemp("analysis") / "repo")
    v = validate_repository(root, AS_OF)
    assert [str(p) for p in v.problems] == []
    return build_pages(v.register, v.status, {})


@pytest.mark.parametrize("page", sorted(GOLDEN_PAGES))
def test_analysis_page_matches_golden(pages: dict[str, str], page: str) -> None:
    golden = GOLDEN / GOLDEN_PAGES[page]
    if os.environ.get("CSI_UPDATE_GOLDEN"):
        golden.write_text(pages[page], encoding="utf-8")
    assert pages[page] == golden.read_text(encoding="utf-8")


def test_a_page_for_each_service_and_each_analysis_file(pages: dict[str, str]) -> None:
    analysis = sorted(p for p in pages if p.startswith(("services/", "csfs", "assess", "swot")))
    assert analysis == [
        "assessments/2025-10-06-itsm-maturity.md",
        "assessments/2026-04-13-itsm-maturity.md",
        "assessments/index.md",
        "csfs.md",
        "services/email.md",
        "services/index.md",
        "services/service-desk.md",
        "swot/index.md",
        "swot/service-desk.md",
    ]


def test_service_page_judges_sla_and_scorecard(pages: dict[str, str]) -> None:
    page = pages["services/service-desk.md"]
    # E-mail resolution 8.8 h in 2026-04 against an SLA of 12 h: met, 3.2 h better.
    sla = "| 12 hours | 8.8 hours (2026-04) | 3.2 hours better | E-mail incidents, business hours |"
    assert sla in page
    assert 'csi-met--met" data-sort="1">met</span>' in page
    # Satisfaction 4 against the goal of 4: met exactly, and 0.1 short of the peer benchmark.
    assert "| Users rate e-mail support 4 or better |" in page
    assert "0.1 score (1-5) short of 4.1 score (1-5) (peer)" in page
    assert "| Costs reduced by at least 20% |  | not measured in the register | — | — |" in page
    assert "[CSI-0002 · Knowledge base for the service desk](../improvements/CSI-0002.md)" in page


def test_improvement_and_kpi_pages_link_the_catalogue(pages: dict[str, str]) -> None:
    imp = pages["improvements/CSI-0002.md"]
    assert "| Services | [Service Desk](../services/service-desk.md) |" in imp
    assert (
        "| Assessment | [Maturity assessment, 6 Oct 2025]"
        "(../assessments/2025-10-06-itsm-maturity.md) |" in imp
    )
    kpi = pages["kpis/email-satisfaction.md"]
    assert (
        "| Critical success factor | [Users are satisfied with support]"
        "(../csfs.md#csf-satisfied-users) |" in kpi
    )
    assert "| Services | [Email and Calendar](../services/email.md), [Service Desk]" in kpi
    assert "| Peer insurers survey | peer | 2025 | 4.1 score (1-5) | 0.1 score (1-5) short |" in kpi
    # The register table links services too; free text stays text without a catalogue.
    assert "[Service Desk](../services/service-desk.md)" in pages["register/index.md"]


def test_assessment_trend_and_vulnerable_processes(pages: dict[str, str]) -> None:
    page = pages["assessments/2026-04-13-itsm-maturity.md"]
    assert "| Knowledge management | 1 | 2 | up 1 |" in page
    assert "| Problem management | — | 1 | — |" in page
    weak = "**Vulnerable:** Knowledge management (importance 4, level 2), Problem management"
    assert weak in page
    first = pages["assessments/2025-10-06-itsm-maturity.md"]
    assert "[CSI-0002 · Knowledge base for the service desk](../improvements/CSI-0002.md)" in first


def test_swot_lists_items_without_improvements_as_open(pages: dict[str, str]) -> None:
    page = pages["swot/service-desk.md"]
    open_part = page[page.index("## Open opportunities") :]
    assert "| Agents know the users well | Strengths | — |" in open_part
    assert "| Users would solve simple problems themselves | Opportunities | social |" in open_part
    assert "Answers are spread" not in open_part


def test_no_analysis_files_no_analysis_pages(tmp_path: Path) -> None:
    root = materialise(None, tmp_path / "repo")
    v = validate_repository(root, AS_OF)
    pages = build_pages(v.register, v.status, {})
    assert not [p for p in pages if p.startswith(("services/", "csfs", "assess", "swot"))]
    assert "| Services | Service Desk |" in pages["improvements/CSI-0001.md"]


def test_standing_follows_the_kpi_direction() -> None:
    from csitools.register.model import Kpi

    def kpi(direction: str, unit: str = "%") -> Kpi:
        return Kpi("k", "K", unit, direction, "service", "lagging", "customer", "o", "monthly",
                   None, {}, "kpis/k.yaml")  # type: ignore[arg-type]  # fmt: skip

    def ks(value: float | None) -> KpiStatus:
        latest = Point("2026-04", date(2026, 4, 1), date(2026, 5, 1), value) if value else None
        return KpiStatus("k", latest, False, False, None)

    up, down = kpi("increase"), kpi("decrease", "hours")
    assert standing(up, ks(99.99), 99.99).met is True  # no float noise: met exactly
    assert standing(up, ks(72.6), 85).gap == -12.4
    assert standing(down, ks(8.8), 12).gap == 3.2
    assert standing(down, ks(15.37), 12).met is False
    assert standing(up, ks(None), 85).met is None
    assert gap_words(up, standing(up, ks(72.6), 85), versus=True) == "12.4 points short of 85 &#37;"
    assert gap_words(down, standing(down, ks(8.8), 12)) == "3.2 hours better"
    assert gap_words(up, standing(up, ks(85.0), 85), versus=True) == "at 85 &#37;"


def test_navigation_gains_the_sections_after_the_scorecard() -> None:
    nav = [{"Home": "index.md"}, {"Balanced scorecard": "scorecard.md"}, {"People": "people.md"}]
    pages = {"services/index.md": "", "swot/index.md": ""}
    assert with_analysis_nav(nav, pages) == [
        {"Home": "index.md"},
        {"Balanced scorecard": "scorecard.md"},
        {"Services": "services/index.md"},
        {"SWOT": "swot/index.md"},
        {"People": "people.md"},
    ]
    named = [*nav, {"Analysis": [{"Our services": "services/index.md"}]}]
    assert with_analysis_nav(named, {"services/index.md": ""}) == named  # placed by the user
    assert with_analysis_nav([{"Home": "index.md"}], pages)[1:] == [
        {"Services": "services/index.md"},
        {"SWOT": "swot/index.md"},
    ]
    assert with_analysis_nav(None, pages) is None
    assert with_analysis_nav(nav, {}) is nav


def test_benchmarks_are_drawn_on_kpi_and_improvement_charts(tmp_path: Path) -> None:
    root = materialise(CASES / CASE, tmp_path / "repo")
    v = validate_repository(root, AS_OF)
    specs = {s.name: s for s in chart_specs(v.register, v.series, v.status, AS_OF)}
    kpi = specs["kpi-email-satisfaction"]
    lines = [(line.label, line.value, line.style) for line in kpi.panels[0].lines]
    assert ("Benchmark 4.1 score (1-5): Peer insurers survey", 4.1, "benchmark") in lines
    assert kpi.alt.endswith("; benchmark 4.1 score (1-5) (Peer insurers survey).")
    panel = next(p for p in specs["improvement-CSI-0001"].panels if p.title.startswith("Sat"))
    assert any(line.style == "benchmark" and line.value == 4.1 for line in panel.lines)
    assert "benchmark 4.1 score (1-5) (Peer insurers survey)." in specs["improvement-CSI-0001"].alt


@pytest.mark.slow
def test_built_site_has_the_sections_in_its_navigation_and_their_styles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo", CASE)
    services = root / "register" / "services.yaml"
    services.write_text(
        services.read_text().replace(
            "kind: supporting",
            "kind: supporting\n"
            '    description: "<script>alert(1)</script> [x](javascript:alert(1))"',
        )
    )
    build(root, monkeypatch)
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    nav = re.findall(r'<a href="([^"#]+)" class="md-nav__link', home)
    at = nav.index("scorecard/")
    assert nav[at + 1 : at + 5] == ["services/", "csfs/", "assessments/", "swot/"]
    assert 'href="assets/csi/analysis.css"' in home
    email = article(root, "services/email/index.html")
    assert "<script" not in email and 'href="javascript' not in email
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <a>x</a>" in email
    tree = text(article(root, "csfs/index.html"))
    assert "Resolve incidents quickly" in tree and "Users are satisfied with support" in tree
