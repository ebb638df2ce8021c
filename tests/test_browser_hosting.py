"""The site served from a sub-path, as a GitHub Pages project site is: every page and
asset found by following links from the home page under ``/register/``, none of them
root-absolute; a missing address answered with the 404 page, whose links work from
any depth; ``sitemap.xml`` listing every page when ``site_url`` is set; tables kept out
of the search index.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlparse
from urllib.request import urlopen
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from csitools.cli import main
from tests.conftest import copy_sample
from tests.test_browser import CHROMIUM, FLAGS, LinkParser, playwright

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium"),
]

PREFIX = "/register/"


class SubPath(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder under PREFIX only; anything else, and anything missing,
    gets the site's 404.html with status 404, as GitHub Pages answers."""

    def translate_path(self, path: str) -> str:
        path = urlparse(path).path
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "\0missing")
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}{PREFIX}"
    root = copy_sample(tmp_path_factory.mktemp("hosted") / "repo")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + f"site_url: {base}\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        result = CliRunner().invoke(main, ["build", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    site = root / "site"
    handler = partial(SubPath, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, site
    finally:
        server.shutdown()
        server.server_close()


class BaseLinkParser(LinkParser):
    """The links of a page and its ``<base href>``, if it has one."""

    def __init__(self) -> None:
        super().__init__()
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base":
            self.base = dict(attrs).get("href")
        super().handle_starttag(tag, attrs)


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def links_of(url: str, body: bytes) -> tuple[list[str], list[str]]:
    """The page's links resolved, and those written root-absolute."""
    parser = BaseLinkParser()
    parser.feed(body.decode("utf-8"))
    base = urljoin(url, parser.base) if parser.base else url
    absolute = [link for link in parser.links if link.startswith("/") and link[1:2] != "/"]
    return [urldefrag(urljoin(base, link)).url for link in parser.links], absolute


def test_every_page_and_asset_resolves_under_a_sub_path(hosted: tuple[str, Path]) -> None:
    base, site = hosted
    seen: set[str] = set()
    todo, broken, rooted, pages = [base], [], [], set()
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        status, kind, body = fetch(url)
        if status != 200:
            broken.append(f"{url}: {status}")
            continue
        if "html" not in kind:
            continue
        pages.add(url.split("?")[0].removesuffix("index.html"))
        found, absolute = links_of(url, body)
        rooted += [f"{url}: {link}" for link in absolute]
        todo += [t for t in found if urlparse(t).netloc == urlparse(base).netloc]
    assert broken == []
    assert rooted == []
    # Every HTML page the build wrote is reached (404.html only as the error page).
    built = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}
    assert pages == {base + p.removesuffix("index.html") for p in built}
    assert len(pages) >= 70


def test_a_missing_address_gets_the_404_page_with_working_links(
    hosted: tuple[str, Path],
) -> None:
    base, _ = hosted
    for missing in (base + "no-such-page/", base + "improvements/CSI-9999/deep/er/"):
        status, _, body = fetch(missing)
        assert status == 404
        text = body.decode()
        assert "<h1>Page not found</h1>" in text
        found, absolute = links_of(missing, body)
        assert absolute == []
        assert base + "register/" in found and base + "kpis/" in found  # the navigation
        targets = sorted({t for t in found if t.startswith(base)})
        assert len(targets) > 15
        assert [t for t in targets if fetch(t)[0] != 200] == []


def test_sitemap_lists_every_page_under_the_site_url(hosted: tuple[str, Path]) -> None:
    base, site = hosted
    tree = ElementTree.fromstring((site / "sitemap.xml").read_bytes())
    spaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {loc.text for loc in tree.findall("s:url/s:loc", spaces)}
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert urls == {base + p.removesuffix("index.html") for p in pages}
    assert base + "improvements/CSI-0001/" in urls


def test_search_snippets_hold_no_table_cells(hosted: tuple[str, Path]) -> None:
    _, site = hosted
    docs = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    register = next(d for d in docs if d["location"] == "register/")
    assert register["text"].startswith("<p>15 improvements, health as of 23 Nov 2026.")
    # The register table's rows (id, title, health...) are not run together in it.
    assert not re.search(r"CSI-00\d\d", register["text"])
    entry = next(d for d in docs if d["location"] == "improvements/CSI-0001/")
    assert "Raise first-call resolution" in entry["title"]


def test_pages_load_every_asset_in_chromium_under_the_sub_path(hosted: tuple[str, Path]) -> None:
    base, _ = hosted
    failed: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.on("requestfailed", lambda r: failed.append(r.url))
        for path in ("", "improvements/CSI-0001/", "kpis/incident-mttr/"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.locator("article img").evaluate_all(
                "imgs => imgs.forEach(i => i.scrollIntoView())"
            )
            page.wait_for_load_state("networkidle")
        page.goto(base + "missing/page/")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == "Page not found"
        browser.close()
    assert failed == [base + "missing/page/"]
