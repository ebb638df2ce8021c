"""The published register, end to end: a register in tmp_path, a real `mkdocs build`
through the plugin, assertions on the HTML of each page kind."""

from __future__ import annotations

import filecmp
import html
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from tests.conftest import REPO, Golden, git, materialise

AS_OF = "2026-05-15"


def make_site_repo(dest: Path, case: str | None = None) -> Path:
    """The base register plus the sample's mkdocs.yml and hand-written pages."""
    root = materialise(Path(__file__).parent / "cases" / case if case else None, dest)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_config" / "docs", root / "site_config" / "docs")
    (root / "site_config" / "overrides").mkdir(exist_ok=True)
    return root


def build(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    result = CliRunner().invoke(main, ["build", "--as-of", AS_OF, *args])
    assert result.exit_code == 0, result.output
    return result.output


def article(root: Path, page: str) -> str:
    html = (root / "site" / page).read_text(encoding="utf-8")
    start, end = html.index("<article"), html.index("</article>")
    return html[start:end]


def text(fragment: str) -> str:
    """The words a reader sees: tags dropped, entities decoded, permalinks removed."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("¶", " ")
    return " ".join(words.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site_repo(tmp_path_factory.mktemp("site") / "repo")
    with pytest.MonkeyPatch.context() as mp:
        output = build(root, mp)
    assert output.startswith("Built ")
    return root


@pytest.mark.slow
def test_every_page_kind_is_built(built: Path) -> None:
    for page in [
        "index.html",
        "register/index.html",
        "improvements/CSI-0001/index.html",
        "improvements/CSI-0002/index.html",
        "kpis/index.html",
        "kpis/email-resolution-time/index.html",
        "scorecard/index.html",
        "benefits/index.html",
        "people/index.html",
        "review/index.html",
        "contributing/index.html",
        "glossary/index.html",
        "charts/improvement-CSI-0001.svg",
        "charts/kpi-email-resolution-time.svg",
        "assets/csi/csi.css",
        "assets/csi/csi.js",
    ]:
        assert (built / "site" / page).is_file(), page


@pytest.mark.slow
def test_home_counts_and_attention(built: Path) -> None:
    home = text(article(built, "index.html"))
    assert "computed from the metric data as of 15 May 2026" in home
    assert "in-progress 1" in home and "proposed 1" in home
    assert "on-track 1" in home
    assert "Quick wins" in home and "CSI-0002 · Knowledge base for the service desk" in home
    # The headline figures of the committed improvements, and where the detail is.
    assert (
        "Value A year, as of 15 May 2026 Expected Realised Benefit 50,000 USD — First-year ROI "
        "150% — Payback 4.8 months — Approved, in-progress, measuring and completed "
        "improvements: 20,000 USD one-off, — a year running cost."
    ) in home
    assert '<a href="benefits/">Benefits</a>' in article(built, "index.html")


def test_benefits_page(built: Path) -> None:
    page = article(built, "benefits/index.html")
    words = text(page)
    assert (
        "CSI-0001 · Faster resolution of email incidents in-progress 50,000 — — 150% — 4.8 months —"
    ) in words
    assert 'No financial benefit stated: <a href="../improvements/CSI-0002/">CSI-0002</a>.' in page
    # Amounts sort by their value, not by the digits before "M".
    assert '<span data-sort="50000.00">50,000</span>' in page
    assert "Service Desk CSI-0001 50,000 — 20,000 —" in words


@pytest.mark.slow
def test_register_table_lists_every_improvement(built: Path) -> None:
    page = article(built, "register/index.html")
    assert 'class="csi-sortable csi-filterable"' in page
    rows = re.findall(r"<tr>\s*<td><a href=\"../improvements/(CSI-\d{4})/\">", page)
    assert rows == ["CSI-0001", "CSI-0002"]


@pytest.mark.slow
def test_improvement_page(built: Path) -> None:
    page = article(built, "improvements/CSI-0001/index.html")
    words = text(page)
    assert (
        "Mean time to resolve email incidents: 8.8 hours in 2026-04 against a target of "
        "6 hours due 31 Dec 2026, from a baseline of 9 hours; progress 7% with 13% of "
        "the time gone" in words
    )
    # RACI matrix: activities x people, R/A/C/I, people linked to their page.
    assert '<a href="../../people/#carol">Carol Osei</a>' in page
    assert "Set vision and targets R A C I" in words
    # The seven questions of each cycle, newest first.
    assert words.index("Cycle 2 · 10 Apr 2026 → open") < words.index("Cycle 1 · 10 Jan 2026")
    assert (
        "Did we get there? partially-met (the data say partially-met; Mean time to resolve "
        "email incidents 9 hours, progress 88%; Satisfaction with email support 4 score (1-5)"
    ) in words
    assert '<a href="../../kpis/email-satisfaction/">Satisfaction with email support</a> 4' in page
    # The chart opens at full size.
    assert re.search(
        r'<a href="../../charts/improvement-CSI-0001.svg"[^>]*>\s*<img alt="[^"]+" '
        r'loading="lazy" src="../../charts/improvement-CSI-0001.svg"',
        page,
    )
    assert 'href="https://github.com/example/register/edit/main/register/CSI-0001' in page
    # Plain words for where the baseline came from, and the value card: 50,000 USD a year
    # against 20,000 USD one-off, (50,000 − 20,000) / 20,000 = 150%, 20,000 / (50,000 / 12)
    # = 4.8 months; nothing realised yet, said in words.
    assert "9 (from cycle 1)" in words
    assert (
        "As of 15 May 2026 Expected Realised Benefit a year 50,000 USD — First-year ROI 150% — "
        "Payback 4.8 months — Expected: 50,000 USD a year, as the entry states. Realised: not "
        "worked out: nothing recorded as realised; no per-unit value to derive it from the "
        "data. Cost: 20,000 USD one-off; no running cost stated."
    ) in words
    # The RACI matrix is wrapped for its compact style.
    assert re.search(r'<div class="csi-raci">\s*<table[^>]*>\s*<thead>\s*<tr>\s*<th>Activity', page)
    # Dependencies are a list, not a paragraph that swallows it.
    assert re.search(
        r"<h2 id=\"dependencies-and-related-records\">.*?</h2>\s*<ul>\s*<li>Depends on: "
        r'<a href="../CSI-0002/">CSI-0002 · Knowledge base for the service desk</a></li>',
        page,
    )
    # Health badges carry the key the register table sorts them by (worst first).
    assert 'csi-health--on-track" data-sort="5">on-track<' in page


@pytest.mark.slow
def test_kpi_scorecard_people_review_pages(built: Path) -> None:
    kpi = text(article(built, "kpis/email-resolution-time/index.html"))
    assert "Agreed baseline 16 hours in 2025-12" in kpi
    # A closed cycle shows its outcome, the open one its health.
    assert "Target By Health or outcome" in kpi
    assert "CSI-0001 · Faster resolution of email incidents 1 8 31 Mar 2026 partially-met" in kpi
    assert "CSI-0001 · Faster resolution of email incidents 2 6 31 Dec 2026 on-track" in kpi
    # Latest value with its unit; the period 2026-04 ended on its last day, not on 1 May.
    assert "Latest value 8.8 hours in 2026-04" in kpi
    assert "Data freshness period ended 30 Apr 2026; reviewed monthly" in kpi
    assert "Action threshold 20 hours" in kpi
    score = text(article(built, "scorecard/index.html"))
    assert score.index("Customer") < score.index("Satisfaction with email support")
    assert "Satisfaction with email support 3.2 score (1-5) 4 score (1-5) (2026-04)" in score
    people = text(article(built, "people/index.html"))
    assert "Carol Osei" in people and "A: Set vision and targets" in people
    review = text(article(built, "review/index.html"))
    assert "Targets at risk, missed or regressed" in review


@pytest.mark.slow
def test_register_and_home_leave_room_and_navigation(built: Path) -> None:
    register = (built / "site" / "register" / "index.html").read_text(encoding="utf-8")
    # No table of contents beside the nine-column table; the navigation stays.
    assert re.search(
        r'<div class="md-sidebar md-sidebar--secondary"[^>]*data-md-type="toc" hidden>', register
    )
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(
        r'<div class="md-sidebar md-sidebar--primary"[^>]*data-md-type="navigation" >', home
    )
    assert '<a href="register/" class="md-nav__link">' in home
    page = article(built, "register/index.html")
    assert 'class="csi-badge csi-status csi-status--in-progress" data-sort="2"' in page
    assert 'class="csi-badge csi-health csi-health--not-measured" data-sort=""' in page
    assert '<span data-sort="00">short / small</span>' in page  # not alphabetical


@pytest.mark.slow
def test_people_page_lists_and_mail_links(built: Path) -> None:
    page = article(built, "people/index.html")
    bob = page[page.index('id="bob"') : page.index('id="carol"')]
    assert '<p>Service desk lead · <a href="mailto:bob@example.org">bob@example.org</a></p>' in bob
    # Each entry with its status, health and the person's part, the owner's first.
    assert re.search(
        r"<td><a href=\"../improvements/CSI-0001/\">CSI-0001 · Faster resolution of email "
        r"incidents</a></td>\s*<td><span class=\"csi-badge csi-status[^>]*>in-progress</span>"
        r"</td>\s*<td><span class=\"csi-badge csi-health[^>]*>on-track</span></td>\s*"
        r"<td>owner",
        bob,
    )
    dave = page[page.index('id="dave"') :]
    assert re.search(
        r"<p>KPIs owned: <a href=\"../kpis/email-resolution-time/\">"
        r"Mean time to resolve email incidents</a>, ",
        dave,
    )


@pytest.mark.slow
def test_glossary_defines_terms_and_states_the_health_rules(built: Path) -> None:
    page = article(built, "glossary/index.html")
    assert "<dl>" in page and "<dt>Not measured</dt>" in page  # def_list is enabled
    words = text(page)
    assert "README" not in words
    assert '<a href="#health-rules">the health rules</a>' in page
    assert "regressed before the due date, p < 0: worse than the baseline" in words
    assert "missed the due date has passed and p < 1 in the period judged" in words
    assert "first-year ROI" in words


def test_reason_says_when_the_forecast_comes_after_the_due_date() -> None:
    from datetime import date

    from csitools.measure.status import TargetStatus
    from csitools.publish.fragments import forecast_note
    from csitools.publish.words import reason

    t = TargetStatus(
        kpi="k", cycle=1, baseline=10, baseline_from="kpi", target=20, due=date(2026, 12, 31),
        current=15, current_period="2026-10", progress=0.5, elapsed=0.8, health="on-track",
        forecast="2027-01-03", flags=(),
    )  # fmt: skip
    assert reason(t, None).endswith(
        "; the trend reaches the target around 3 Jan 2027, after the due date."
    )
    assert forecast_note(t) == "3 Jan 2027, after the due date"
    early = replace(t, forecast="2026-12-30")
    assert reason(early, None).endswith("; the trend reaches the target around 30 Dec 2026.")
    assert forecast_note(early) == "30 Dec 2026"
    assert reason(early, None, as_of=date(2026, 12, 30)).endswith(
        "; the trend reaches the target around 30 Dec 2026 (already gone by: the period "
        "after 2026-10 should show it)."
    )
    assert reason(early, None, as_of=date(2026, 12, 29)).endswith("around 30 Dec 2026.")
    assert reason(replace(t, forecast="not converging"), None).endswith(
        "; the trend is not converging on the target."
    )


RICH_LINKS = """links:
  problems: [PRB0040298]
  documents:
    - KB0010400
    - https://intranet.example.org/csi/case(v2).pdf?a=1&b=2
    - https://x.org/a b
"""


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base register with related records, and satisfaction falling while the
    resolution time it is in tension with improves."""
    root = make_site_repo(tmp_path_factory.mktemp("rich") / "repo")
    entry = root / "register" / "CSI-0001-email-resolution.yaml"
    entry.write_text(entry.read_text().replace("raci:\n", RICH_LINKS + "raci:\n", 1))
    data = root / "kpis" / "data" / "email-satisfaction.csv"
    data.write_text(data.read_text().replace("2026-04,4.0", "2026-04,2.5"))
    with pytest.MonkeyPatch.context() as mp:
        build(root, mp)
    return root


@pytest.mark.slow
def test_related_records_are_a_list_with_links(rich: Path) -> None:
    page = article(rich, "improvements/CSI-0001/index.html")
    section = page[page.index('id="dependencies-and-related-records"') :]
    assert re.search(r"</h2>\s*<ul>\s*<li>Depends on: <a ", section)
    assert "<li>Problems: PRB0040298</li>" in section
    # An https URL becomes a link, its parentheses encoded; one with a space stays text.
    assert (
        '<li>Documents: KB0010400, <a href="https://intranet.example.org/csi/case%28v2%29.pdf'
        '?a=1&amp;b=2">https://intranet.example.org/csi/case(v2).pdf?a=1&amp;b=2</a>, '
        "https://x.org/a b</li>"
    ) in section


@pytest.mark.slow
def test_tension_is_explained_and_reviewed(rich: Path) -> None:
    page = article(rich, "improvements/CSI-0001/index.html")
    assert '<a href="../../kpis/email-satisfaction/">Satisfaction with email support</a>' in page
    explained = (
        "Tension: Mean time to resolve email incidents improved while Satisfaction with email "
        "support , which pulls against it, got worse than its agreed baseline of 3.2 score (1-5): "
        "2.5 score (1-5) in 2026-04."
    )
    assert explained in text(page)
    home = text(article(rich, "index.html"))
    assert (
        "tension ( Satisfaction with email support worse: 3.2 score (1-5) → 2.5 score (1-5))"
    ) in home
    review = article(rich, "review/index.html")
    tension = text(review[review.index('id="improvements-in-tension-with-another-kpi"') :])
    assert (
        "CSI-0001 · Faster resolution of email incidents Bob Janssen Mean time to resolve email "
        "incidents "
        "Satisfaction with email support 3.2 score (1-5) 2.5 score (1-5) (2026-04)"
    ) in tension
    assert '<a href="../kpis/email-resolution-time/">Mean time to resolve email incidents</a>' in (
        review
    )


def test_improvement_markdown_matches_golden(tmp_path: Path, golden: Golden) -> None:
    """The generated Markdown of one improvement page, reviewed when it changes."""
    from datetime import date

    from csitools.publish.pages import Chart, build_pages
    from csitools.validation import validate_repository

    root = materialise(None, tmp_path / "repo")
    v = validate_repository(root, date.fromisoformat(AS_OF))
    charts = {"improvement-CSI-0001": Chart("charts/improvement-CSI-0001.svg", "A chart.")}
    page = build_pages(v.register, v.status, charts)["improvements/CSI-0001.md"]
    golden.check("improvement-CSI-0001.md", page)


@pytest.mark.slow
@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_two_builds_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    root = make_site_repo(tmp_path / "repo")
    build(root, monkeypatch)
    shutil.move(root / "site", tmp_path / "first")
    if cache == "cold":
        shutil.rmtree(root / ".cache")  # the second build renders charts and pages afresh
    else:
        assert any((root / ".cache" / "csi" / "pages").glob("*.json"))
    build(root, monkeypatch)
    first, second = tmp_path / "first", root / "site"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(first, second, files, shallow=False)
    assert (mismatch, errors) == ([], [])


def mark_cached_pages(root: Path) -> None:
    """Put CACHED-PAGE into every cached page's HTML, signed again as csi signs: a
    rebuild that reuses a page publishes the mark."""
    from csitools.publish.cachetrust import checkout_signer

    signer = checkout_signer(root)
    assert signer is not None
    for entry in (root / ".cache" / "csi" / "pages").glob("*.json"):
        _, body = entry.read_bytes().split(b"\n", 1)
        body = body.replace(b'"html": "', b'"html": "CACHED-PAGE ', 1)
        entry.write_bytes(signer.sign(entry.stem, body).encode() + b"\n" + body)


@pytest.mark.slow
def test_page_cache_reuses_unchanged_pages_and_redoes_changed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo")
    build(root, monkeypatch)
    pages = root / ".cache" / "csi" / "pages"
    entries = sorted(pages.glob("*.json"))
    mark_cached_pages(root)  # a rebuild that reuses a page publishes the mark
    source = root / "register" / "CSI-0002-knowledge-base.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1),
        encoding="utf-8",
    )
    build(root, monkeypatch)
    changed = (root / "site" / "improvements" / "CSI-0002" / "index.html").read_text("utf-8")
    assert "CACHED-PAGE" not in changed and "Renamed" in changed
    kpi_pages = list((root / "site" / "kpis").glob("*/index.html"))
    assert kpi_pages and all("CACHED-PAGE" in p.read_text("utf-8") for p in kpi_pages)
    # The register table names the new title, so it is converted again too.
    assert "CACHED-PAGE" not in (root / "site" / "register" / "index.html").read_text("utf-8")
    # Entries for pages that changed are replaced, not accumulated.
    assert len(list(pages.glob("*.json"))) == len(entries)


