"""The published site in a real browser: Debian's Chromium, headless, driven by
Playwright, the site served by `python -m http.server` on 127.0.0.1.

The site is the sample register plus one entry whose fields carry script payloads.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from click.testing import CliRunner

from csitools.cli import main
from tests.conftest import copy_sample
from tests.test_site import payload_entry

# Debian's chromium here and in .ci/run; GitHub's runners carry Google Chrome.
CHROMIUM = os.environ.get("CSI_CHROMIUM") or next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
if os.environ.get("CSI_REQUIRE_BROWSER") and CHROMIUM is None:  # set by .ci/run and ci.yml
    raise RuntimeError("CSI_REQUIRE_BROWSER is set but no chromium or google-chrome was found")
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)"
    ),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


_SHARED: dict[str, object] = {}
"""The site (and the register it was built from, "root"), built once per session: other
browser test modules import the fixture, and pytest keeps one instance of a session
fixture per module that holds it."""


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if "site" in _SHARED:
        yield str(_SHARED["site"])
        return
    root = copy_sample(tmp_path_factory.mktemp("browser") / "repo")
    (root / "register" / "CSI-0099-payload.yaml").write_text(
        payload_entry().replace("CSI-0003", "CSI-0099").replace("alice", "afitzgerald")
        .replace("bob", "sbello").replace("carol", "dokafor")
    )  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        result = CliRunner().invoke(main, ["build", "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    with served(root / "site") as base:
        _SHARED["site"], _SHARED["root"] = base, root
        yield base


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served by `python -m http.server` on a free port of 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", "."],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=5)


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
    pg.csi_console = []  # type: ignore[attr-defined]
    pg.csi_dialogs = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.csi_console.append(f"{m.type}: {m.text}"))
    pg.on("pageerror", lambda e: pg.csi_console.append(f"pageerror: {e}"))

    def on_dialog(d) -> None:  # type: ignore[no-untyped-def]
        pg.csi_dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    context.close()


def test_home_loads_without_console_errors(site: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site)
    page.wait_for_load_state("networkidle")
    assert "Continual Improvement Register" in page.title() or page.title()
    assert page.locator("h1").first.inner_text().startswith("Northbridge Mutual")
    errors = [m for m in page.csi_console if m.startswith(("error", "pageerror"))]
    assert errors == []


def test_search_finds_an_improvement_by_a_word_of_its_title(site: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.wait_for_load_state("networkidle")  # the search worker has fetched its index
    box = page.locator("input.md-search__input")
    result = page.locator(".md-search-result__item").first
    for attempt in range(5):
        # A query typed before the worker has built its index gets no answer; type again.
        box.fill("")
        box.type("swarm", delay=20)
        try:
            result.wait_for(timeout=3000)
            break
        except playwright.TimeoutError:
            if attempt == 4:
                raise
    assert "Swarm" in page.locator(".md-search-result").inner_text()


def test_improvement_page_shows_raci_and_charts(site: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "improvements/CSI-0003/")
    page.wait_for_load_state("networkidle")
    raci = page.locator("h2#raci + table, h2#raci ~ div table").first
    assert "Activity" in raci.inner_text()
    assert "A" in raci.inner_text()
    images = page.locator("article img[src$='.svg']")
    assert images.count() >= 1
    for i in range(images.count()):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=img.element_handle()
        )
        assert img.evaluate("img => img.naturalWidth") > 0
        assert img.get_attribute("alt")


def test_register_table_sorts_by_a_column(site: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "register/")
    header = page.locator(".csi-sortable th", has_text="Score")
    header.click()
    scores = page.locator(".csi-sortable tbody tr td:nth-child(8)").all_inner_texts()
    assert [float(s) for s in scores] == sorted(float(s) for s in scores)
    header.click()
    scores = page.locator(".csi-sortable tbody tr td:nth-child(8)").all_inner_texts()
    assert [float(s) for s in scores] == sorted((float(s) for s in scores), reverse=True)


def test_register_headers_are_buttons_a_keyboard_can_press(site: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "register/")
    page.wait_for_load_state("networkidle")
    button = page.get_by_role("button", name="Score", exact=True)
    assert button.count() == 1  # announced as a button named by the heading alone
    button.focus()
    page.keyboard.press("Enter")
    header = page.locator(".csi-sortable th", has_text="Score")
    assert header.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Space")
    assert header.get_attribute("aria-sort") == "descending"
    scores = page.locator(".csi-sortable tbody tr td:nth-child(8)").all_inner_texts()
    assert [float(s) for s in scores] == sorted((float(s) for s in scores), reverse=True)
    assert page.get_by_role("button", name="Score", exact=True).count() == 1  # arrow not named


HEALTH = ["regressed", "missed", "slipped", "at-risk", "stale", "no-data", "on-track"]
HEALTH += ["sustained", "achieved"]  # a completed entry under watch sorts among the targets'


def test_register_sorts_dates_as_dates_and_health_by_severity(site: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site + "register/")
    page.wait_for_load_state("networkidle")

    def column(n: int) -> list[str]:
        return page.locator(f".csi-sortable tbody tr td:nth-child({n})").all_inner_texts()

    header = page.locator(".csi-sortable th", has_text="Next target")
    header.click()
    dues = column(10)
    dated = [d for d in dues if d != "—"]
    assert len({d[:4] for d in dated}) > 1 and len({d[:7] for d in dated}) > 2
    assert dated == sorted(dated)  # the whole date, not the year alone
    assert dues == dated + ["—"] * (len(dues) - len(dated))  # no date: last
    header.click()
    dues = column(10)
    assert dues == sorted(dated, reverse=True) + ["—"] * (len(dues) - len(dated))

    header = page.locator(".csi-sortable th", has_text="Health")
    header.click()
    healths = column(3)
    judged = [h for h in healths if h != "not measured"]
    assert len(set(judged)) > 3
    assert judged == sorted(judged, key=HEALTH.index)  # worst first, not alphabetical
    assert healths == judged + ["not measured"] * (len(healths) - len(judged))
    header.click()
    healths = column(3)
    assert healths[: len(judged)] == sorted(judged, key=HEALTH.index, reverse=True)
    assert set(healths[len(judged) :]) == {"not measured"}


def test_wide_tables_fit_at_desktop_width_and_scroll_on_a_phone(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    try:
        pg.goto(site + "register/")
        pg.wait_for_load_state("networkidle")
        assert not pg.locator(".md-sidebar--secondary").is_visible()  # no table of contents
        wrap = pg.locator(".csi-sortable .md-typeset__scrollwrap")
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth")
        last = pg.locator(".csi-sortable th", has_text="Next target").bounding_box()
        assert last is not None and last["x"] + last["width"] <= 1280

        pg.goto(site + "improvements/CSI-0001/")
        pg.wait_for_load_state("networkidle")
        raci = pg.locator(".csi-raci .md-typeset__scrollwrap")
        assert raci.locator("thead th").count() >= 10
        assert raci.evaluate("e => e.scrollWidth <= e.clientWidth")  # compact: it fits
        size = "e => parseFloat(getComputedStyle(e).fontSize)"
        assert raci.locator("table").evaluate(size) < pg.locator("article table").first.evaluate(
            size
        )
        # The facts table has header cells with words, for screen readers.
        facts = pg.locator("article table").first
        assert "Owner" in facts.inner_text()
        assert facts.locator("thead th").all_inner_texts() == ["Field", "Value"]
        # The chart opens at full size.
        link = pg.locator("article a:has(img[src$='.svg'])").first
        assert link.get_attribute("href") == link.locator("img").get_attribute("src")

        pg.set_viewport_size({"width": 390, "height": 800})
        pg.wait_for_timeout(100)
        assert raci.evaluate("e => e.scrollWidth > e.clientWidth")
        assert raci.evaluate("e => getComputedStyle(e).overflowX") == "auto"
        # A shade marks the side with more columns even where scroll bars are hidden.
        assert "radial-gradient" in raci.evaluate("e => getComputedStyle(e).backgroundImage")
    finally:
        context.close()


def test_review_pages_say_what_matters_within_a_phone_screen(site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """At 390 px the health a target had then and has now, and an action's state, are
    in view without scrolling the table sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    pg = context.new_page()
    try:
        pg.goto(site + "review/")
        pg.wait_for_load_state("networkidle")
        since = pg.locator("h2#since-the-last-review + p + div table tbody tr").first
        assert since.locator(".csi-health").count() == 2  # then and now
        for badge in since.locator(".csi-health").all():
            box = badge.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 390
        overdue = pg.locator("article .csi-action--overdue").first
        box = overdue.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        pg.goto(site + "reviews/2026-10-14-csi-board/")
        pg.wait_for_load_state("networkidle")
        badges = pg.locator("article .csi-decision, article .csi-action")
        assert badges.count() == 4  # two decisions, two actions
        for badge in badges.all():
            box = badge.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 390
    finally:
        context.close()


