"""Both builders: the sample built with MkDocs (the csi plugin) and with Zensical (from
the staged folder) gives the same pages, links and assets; payloads stay inert in both;
the final pass disarms what a builder without hooks leaves."""

from __future__ import annotations

import posixpath
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from csitools.publish.builders import BuilderMissing, zensical_command
from csitools.publish.finalpass import PAGE_END, PAGE_START, disarm_page, wrap_page
from csitools.publish.hosting import relative_not_found
from csitools.publish.markdown import cell
from tests.conftest import copy_sample, csi
from tests.test_browser import LinkParser
from tests.test_site import payload_entry

AS_OF = "2026-11-23"

try:
    zensical_command()
    ZENSICAL = True
except BuilderMissing:
    ZENSICAL = False
needs_zensical = pytest.mark.skipif(
    not ZENSICAL, reason="the zensical extra is not installed: pip install 'csitools[zensical]'"
)
EACH_BUILDER = ["mkdocs", pytest.param("zensical", marks=needs_zensical)]
"""For ``parametrize``: each builder, Zensical skipped with the reason without the extra."""


def build(root: Path, builder: str, site: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764576000")
    result = csi("build", "--builder", builder, "--as-of", AS_OF, "--site-dir", site)
    assert result.exit_code == 0, result.output
    assert f"with {builder} in {site}/ (health as of {AS_OF})" in result.output
    return root / site


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample, with one payload entry, built by each builder."""
    if not ZENSICAL:
        pytest.skip("the zensical extra is not installed: pip install 'csitools[zensical]'")
    root = copy_sample(tmp_path_factory.mktemp("builders") / "repo")
    (root / "register" / "CSI-0099-payload.yaml").write_text(
        payload_entry().replace("CSI-0003", "CSI-0099").replace("alice", "afitzgerald")
        .replace("bob", "sbello").replace("carol", "dokafor")
    )  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        return {b: build(root, b, f"site-{b}", mp) for b in ("mkdocs", "zensical")}


def site_files(site: Path) -> list[str]:
    """What csi puts into a site: every page, chart and csi asset (theme files differ)."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.suffix in (".html", ".svg") or "assets/csi/" in p.as_posix()
    )


def broken_links(site: Path) -> list[str]:
    """Every relative link or asset of every page that names no file of the site."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        parser = LinkParser()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            url = urlparse(urldefrag(link).url)
            if url.scheme or url.netloc or not url.path:
                continue
            path = unquote(url.path)
            base = site if path.startswith("/") else page.parent  # 404.html: from the root
            target = (base / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
    return broken


@pytest.mark.slow
@needs_zensical
def test_both_builders_give_the_same_pages_charts_and_assets(sites: dict[str, Path]) -> None:
    mkdocs, zensical = (site_files(sites[b]) for b in ("mkdocs", "zensical"))
    assert zensical == mkdocs
    assert "improvements/CSI-0001/index.html" in mkdocs
    assert "assets/csi/csi.css" in mkdocs
    assert sum(1 for p in mkdocs if p.endswith(".svg")) >= 20


class NavLinks(HTMLParser):
    """(title, address from the site's root) of each link of a page's primary navigation;
    the table of contents' own anchors left out."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.folder = posixpath.dirname(page)
        self.depth = 0
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "nav" and (self.depth or "md-nav--primary" in classes):
            self.depth += 1
        elif tag == "a" and self.depth and "md-nav__link" in classes:
            self._href, self._text = found.get("href") or "", []

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.depth:
            self.depth -= 1
        elif tag == "a" and self._href is not None:
            if not self._href.startswith("#"):
                title = " ".join("".join(self._text).split())
                self.links.append((title, posixpath.normpath(f"{self.folder}/{self._href}")))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)


def nav_links(site: Path, page: str) -> list[tuple[str, str]]:
    parser = NavLinks(page)
    parser.feed((site / page).read_text(encoding="utf-8"))
    return parser.links


@pytest.mark.slow
@needs_zensical
def test_both_builders_show_the_same_navigation_with_the_sections_csi_adds(
    sites: dict[str, Path],
) -> None:
    for page in ("index.html", "register/index.html", "improvements/CSI-0099/index.html"):
        assert nav_links(sites["zensical"], page) == nav_links(sites["mkdocs"], page), page
    titles = [title for title, _ in nav_links(sites["zensical"], "register/index.html")]
    # mkdocs.yml names none of the analysis sections: staging adds them after the scorecard.
    at = titles.index("Balanced scorecard")
    assert titles[at : at + 6] == [
        "Balanced scorecard", "Services", "Objectives and CSFs", "Assessments", "SWOT",
        "Benefits",
    ]  # fmt: skip
    assert ("Services", "services") in nav_links(sites["zensical"], "register/index.html")


@pytest.mark.slow
@needs_zensical
@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_no_page_of_either_builder_has_a_broken_link(sites: dict[str, Path], builder: str) -> None:
    assert broken_links(sites[builder]) == []
    assert (sites[builder] / "search").exists() or (sites[builder] / "search.json").exists()


ROOT_ABSOLUTE = re.compile(r'\s(?:href|src)="/(?!/)[^"]*"')


@pytest.mark.slow
@needs_zensical
@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_either_builders_404_page_has_no_root_absolute_link(
    sites: dict[str, Path], builder: str
) -> None:
    """A project site lives under /<repository>/: a link to /assets/ would leave it."""
    html = (sites[builder] / "404.html").read_text(encoding="utf-8")
    assert ROOT_ABSOLUTE.findall(html) == []
    assert '"base":"/"' not in html


