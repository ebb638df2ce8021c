"""Charts in a real browser: the dark colours in the dark scheme (one SVG, no white
rectangle), text at least 11 px where a desktop page shows it, and a click that opens
the chart at full size.
"""

from __future__ import annotations

import io
import urllib.request
from contextlib import contextmanager

import pytest
from PIL import Image

from tests.test_browser import CHROMIUM, LinkParser, browser, site  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium"),
]

CHART_PAGES = ("improvements/CSI-0001/", "improvements/CSI-0006/", "kpis/incident-mttr/")

SMALLEST_PX = 11.0
"""The smallest text a chart may show on a desktop page (1366 px wide)."""

TEXT_SIZES = """(svg) => {
  const holder = document.createElement("div");
  holder.innerHTML = svg.text;
  const root = holder.querySelector("svg");
  root.style.width = svg.width + "px";
  root.style.height = "auto";
  document.body.appendChild(holder);
  const sizes = [...root.querySelectorAll("text")].map((t) => {
    const m = t.getScreenCTM();
    const scale = Math.hypot(m.a, m.b);
    const r = t.getBoundingClientRect();
    return {
      text: t.textContent,
      px: parseFloat(getComputedStyle(t).fontSize) * scale,
      box: Math.abs(m.b) > Math.abs(m.a) ? r.width : r.height,
    };
  });
  holder.remove();
  return sizes;
}"""


def _white_share(png: bytes) -> float:
    """The share of an image's pixels that are (nearly) white."""
    image = Image.open(io.BytesIO(png)).convert("L")  # luminance
    histogram = image.histogram()
    return sum(histogram[236:]) / sum(histogram)


@contextmanager
def chart_on(browser, site: str, path: str, width: int = 1366, scheme: str = "light"):  # type: ignore[no-untyped-def]  # noqa: F811
    """The page at ``path`` in a fresh context, and its first chart's image."""
    viewport = {"width": width, "height": 900 if width > 500 else 800}
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    try:
        pg = context.new_page()
        pg.goto(site + path)
        pg.wait_for_load_state("networkidle")
        yield pg, pg.locator("article a > img[src*='.svg']").first
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_follow_the_colour_scheme(site: str, browser, scheme: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    for path in CHART_PAGES:
        with chart_on(browser, site, path, scheme=scheme) as (pg, img):
            img.scroll_into_view_if_needed()
            pg.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
            src = img.get_attribute("src") or ""
            assert src.endswith(".svg#dark") == (scheme == "dark"), path
            assert img.locator("xpath=..").get_attribute("href") == src  # opens the same
            white = _white_share(img.screenshot())
            if scheme == "dark":
                assert white < 0.005, path  # no white rectangle: the dark colours
            else:
                assert white > 0.5, path


def test_toggling_the_scheme_switches_the_chart(site: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with chart_on(browser, site, "improvements/CSI-0001/") as (pg, img):
        assert not (img.get_attribute("src") or "").endswith("#dark")
        pg.locator("label[for='__palette_1']").click()  # the header's dark-mode toggle
        pg.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
        assert (img.get_attribute("src") or "").endswith(".svg#dark")
        img.scroll_into_view_if_needed()
        assert _white_share(img.screenshot()) < 0.005


def _chart_files(base: str) -> list[str]:
    """Every chart of the site, from the server's listing of the charts folder."""
    parser = LinkParser()
    with urllib.request.urlopen(base + "charts/", timeout=10) as response:
        parser.feed(response.read().decode())
    return [base + "charts/" + link for link in parser.links if link.endswith(".svg")]


@pytest.mark.slow
def test_chart_text_is_at_least_11_px_on_a_desktop(site: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Every chart's SVG laid out at the narrowest width a desktop page shows a chart,
    every text measured."""
    widths = []
    for path in CHART_PAGES:
        with chart_on(browser, site, path) as (_, img):
            widths.append(img.evaluate("i => i.getBoundingClientRect().width"))
    width = min(widths)
    print(f"charts shown {sorted(set(widths))} px wide")
    charts = _chart_files(site)
    assert len(charts) > 25
    smallest: list[tuple[float, str, str]] = []
    with chart_on(browser, site, CHART_PAGES[0]) as (pg, _):
        for url in charts:
            with urllib.request.urlopen(url, timeout=10) as response:
                text = response.read().decode()
            sizes = pg.evaluate(TEXT_SIZES, {"text": text, "width": width})
            assert len(sizes) > 3, url
            smallest += [(s["px"], s["text"], url) for s in sizes]
            # The text's own box agrees: no text is drawn smaller than its font says.
            assert min(s["box"] for s in sizes) >= SMALLEST_PX, url
    assert min(smallest) >= (SMALLEST_PX, "", "")
    print(f"smallest chart text on a 1366 px page: {min(smallest)[0]:.2f} px")


def test_a_click_opens_the_chart_at_full_size(site: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with chart_on(browser, site, "kpis/incident-mttr/", width=390, scheme="dark") as (pg, img):
        img.scroll_into_view_if_needed()
        shown = img.evaluate("i => i.getBoundingClientRect().width")
        assert shown < 390
        img.click()
        pg.wait_for_load_state("load")
        assert pg.url.endswith("/charts/kpi-incident-mttr.svg#dark")
        full = pg.evaluate("document.documentElement.getBoundingClientRect().width")
        assert full == 768 > 2 * shown - 100  # its own size: 8 inches at 96 px an inch