ANALYSIS_PAGES = (
    "services/claims-workflow/",
    "csfs/",
    "assessments/2025-11-17-itil-process-maturity/",
    "swot/northbridge-it-services/",
)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_analysis_pages_fit_a_phone_and_the_swot_is_a_grid(site: str, browser, scheme: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme=scheme)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        pg.goto(site + "swot/northbridge-it-services/")
        pg.wait_for_load_state("networkidle")
        boxes = [q.bounding_box() for q in pg.locator(".csi-swot__quadrant").all()]
        assert len(boxes) == 4 and all(boxes)
        tops = [round(b["y"]) for b in boxes]  # type: ignore[index]
        assert tops[0] == tops[1] < tops[2] == tops[3]  # two rows of two
        headings = pg.locator(".csi-swot__quadrant h3").all_inner_texts()
        assert [h.rstrip("¶") for h in headings] == [
            "Strengths", "Weaknesses", "Opportunities", "Threats"
        ]  # fmt: skip
        pg.set_viewport_size({"width": 390, "height": 800})
        for path in ANALYSIS_PAGES:
            pg.goto(site + path)
            pg.wait_for_load_state("networkidle")
            assert pg.evaluate("document.documentElement.scrollWidth") <= 390, path
        pg.goto(site + "swot/northbridge-it-services/")
        pg.wait_for_load_state("networkidle")
        tops = [round(q.bounding_box()["y"]) for q in pg.locator(".csi-swot__quadrant").all()]
        assert tops == sorted(tops) and len(set(tops)) == 4  # one column
        # The maturity grid scrolls inside its frame rather than breaking words.
        pg.goto(site + "assessments/2025-11-17-itil-process-maturity/")
        pg.wait_for_load_state("networkidle")
        grid = pg.locator(".csi-maturity-wrap")
        assert grid.evaluate("e => e.scrollWidth > e.clientWidth")
        shaded = pg.locator("td.csi-maturity--vulnerable").first
        assert shaded.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
        assert errors == []
    finally:
        context.close()


