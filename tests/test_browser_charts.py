"""Charts in a real browser: the dark colours in the dark scheme (one SVG, no white
rectangle), text at least 11 px where a desktop page shows it, and a click that opens
the chart at full size.
"""

from __future__ import annotations

import io
import urllib.request

import pytest
from PIL import Image

from tests.test_browser import CHROMIUM, browser, site  # noqa: F401 (fixtures)

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


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_follow_the_colour_scheme(site: str, browser, scheme: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme=scheme)
    pg = context.new_page()
    try:
        for path in CHART_PAGES:
            pg.goto(site + path)
            pg.wait_for_load_state("networkidle")
            img = pg.locator("article a > img[src*='.svg']").first
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
    finally:
        context.close()


def test_toggling_the_scheme_switches_the_chart(site: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme="light")
    pg = context.new_page()
    try:
        pg.goto(site + "improvements/CSI-0001/")
        pg.wait_for_load_state("networkidle")
        img = pg.locator("article a > img[src*='.svg']").first
        assert not (img.get_attribute("src") or "").endswith("#dark")
        pg.locator("label[for='__palette_1']").click()  # the header's dark-mode toggle
        pg.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
        assert (img.get_attribute("src") or "").endswith(".svg#dark")
        img.scroll_into_view_if_needed()
        assert _white_share(img.screenshot()) < 0.005
    finally:
        context.close()


def test_chart_text_is_at_least_11_px_on_a_desktop(site: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Each chart's SVG laid out at the width its page shows it, every text measured."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    smallest: list[tuple[float, str, str]] = []
    try:
        for path in CHART_PAGES:
            pg.goto(site + path)
            pg.wait_for_load_state("networkidle")
            img = pg.locator("article a > img[src*='.svg']").first
            width = img.evaluate("i => i.getBoundingClientRect().width")
            url = img.evaluate("i => i.src")
            with urllib.request.urlopen(url.split("#")[0], timeout=10) as response:
                text = response.read().decode()
            sizes = pg.evaluate(TEXT_SIZES, {"text": text, "width": width})
            assert len(sizes) > 10
            smallest += [(s["px"], s["text"], path) for s in sizes]
            # The text's own box agrees: no text is drawn smaller than its font says.
            assert min(s["box"] for s in sizes) >= SMALLEST_PX, path
    finally:
        context.close()
    assert min(smallest) >= (SMALLEST_PX, "", "")
    print(f"smallest chart text on a 1366 px page: {min(smallest)[0]:.2f} px")


def test_a_click_opens_the_chart_at_full_size(site: str, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme="dark")
    pg = context.new_page()
    try:
        pg.goto(site + "kpis/incident-mttr/")
        pg.wait_for_load_state("networkidle")
        img = pg.locator("article a > img[src*='.svg']").first
        img.scroll_into_view_if_needed()
        shown = img.evaluate("i => i.getBoundingClientRect().width")
        assert shown < 390
        img.click()
        pg.wait_for_load_state("load")
        assert pg.url.endswith("/charts/kpi-incident-mttr.svg#dark")
        full = pg.evaluate("document.documentElement.getBoundingClientRect().width")
        assert full == 768 > 2 * shown - 100  # its own size: 8 inches at 96 px an inch
    finally:
        context.close()
