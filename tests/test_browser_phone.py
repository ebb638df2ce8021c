"""The site on a phone (390 px wide), light and dark: no page scrolls sideways outside
a table, the RACI matrix keeps its activity column in view while its people scroll
past, and the review pack keeps each row's improvement in view, its health beside it.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from tests.test_browser import CHROMIUM, LinkParser, browser, site  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium"),
]

PHONE = {"width": 390, "height": 844}

OUTSIDE_TABLES = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const e of document.querySelectorAll("body *")) {
    if (e.closest(".md-typeset__scrollwrap, table, pre, .csi-maturity-wrap")) continue;
    if (e.closest(".md-sidebar, .md-search, [hidden]")) continue;  // drawers, off screen
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && r.right > width + 1) wide.push(e.tagName + e.className);
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""

FIRST_COLUMN = """(wrap) => {
  wrap.scrollLeft = wrap.scrollWidth;  // as far right as it goes
  const width = document.documentElement.clientWidth;
  return [...wrap.querySelectorAll("tr > :first-child")].map((cell) => {
    const r = cell.getBoundingClientRect();
    return {left: r.left, right: r.right, width};
  });
}"""


def pages_of(site: str) -> list[str]:  # noqa: F811
    """Every HTML page reached by links from the home page."""
    seen, todo, pages = set(), [site], []
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        with urllib.request.urlopen(url, timeout=10) as response:
            if "html" not in response.headers.get("Content-Type", ""):
                continue
            body = response.read().decode("utf-8")
        pages.append(url)
        parser = LinkParser()
        parser.feed(body)
        for link in parser.links:
            target = urldefrag(urljoin(url, link)).url.split("?")[0]
            if urlparse(target).netloc == urlparse(site).netloc and target not in seen:
                todo.append(target)
    return sorted(pages)


@pytest.mark.slow
def test_no_page_scrolls_sideways_outside_a_table(site: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Every page once (the colour scheme changes no width)."""
    context = browser.new_context(viewport=PHONE)
    pg = context.new_page()
    wide: dict[str, object] = {}
    pages = [p for p in pages_of(site) if not p.endswith(".svg")]
    try:
        for url in pages:
            pg.goto(url)
            pg.wait_for_load_state("networkidle")
            found = pg.evaluate(OUTSIDE_TABLES)
            if found["scroll"] > 390 or found["wide"]:
                wide[url[len(site) :]] = found
    finally:
        context.close()
    assert len(pages) > 70
    assert wide == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_raci_keeps_its_activity_column_in_view(site: str, browser, scheme: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    pg = context.new_page()
    try:
        pg.goto(site + "improvements/CSI-0001/")
        pg.wait_for_load_state("networkidle")
        wrap = pg.locator(".csi-raci .md-typeset__scrollwrap")
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth + 100")  # it does scroll
        cells = wrap.evaluate(FIRST_COLUMN)
        assert wrap.evaluate("w => w.scrollLeft") > 100
        assert len(cells) >= 5
        for cell in cells:  # each activity still on screen, whole
            assert cell["left"] >= 0 and cell["right"] <= cell["width"]
        # It is painted over the cells that scroll under it, not see-through.
        first = wrap.locator("tbody tr td").first
        background = first.evaluate("c => getComputedStyle(c).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
        assert first.evaluate("c => getComputedStyle(c).position") == "sticky"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_review_pack_keeps_the_improvement_and_its_health_in_view(  # type: ignore[no-untyped-def]
    site: str,  # noqa: F811
    browser,  # noqa: F811
    scheme: str,
) -> None:
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    pg = context.new_page()
    try:
        pg.goto(site + "review/")
        pg.wait_for_load_state("networkidle")
        # Title first, health next: both in view before any sideways scroll.
        for row in pg.locator("h2#since-the-last-review ~ div table tbody tr").all()[:3]:
            assert row.locator("td").first.locator("a").inner_text().startswith("CSI-")
            for badge in row.locator("td:nth-child(2) .csi-health").all():
                box = badge.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        wraps = [
            w
            for w in pg.locator("article .md-typeset__scrollwrap").all()
            if w.evaluate("w => w.scrollWidth > w.clientWidth")
        ]
        assert len(wraps) >= 2  # the wide tables scroll inside their frame
        for wrap in wraps:
            for cell in wrap.evaluate(FIRST_COLUMN):
                assert cell["left"] >= 0 and cell["right"] <= cell["width"]
    finally:
        context.close()