def test_script_payloads_do_not_run(site: str, page) -> None:  # type: ignore[no-untyped-def]
    for path in ["improvements/CSI-0099/", "register/", "people/", "index.html"]:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        for link in page.locator("article a").all():
            href = link.get_attribute("href") or ""
            assert not href.strip().lower().startswith("javascript"), href
        page.locator("article").first.hover()
    unsafe = page.goto(site + "improvements/CSI-0099/")
    assert unsafe is not None and unsafe.ok
    page.locator("a", has_text="click").first.click()
    page.wait_for_timeout(200)
    assert page.csi_dialogs == []
    assert [m for m in page.csi_console if "alert" in m or m.startswith("pageerror")] == []


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src") and tag in ("a", "img", "link", "script"):
                self.links.append(value)


def test_crawl_finds_no_broken_internal_link(site: str) -> None:
    seen: set[str] = set()
    todo = [site]
    broken: list[str] = []
    pages = 0
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                kind = response.headers.get("Content-Type", "")
                body = response.read()
        except OSError as exc:
            broken.append(f"{url}: {exc}")
            continue
        if "html" not in kind:
            continue
        pages += 1
        parser = LinkParser()
        parser.feed(body.decode("utf-8"))
        for link in parser.links:
            target = urldefrag(urljoin(url, link)).url
            if urlparse(target).netloc == urlparse(site).netloc and target not in seen:
                todo.append(target)
    assert broken == []
    assert pages >= 30


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_top_contributors_and_sustainment_read_on_a_phone(site: str, browser, scheme: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme=scheme)
    pg = context.new_page()
    try:
        pg.goto(site + "kpis/incident-mttr/")
        pg.wait_for_load_state("networkidle")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls
        trends = pg.locator(".csi-trend").all()
        assert len(trends) == 4
        one_line = pg.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
        for trend in trends:  # the six values on one line, not stacked
            box = trend.bounding_box()
            assert box is not None and box["height"] <= 2 * one_line
        pg.goto(site + "improvements/CSI-0006/")
        pg.wait_for_load_state("networkidle")
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        badge = pg.locator(".csi-health--sustained").first
        assert badge.inner_text() == "sustained"
        colour = badge.evaluate("b => getComputedStyle(b).color")
        assert colour == ("rgb(0, 115, 77)" if scheme == "light" else "rgb(79, 209, 161)")
    finally:
        context.close()
