"""The published register, end to end: a register in tmp_path, a real `mkdocs build`
through the plugin, assertions on the HTML of each page kind."""

from __future__ import annotations

import filecmp
import html
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from csitools.site import cell, disarm_links, safe_md
from tests.conftest import GOLDEN, REPO, materialise

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
    assert output.startswith("built ")
    return root


def test_every_page_kind_is_built(built: Path) -> None:
    for page in [
        "index.html",
        "register/index.html",
        "improvements/CSI-0001/index.html",
        "improvements/CSI-0002/index.html",
        "kpis/index.html",
        "kpis/email-resolution-time/index.html",
        "scorecard/index.html",
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


def test_home_counts_and_attention(built: Path) -> None:
    home = text(article(built, "index.html"))
    assert "computed from the metric data as of 15 May 2026" in home
    assert "in-progress 1" in home and "proposed 1" in home
    assert "on-track 1" in home
    assert "Quick wins" in home and "CSI-0002 · Knowledge base for the service desk" in home


def test_register_table_lists_every_improvement(built: Path) -> None:
    page = article(built, "register/index.html")
    assert 'class="csi-sortable"' in page
    rows = re.findall(r"<tr>\s*<td><a href=\"../improvements/(CSI-\d{4})/\">", page)
    assert rows == ["CSI-0001", "CSI-0002"]


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
    assert "Did we get there? partially-met (the data say partially-met" in words
    assert 'src="../../charts/improvement-CSI-0001.svg"' in page
    assert 'href="https://github.com/example/register/edit/main/register/CSI-0001' in page


def test_kpi_scorecard_people_review_pages(built: Path) -> None:
    kpi = text(article(built, "kpis/email-resolution-time/index.html"))
    assert "Agreed baseline 16 hours in 2025-12" in kpi
    assert "CSI-0001 · Faster resolution of email incidents 1 8 2026-03-31 closed" in kpi
    score = text(article(built, "scorecard/index.html"))
    assert score.index("Customer") < score.index("Satisfaction with email support")
    people = text(article(built, "people/index.html"))
    assert "Carol Osei" in people and "Set vision and targets A" in people
    review = text(article(built, "review/index.html"))
    assert "Targets at risk, missed or regressed" in review


def test_improvement_markdown_matches_golden(tmp_path: Path) -> None:
    """The generated Markdown of one improvement page, reviewed when it changes."""
    from datetime import date

    from csitools.pipeline import validate_repository
    from csitools.site import Chart, build_pages

    root = materialise(None, tmp_path / "repo")
    v = validate_repository(root, date.fromisoformat(AS_OF))
    charts = {"improvement-CSI-0001": Chart("charts/improvement-CSI-0001.svg", "A chart.")}
    page = build_pages(v.register, v.status, charts)["improvements/CSI-0001.md"]
    golden = GOLDEN / "improvement-CSI-0001.md"
    if os.environ.get("CSI_UPDATE_GOLDEN"):
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")


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


def test_page_cache_reuses_unchanged_pages_and_redoes_changed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo")
    build(root, monkeypatch)
    pages = root / ".cache" / "csi" / "pages"
    entries = sorted(pages.glob("*.json"))
    # Mark every cached page: a rebuild that reuses a page publishes the mark.
    for entry in entries:
        text_ = entry.read_text(encoding="utf-8").replace('"html": "', '"html": "CACHED-PAGE ', 1)
        entry.write_text(text_, encoding="utf-8")
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
    )


def test_script_payloads_never_reach_the_page_as_markup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo")
    (root / "register" / "CSI-0003-payload.yaml").write_text(payload_entry())
    build(root, monkeypatch)
    for page in ["improvements/CSI-0003/index.html", "register/index.html", "people/index.html"]:
        body = article(root, page)
        assert "<script" not in body.lower(), page
        assert not re.search(r"<[^>]+\son\w+\s*=", body), page
        assert "javascript:" not in body.replace("&amp;", "&").lower(), page
        assert "<b " not in body, page
    body = article(root, "improvements/CSI-0003/index.html")
    assert "&lt;script&gt;alert('s')&lt;/script&gt;" in body  # shown as text
    assert 'href="#unsafe-link"' in body


def test_safe_text_helpers() -> None:
    assert safe_md("<b>x</b> & {: .x }") == "&lt;b&gt;x&lt;/b&gt; &amp; &#123;: .x &#125;"
    assert cell('a|b "c"\n_d_') == "a&#124;b &quot;c&quot; &#95;d&#95;"
    assert disarm_links('<a href="java&#x09;script:x">') == '<a href="#unsafe-link">'
    assert disarm_links('<a href="https://x.org/">') == '<a href="https://x.org/">'
    assert disarm_links('<a href="&amp;#106;avascript:x">') == '<a href="#unsafe-link">'


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
    server = subprocess.Popen(
        [*cmd, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
    finally:
        server.terminate()
        server.wait(timeout=10)


def git(root: Path, *args: str, author: str = "Alice Moreau", when: str = "2026-01-05") -> None:
    import subprocess

    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "a@example.org",
        "GIT_AUTHOR_DATE": f"{when}T10:00:00+00:00",
        "GIT_COMMITTER_DATE": f"{when}T10:00:00+00:00",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


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
    git(root, "commit", "-qam", "Relax the cycle 2 target", author="Bob Janssen", when="2026-04-20")
    build(root, monkeypatch)
    page = text(article(root, "improvements/CSI-0001/index.html"))
    assert "History Status: in-progress 2026-01-05" in page
    assert (
        "2026-04-20 cycles[1].targets[email-resolution-time].value 6 → 7"
        in page.replace("&#95;", "_")
        or "changed after approval" in page
    )
    assert "changed after approval Bob Janssen" in page
    log = text(article(root, "changelog/index.html"))
    assert log.index("2026-04") < log.index("2026-01")
    assert "Bob Janssen" in log and "Alice Moreau" in log


def test_history_unavailable_says_why(built: Path) -> None:
    page = text(article(built, "improvements/CSI-0001/index.html"))
    assert "History is not available: " in page
    log = text(article(built, "changelog/index.html"))
    assert "History is not available" in log
