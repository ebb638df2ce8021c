"""The register as a portfolio in real Chromium: filters whose state is in the address,
home page counts that open the filtered register, the phone layout."""

from __future__ import annotations

import pytest

from tests.test_browser import browser, page, site  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROWS = ".csi-filterable tbody tr"


def _visible_health(pg) -> list[str]:  # type: ignore[no-untyped-def]
    return pg.locator(f"{ROWS}:visible td:nth-child(3)").all_inner_texts()


def test_filters_keep_their_state_in_the_address(site: str, page) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    page.goto(site + "register/?health=missed")
    page.wait_for_load_state("networkidle")
    assert page.locator("select[name=health]").input_value() == "missed"
    assert _visible_health(page) == ["missed"]
    total = page.locator(ROWS).count()
    assert page.locator(".csi-filters__count").inner_text() == f"Showing 1 of {total} improvements."

    page.select_option("select[name=health]", "")
    page.select_option("select[name=lane]", "quick-win")
    assert page.url == site + "register/?lane=quick-win"
    lanes = page.locator(f"{ROWS}:visible [data-facet=lane]").evaluate_all(
        "spans => spans.map(s => s.dataset.value)"
    )
    assert lanes and set(lanes) == {"quick-win"}
    page.select_option("select[name=status]", "approved")
    assert page.url == site + "register/?status=approved&lane=quick-win"
    page.reload()
    assert page.locator("select[name=status]").input_value() == "approved"
    assert page.locator("select[name=lane]").input_value() == "quick-win"
    statuses = page.locator(f"{ROWS}:visible td:nth-child(4)").all_inner_texts()
    assert statuses and set(statuses) == {"approved"}

    page.get_by_role("button", name="Show all").click()
    assert page.url == site + "register/"
    assert page.locator(f"{ROWS}:visible").count() == total


def test_filter_by_owner_and_service_shows_their_rows_only(site: str, page) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    page.goto(site + "register/?owner=jbrennan")
    page.wait_for_load_state("networkidle")
    owners = page.locator(f"{ROWS}:visible td:nth-child(7)").all_inner_texts()
    assert owners and set(owners) == {"Jack Brennan"}
    hidden = page.locator(f"{ROWS}:not(:visible) td:nth-child(7)").all_inner_texts()
    assert "Jack Brennan" not in hidden and hidden
    page.goto(site + "register/?service=Service%20Desk")
    services = page.locator(f"{ROWS}:visible td:nth-child(6)").all_inner_texts()
    assert services and all("Service Desk" in s.split(", ") for s in services)


def test_home_counts_open_the_filtered_register(site: str, page) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    page.goto(site)
    page.wait_for_load_state("networkidle")
    for health in ("regressed", "on-track", "achieved"):
        page.goto(site)
        row = page.locator("article tr", has=page.locator(f".csi-health--{health}")).first
        count = row.locator("td:nth-child(2) a")
        expected = int(count.inner_text())
        count.click()
        page.wait_for_url(f"{site}register/?health={health}")
        page.wait_for_load_state("networkidle")
        assert _visible_health(page) == [health] * expected
    page.goto(site)
    row = page.locator("article tr", has=page.locator(".csi-status--in-progress")).first
    expected = int(row.locator("td:nth-child(2)").inner_text())
    row.locator("td:nth-child(2) a").click()
    page.wait_for_url(f"{site}register/?status=in-progress")
    page.wait_for_load_state("networkidle")
    statuses = page.locator(f"{ROWS}:visible td:nth-child(4)").all_inner_texts()
    assert statuses == ["in-progress"] * expected


def test_without_javascript_the_whole_register_shows(site: str, browser) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(site + "register/?health=missed")
        assert pg.locator(".csi-filters").count() == 0
        rows = pg.locator(ROWS)
        assert rows.count() >= 15
        assert pg.locator(f"{ROWS}:visible").count() == rows.count()
    finally:
        context.close()


def test_register_progress_bars_say_progress_and_time_gone(site: str, page) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    page.goto(site + "register/?health=at-risk")
    page.wait_for_load_state("networkidle")
    bar = page.locator(f"{ROWS}:visible .csi-progress").first
    words = bar.locator(".csi-progress__text").inner_text()
    assert words.endswith("of time gone") and "% done · " in words
    done = bar.locator(".csi-progress__done").bounding_box()
    track = bar.locator(".csi-progress__bar").bounding_box()
    assert done is not None and track is not None
    share = int(words.split("%")[0]) / 100
    assert abs(done["width"] / track["width"] - share) <= 0.03  # drawn in 5 % steps


@pytest.mark.parametrize("path", ["register/", "review.html", "improvements/CSI-0001/"])
def test_phone_shows_health_and_title_without_scrolling_the_page(  # type: ignore[no-untyped-def]
    site: str,  # noqa: F811
    browser,  # noqa: F811
    path: str,
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        pg = context.new_page()
        pg.goto(site + path.replace("review.html", "review/"))
        pg.wait_for_load_state("networkidle")
        assert pg.evaluate("document.scrollingElement.scrollWidth") <= 390
        if path == "register/":
            for name in ("Title", "Health"):
                box = pg.locator(".csi-sortable th", has_text=name).first.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, name
            title = pg.locator(f"{ROWS} td:nth-child(2)").first.bounding_box()
            assert title is not None and title["width"] >= 100
    finally:
        context.close()
