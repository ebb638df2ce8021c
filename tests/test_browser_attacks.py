"""Hostile input against the published site, in real Chromium: every payload would set
document.title to a "pwned-…" marker if it ran. Each class is tried in several
spellings (YAML's \\x3c and \\u003c escapes, a trailing backslash, HTML entities,
javascript: however spelt) and fields (an improvement's title and summary, a RACI
activity, a KPI's name and unit, a person's name, the settings' title, organisation
and branch, mkdocs.yml's site_name, csi init --title, git's author and change
summaries, a cache planted in .cache/). The tests assert that no script runs and
that each text is shown as the text it is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from csitools.cli import main
from csitools.publish.cachetrust import Signer
from csitools.publish.markdown import plain
from tests.conftest import REPO, materialise
from tests.test_browser import CHROMIUM, FLAGS, served

playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium"),
]

AS_OF = "2026-05-15"

# Each title as YAML writes it: the loader decodes the escapes before csi sees it.
TITLES = {
    "CSI-0003": r'''"T1 \x3cimg src=x onerror=\"document.title='pwned-t1'\"\x3e"''',
    "CSI-0004": r'''"T2 \u003cscript\u003edocument.title='pwned-t2'\u003c/script\u003e"''',
    "CSI-0005": r"""'T3 <img src=x onerror=document.title=`pwned-t3`> ends in a backslash\'""",
    "CSI-0006": r"""'T4 &lt;img src=x onerror=document.title=&quot;pwned-t4&quot;&gt; &amp;'""",
    "CSI-0007": r"""'T5 x](javascript:document.title=`pwned-t5`) [y'""",
}
SUMMARY = """\
[j1](javascript:document.title='pwned-j1')
[j2](JaVaScRiPt:document.title='pwned-j2')
[j3](java&#x09;script:document.title='pwned-j3')
[j4](&#106;avascript:document.title='pwned-j4')
[j5]( javascript:document.title='pwned-j5')
[j6][ref] <javascript:document.title='pwned-j7'>
[j8](data:text/html,<script>document.title='pwned-j8'</script>)
![i9](https://x.invalid/x.png){: onerror="document.title='pwned-i9'" }
{: onclick="document.title='pwned-a10'" }

<script>document.title='pwned-s11'</script>

[ref]: javascript:document.title='pwned-j6'
"""
ACTIVITY = "'<b onmouseover=document.title=`pwned-r1`>R1</b>'"
KPI_NAME = (
    r'''"Cost & quality \"per\" <call> \x3cimg src=x onerror=\"document.title='pwned-k1'\"\x3e"'''
)
KPI_UNIT = r'''"h\u003cscript\u003edocument.title='pwned-k2'\u003c/script\u003e"'''
PERSON = r'''"Bob \x3cimg src=x onerror=\"document.title='pwned-p1'\"\x3e"'''
SETTINGS = r"""title: "S1 <script>document.title='pwned-s1'</script> & Co"
organisation: "O1 \x3cimg src=x onerror=\"document.title='pwned-o1'\"\x3e"
repository_url: https://github.com/example/register
branch: 'x"><img/src=x/onerror=document.title=`pwned-b1`>'
currency: USD
"""
SITE_NAME = r'''"M1 <img src=x onerror=\"document.title='pwned-m1'\"> & Co"'''
SITE_NAME_SHOWN = "M1 & Co"
"""mkdocs.yml's site_name is HTML to the theme (csi init writes it escaped): its tags go."""
AUTHOR = "A1 &lt;img src=x onerror=document.title='pwned-a1'&gt; \"Q\" end"
INIT_TITLE = "I1 <img src=x onerror=document.title='pwned-i1'> & \\x3cb\\x3e"

FIND_LIVE = """() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
  .filter(a => /^on/i.test(a.name) || /^[\\s\\x00-\\x1f]*(javascript|data|vbscript):/i
    .test(a.value.replace(/[\\t\\n\\r]/g, '')))
  .map(a => e.tagName + ' ' + a.name + '=' + a.value))"""
"""Every event-handler attribute and script-scheme URL left in the page."""

HOVER_EVERYTHING = """() => document.querySelectorAll('body *').forEach(e => {
  for (const kind of ['mouseover', 'mouseenter', 'focus'])
    e.dispatchEvent(new Event(kind, {bubbles: true}));
})"""


def text_of(yaml_scalar: str) -> str:
    """What a field says once loaded: the YAML decoded, whitespace as csi shows it."""
    return plain(yaml.safe_load(f"v: {yaml_scalar}")["v"])