@pytest.mark.slow
def test_a_change_to_the_code_that_converts_pages_converts_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csitools.publish import plugin

    root = make_site_repo(tmp_path / "repo")
    build(root, monkeypatch)
    mark_cached_pages(root)
    monkeypatch.setattr(plugin, "CODE_KEY", "another version of site.py")
    build(root, monkeypatch)
    assert not any("CACHED-PAGE" in p.read_text("utf-8") for p in (root / "site").rglob("*.html"))


PAYLOADS = {
    "title": 'Evil <script>alert("t")</script> title',
    "summary": (
        "<script>alert('s')</script>\n\n<img src=x onerror=alert('i')>\n\n"
        "[click](javascript:alert('l')) [tab](java\tscript:alert(1)) "
        "[ent](&#106;avascript:alert(2)) {: onclick=alert(3) }\n"
    ),
}


def payload_entry() -> str:
    summary = "\n".join("  " + line for line in PAYLOADS["summary"].splitlines())
    return (
        "id: CSI-0003\n"
        f"title: '{PAYLOADS['title']}'\n"
        f"summary: |\n{summary}\n"
        "source: other\nraised_by: alice\nraised_on: 2026-01-01\nowner: bob\n"
        "status: proposed\nterm: short\nsize: small\n"
        "priority: {impact: 1, urgency: 1, effort: 1, risk: 1}\n"
        "raci:\n  - activity: '<b onmouseover=alert(4)>x</b>'\n"
        "    responsible: [bob]\n    accountable: carol\n"
        "links:\n  documents: ['https://x.org/\"><script>alert(6)</script>',"
        " 'https://x.org/)\"onmouseover=alert(7)//', 'javascript&#58;alert(8)']\n"
    )