def test_the_404_rewrite_makes_root_absolute_links_relative_and_adds_the_base(
    tmp_path: Path,
) -> None:
    (tmp_path / "404.html").write_text(
        '<html><head><link href="/assets/a.css"><a href="//cdn.example/x">'
        '<script src="/assets/b.js"></script>{"base":"/","search":"/assets/w.js"}</head>'
    )
    assert relative_not_found(tmp_path, "https://example.org/register")
    assert (tmp_path / "404.html").read_text() == (
        '<html><head>\n    <base href="https://example.org/register/"><link href="./assets/a.css">'
        '<a href="//cdn.example/x"><script src="./assets/b.js"></script>'
        '{"base": "https://example.org/register/","search":"./assets/w.js"}</head>'
    )
    assert not relative_not_found(tmp_path / "nothing", None)


@pytest.mark.slow
@needs_zensical
@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_payloads_reach_neither_builders_pages_as_markup(
    sites: dict[str, Path], builder: str
) -> None:
    for name in ("improvements/CSI-0099/index.html", "register/index.html", "index.html"):
        html = (sites[builder] / name).read_text(encoding="utf-8")
        start = html.index('<article class="md-content__inner md-typeset">')
        body = html[start : html.index("</article>", start)]
        assert "<script" not in body.lower(), name
        assert not re.search(r"<[^>]+\son\w+\s*=", body), name
        assert PAGE_START not in html and PAGE_END not in html, name
    page = (sites[builder] / "improvements/CSI-0099/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert('s')&lt;/script&gt;" in page  # shown as text
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<" not in title[len("<title>") :]


@pytest.mark.slow
@needs_zensical
def test_zensical_builds_are_reproducible_and_leave_the_users_folders_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "repo")
    before = sorted(p.as_posix() for p in root.rglob("*"))
    first = build(root, "zensical", "one", monkeypatch)
    shutil.rmtree(root / ".cache")
    second = build(root, "zensical", "two", monkeypatch)
    files = [p.relative_to(first) for p in sorted(first.rglob("*")) if p.is_file()]
    assert files == [p.relative_to(second) for p in sorted(second.rglob("*")) if p.is_file()]
    differ = [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert differ == []
    build(root, "zensical", "one", monkeypatch)  # an earlier Zensical build may be replaced
    after = sorted(
        p.as_posix() for p in root.rglob("*") if not p.as_posix().startswith(
            tuple(str(root / d) for d in ("one", "two", ".cache"))
        )
    )  # fmt: skip
    assert after == before


def test_a_missing_zensical_is_a_message_that_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BuilderMissing) as caught:
        zensical_command()
    assert str(caught.value) == (
        "the zensical builder is not installed; pip install 'csitools[zensical]', "
        "or build with --builder mkdocs"
    )


def test_the_final_pass_disarms_exactly_the_marked_region() -> None:
    page = wrap_page("---\ntitle: T\n---\n# Heading\n\nText\n")
    assert page.startswith("---\ntitle: T\n---\n" + PAGE_START)
    built = (
        f"<head><script src='theme.js'></script></head><article>{PAGE_START}"
        '<p onclick="alert(1)">x</p><script>alert(2)</script>'
        f'<a href="javascript:alert(3)">y</a>{PAGE_END}</article>'
    )
    assert disarm_page(built) == (
        "<head><script src='theme.js'></script></head><article><p>x</p><a>y</a></article>"
    )


def test_user_text_cannot_forge_a_marker() -> None:
    # User text reaches the Markdown through the escaping module: a comment is text.
    assert "<!--" not in cell(f"{PAGE_END}<script>alert(1)</script>")


@pytest.mark.slow
@pytest.mark.browser
@needs_zensical
@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_no_payload_runs_in_chromium_on_either_builders_site(
    sites: dict[str, Path], builder: str
) -> None:
    from tests.test_browser import CHROMIUM, FLAGS, playwright

    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    site = sites[builder]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for name in ("improvements/CSI-0099/index.html", "register/index.html", "index.html"):
            page.goto((site / name).as_uri())
            page.wait_for_load_state("load")
            title = page.evaluate("document.title")
            assert title.endswith("Northbridge Mutual IT Services — Improvement Register"), title
            for link in page.locator("article a").all():
                href = (link.get_attribute("href") or "").strip().lower()
                assert not href.startswith("javascript"), href
            page.locator("article").first.hover()
        page.goto((site / "improvements/CSI-0099/index.html").as_uri())
        assert "<script>alert('s')</script>" in page.locator("article").inner_text()
        page.locator("article a", has_text="click").first.click()
        page.wait_for_timeout(200)
        browser.close()
    assert dialogs == []


def test_an_empty_custom_dir_is_staged_as_an_empty_folder(tmp_path: Path) -> None:
    # Zensical stops when the theme's custom_dir does not exist, even an empty one.
    from csitools.publish.content import SiteContent
    from csitools.publish.staging import stage_site

    (tmp_path / "overrides-here").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: R\ntheme: {name: material, custom_dir: overrides-here}\n"
    )
    staged = stage_site(tmp_path, SiteContent(), ".cache/csi")
    assert (staged.config.parent / "overrides").is_dir()
    assert list((staged.config.parent / "overrides").iterdir()) == []
    assert "custom_dir: overrides\n" in staged.config.read_text()


def test_a_hostile_site_url_stays_inside_the_base_and_the_script_data(tmp_path: Path) -> None:
    (tmp_path / "404.html").write_text('<html><head><script>{"base":"/"}</script></head>')
    assert relative_not_found(tmp_path, 'https://x.example/"><script>alert(1)</script>')
    html = (tmp_path / "404.html").read_text()
    assert html == (
        '<html><head>\n    <base href="https://x.example/&#34;&gt;&lt;script&gt;alert(1)'
        '&lt;/script&gt;/"><script>{"base": "https://x.example/\\">\\u003cscript>alert(1)'
        '\\u003c/script>/"}</script></head>'
    )