def entry(id_: str, title: str, summary: str = "A summary.") -> str:
    body = "\n".join("  " + line for line in summary.splitlines())
    return (
        f"id: {id_}\ntitle: {title}\nsummary: |\n{body}\n"
        "source: other\nraised_by: alice\nraised_on: 2026-01-01\nowner: bob\n"
        "status: proposed\nterm: short\nsize: small\n"
        "priority: {impact: 4, urgency: 3, effort: 2, risk: 1}\n"
        f"raci:\n  - activity: {ACTIVITY}\n    responsible: [bob]\n    accountable: carol\n"
    )


def git(root: Path, *args: str, author: str = "Alice Moreau") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "CI",
        "GIT_COMMITTER_EMAIL": "ci@example.org",
        "GIT_AUTHOR_DATE": "2026-02-01T10:00:00+00:00",
        "GIT_COMMITTER_DATE": "2026-02-01T10:00:00+00:00",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def hostile_register(root: Path) -> Path:
    materialise(None, root)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_config" / "docs", root / "site_config" / "docs")
    (root / "site_config" / "overrides").mkdir()
    config = root / "mkdocs.yml"
    text = config.read_text()
    start = text.index("site_name:")
    config.write_text(text[:start] + f"site_name: {SITE_NAME}" + text[text.index("\n", start) :])
    (root / "site_config" / "register.yml").write_text(SETTINGS)
    for id_, title in TITLES.items():
        summary = SUMMARY if id_ == "CSI-0003" else "A summary."
        (root / "register" / f"{id_}-hostile.yaml").write_text(entry(id_, title, summary))
    kpi = root / "kpis" / "email-resolution-time.yaml"
    kpi.write_text(
        kpi.read_text()
        .replace("name: Mean time to resolve email incidents", f"name: {KPI_NAME}")
        .replace("unit: hours", f"unit: {KPI_UNIT}")
    )
    people = root / "register" / "people.yaml"
    people.write_text(people.read_text().replace("name: Bob Janssen", f"name: {PERSON}"))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Register")
    first = root / "register" / "CSI-0004-hostile.yaml"
    first.write_text(first.read_text().replace("pwned-t2", "pwned-t2b"))
    git(root, "commit", "-q", "-am", "<script>document.title='pwned-g1'</script>", author=AUTHOR)
    return root