@pytest.mark.slow
def test_script_payloads_never_reach_the_page_as_markup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo")
    (root / "register" / "CSI-0003-payload.yaml").write_text(payload_entry())
    people = root / "register" / "people.yaml"
    people.write_text(
        people.read_text().replace("dave@example.org", 'd"><script>alert(9)</script>@x.org')
    )
    build(root, monkeypatch)
    for page in ["improvements/CSI-0003/index.html", "register/index.html", "people/index.html"]:
        body = article(root, page)
        assert "<script" not in body.lower(), page
        assert not re.search(r"<[^>]+\son\w+\s*=", body), page
        assert "javascript:" not in body.replace("&amp;", "&").lower(), page
        assert "<b " not in body, page
    body = article(root, "improvements/CSI-0003/index.html")
    assert "&lt;script&gt;alert('s')&lt;/script&gt;" in body  # shown as text
    assert "<a>click</a>" in body  # the javascript: target is gone, the text stays
    # Related-record URLs and e-mail addresses become links with every quote and
    # bracket percent-encoded; anything that is not an https URL stays text.
    assert '<a href="https://x.org/%22%3E%3Cscript%3Ealert%286%29%3C/script%3E">' in body
    assert '<a href="https://x.org/%29%22onmouseover=alert%287%29//">' in body
    assert "javascript&amp;#58;alert(8)" in body
    people = article(root, "people/index.html")
    assert '<a href="mailto:d%22%3E%3Cscript%3Ealert%289%29%3C%2Fscript%3E@x.org">' in people