def build(root: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        result = CliRunner().invoke(main, ["build", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output


def plant_cache(root: Path) -> None:
    """What someone who can write .cache/ but not sign would leave there."""
    html = "<p>PLANTED</p><img src=x onerror=\"document.title='pwned-c1'\">"
    body = json.dumps({"html": html, "toc": [], "anchors": []}).encode()
    other = Signer(b"9" * 64)
    for entry_ in (root / ".cache" / "csi" / "pages").glob("*.json"):
        entry_.write_bytes(other.sign(entry_.stem, body).encode() + b"\n" + body)
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload=\"document.title='pwned-c2'\"/>"
    for chart in (root / ".cache" / "csi" / "charts").glob("*.svg"):
        chart.write_bytes(svg)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = hostile_register(tmp_path_factory.mktemp("hostile") / "repo")
    build(root)
    plant_cache(root)
    build(root)  # served from the cache csi finds: it must not trust what it did not write
    with served(root / "site") as base:
        yield base, root


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    pg = context.new_page()
    pg.csi_dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.csi_dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def visit(page, url: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.title()


def test_no_script_runs_on_any_page(site: tuple[str, Path], page) -> None:  # type: ignore[no-untyped-def]
    base, root = site
    found = [*(root / "site").rglob("*.html"), *(root / "site" / "charts").glob("*.svg")]
    pages = sorted(p.relative_to(root / "site").as_posix() for p in found)
    assert len([p for p in pages if p.endswith(".svg")]) == 3  # a chart opens as a document
    assert len(pages) > 15
    for path in pages:
        title = visit(page, base + path)
        page.evaluate(HOVER_EVERYTHING)
        assert not page.title().startswith("pwned-"), (path, title)
        assert page.evaluate(FIND_LIVE) == [], path
        assert "PLANTED" not in page.content() and "pwned-c2" not in page.content(), path
    assert page.csi_dialogs == []


def test_links_to_script_schemes_go_nowhere(site: tuple[str, Path], page) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    visit(page, base + "improvements/CSI-0003/")
    for label in ("j1", "j2", "j3", "j4", "j5", "j6", "j8"):
        link = page.locator("article a", has_text=label)
        if link.count():
            assert link.first.get_attribute("href") in (None, "", "#"), label
            link.first.click()
            page.wait_for_timeout(50)
        assert not page.title().startswith("pwned-"), label
        assert page.url.startswith(base + "improvements/CSI-0003/"), label
    shown = page.locator("article").inner_text()
    assert "<script>document.title='pwned-s11'</script>" in shown  # as text
    assert "{: onclick=" in shown


@pytest.mark.parametrize("id_", list(TITLES))
def test_a_title_is_shown_as_the_text_it_is(site: tuple[str, Path], page, id_: str) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    title = text_of(TITLES[id_])
    if id_ == "CSI-0004":
        title = title.replace("pwned-t2", "pwned-t2b")
    site_name = SITE_NAME_SHOWN
    heading = f"{id_} · {title}"
    assert visit(page, base + f"improvements/{id_}/") == f"{heading} - {site_name}"
    assert page.locator("article h1").inner_text().rstrip("¶").strip() == heading
    assert page.locator(".md-header__topic").last.inner_text().strip() == heading
    visit(page, base + "register/")
    row = page.locator(".csi-sortable tbody tr", has_text=id_)
    assert row.locator("td").nth(1).inner_text() == title


def test_kpi_settings_people_and_site_name_read_as_text(site: tuple[str, Path], page) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    site_name, kpi = SITE_NAME_SHOWN, text_of(KPI_NAME)
    assert visit(page, base + "kpis/email-resolution-time/") == f"{kpi} - {site_name}"
    assert page.locator("article h1").inner_text().rstrip("¶").strip() == kpi
    assert page.locator(".md-header__topic").last.inner_text().strip() == kpi
    assert "&amp;" not in page.title()
    assert "&amp;amp;" not in page.content()  # nothing escaped twice (issue 11, item 9)
    assert text_of(KPI_UNIT) in page.locator("article").inner_text()
    logo = page.locator(".md-header__button.md-logo")
    assert logo.get_attribute("title") == site_name == logo.get_attribute("aria-label")
    assert page.locator(".md-header__topic").first.inner_text().strip() == site_name

    visit(page, base)
    home = page.locator("article")
    settings = yaml.safe_load(SETTINGS)
    assert home.locator("h1").inner_text().rstrip("¶").strip() == settings["title"]
    assert f"{settings['organisation']} · computed from the metric data" in home.inner_text()

    visit(page, base + "people/")
    names = [t.rstrip("¶").strip() for t in page.locator("article h2").all_inner_texts()]
    assert text_of(PERSON) in names


def test_the_edit_link_encodes_the_branch(site: tuple[str, Path], page) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    visit(page, base + "improvements/CSI-0001/")
    href = page.locator("article a", has_text="Edit this entry").get_attribute("href")
    assert href == (
        "https://github.com/example/register/edit/"
        "x%22%3E%3Cimg/src%3Dx/onerror%3Ddocument.title%3D%60pwned-b1%60%3E/"
        "register/CSI-0001-email-resolution.yaml"
    )


def test_git_authors_and_change_summaries_read_as_text(site: tuple[str, Path], page) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    visit(page, base + "changelog/")
    table = page.locator("article table").first.inner_text()
    row = next(r for r in table.splitlines() if "Details edited" in r).split("\t")
    assert row[1:4] == [
        f"CSI-0004 · {text_of(TITLES['CSI-0004']).replace('pwned-t2', 'pwned-t2b')}",
        "Details edited; no tracked field changed",
        "<script>document.title='pwned-g1'</script>",  # the commit's message, as text
    ]
    assert row[4].endswith(f" by {AUTHOR}")
    assert not page.title().startswith("pwned-")


def test_search_shows_a_hostile_title_as_text(site: tuple[str, Path], page) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    visit(page, base)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    result = page.locator(".md-search-result__item").first
    for attempt in range(5):
        box.fill("")
        box.type("T1", delay=20)
        try:
            result.wait_for(timeout=3000)
            break
        except playwright.TimeoutError:
            if attempt == 4:
                raise
    assert text_of(TITLES["CSI-0003"]) in page.locator(".md-search-result").inner_text()
    assert not page.title().startswith("pwned-")
    assert page.evaluate(FIND_LIVE) == []


@pytest.fixture(scope="module")
def init_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("init")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        made = CliRunner().invoke(main, ["init", "cir", "--title", INIT_TITLE])
        assert made.exit_code == 0, made.output
        mp.chdir(folder / "cir")
        built = CliRunner().invoke(main, ["build", "--as-of", AS_OF])
        assert built.exit_code == 0, built.output
    with served(folder / "cir" / "site") as base:
        yield base


def test_an_init_title_is_the_site_s_name_as_text(init_site: str, page) -> None:  # type: ignore[no-untyped-def]
    title = visit(page, init_site)
    assert title == f"Home - {INIT_TITLE}"
    assert page.locator(".md-header__topic").first.inner_text().strip() == INIT_TITLE
    assert page.locator("article h1").inner_text().rstrip("¶").strip() == INIT_TITLE
    assert page.evaluate(FIND_LIVE) == []
    assert page.csi_dialogs == []