def test_build_refuses_an_invalid_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, register_dir: Callable[..., Path]
) -> None:
    root = make_site_repo(tmp_path / "repo", "negative/unknown-person-owner")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", "--as-of", AS_OF])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: the register has problems; fix them, then build again"
    )
    assert not (root / "site").exists()


@pytest.mark.slow
def test_serve_rebuilds_when_an_entry_changes(tmp_path: Path) -> None:
    """`csi serve` watches register/: edit a title, the served page follows."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    root = make_site_repo(tmp_path / "repo")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "csitools.cli", "serve", "--as-of", AS_OF]
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [*cmd, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    url = f"http://127.0.0.1:{port}/improvements/CSI-0002/"

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def wait_for(text: str) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if text in fetch():
                return True
            time.sleep(0.3)
        return False

    try:
        assert wait_for("Knowledge base for the service desk")
        entry = root / "register" / "CSI-0002-knowledge-base.yaml"
        entry.write_text(entry.read_text().replace("Knowledge base for", "One knowledge base for"))
        assert wait_for("One knowledge base for the service desk")
        # MkDocs' messages reach the terminal: where it serves, and each rebuild.
        said = log.read_text()
        assert f"Serving on http://127.0.0.1:{port}/" in said
        assert "Detected file changes" in said
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_history_section_and_changelog_from_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Add the register")
    entry = root / "register" / "CSI-0001-email-resolution.yaml"
    entry.write_text(
        entry.read_text().replace("value: 6, by: 2026-12-31", "value: 7, by: 2026-12-31")
    )
    git(
        root,
        "commit",
        "-qam",
        "Relax the cycle 2 target",
        who="bob",
        when="2026-04-20T10:00:00+00:00",
    )
    build(root, monkeypatch)
    page = text(article(root, "improvements/CSI-0001/index.html"))
    sha = git(root, "rev-parse", "--short", "HEAD").strip()
    # In words, with the commit's message as the reason and who made it.
    assert "History Status: in-progress 5 Jan 2026 Date What changed" in page
    assert (
        "20 Apr 2026 Target for Mean time to resolve email incidents in cycle 2: 6 → 7 hours, "
        f"after approval Relax the cycle 2 target {sha} by Bob Janssen "
        "5 Jan 2026 Created as in-progress Add the register"
    ) in page
    assert "cycles[" not in page
    log = text(article(root, "changelog/index.html"))
    assert log.index("April 2026") < log.index("January 2026")
    assert "Bob Janssen" in log and "Alice Moreau" in log
    # KPIs are named by name, improvements by id and title.
    changes = article(root, "changelog/index.html")
    assert '<a href="../kpis/email-satisfaction/">Satisfaction with email support</a>' in changes
    title = "CSI-0001 · Faster resolution of email incidents"
    assert f'<a href="../improvements/CSI-0001/">{title}</a>' in changes


@pytest.mark.slow
def test_history_unavailable_says_why(built: Path) -> None:
    page = text(article(built, "improvements/CSI-0001/index.html"))
    assert "History is not available: " in page
    log = text(article(built, "changelog/index.html"))
    assert "History is not available" in log
