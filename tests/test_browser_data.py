"""The data behind the site in real Chromium: the downloads the pages link resolve and
parse, and their numbers are `csi status`'s and the series'; each chart's data table
opens and shows the series."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import csi
from tests.test_browser import _SHARED, browser, page, site  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AS_OF = "2026-11-23"  # the shared site's


@pytest.fixture(scope="module")
def status(site: str) -> dict[str, Any]:  # noqa: F811
    """`csi status --format json` of the register the shared site was built from."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(Path(str(_SHARED["root"])))
        result = csi("status", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def _download(pg, name: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The address a link named ``name`` points at, and what the server sends there."""
    href = pg.get_by_role("link", name=name, exact=True).first.evaluate("a => a.href")
    response = pg.request.get(href)
    assert response.status == 200, href
    return href, response.text()


def test_the_register_downloads_hold_csi_status_s_numbers(site: str, page, status) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    page.goto(site + "register/")
    href, text = _download(page, "register.csv")
    assert href == site + "data/register.csv"
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert list(rows) == [s["id"] for s in status["improvements"]]
    for s in status["improvements"]:
        row = rows[s["id"]]
        assert (row["health"] or None, row["lane"], row["status"]) == (
            s["health"],
            s["lane"],
            s["status"],
        )
        assert float(row["score"]) == s["score"]
    href, _ = _download(page, "register.json")
    exported = page.evaluate("url => fetch(url).then(r => r.json())", href)
    assert exported["as_of"] == AS_OF == status["as_of"]
    for entry, s in zip(exported["improvements"], status["improvements"], strict=True):
        assert entry["id"] == s["id"]
        computed = {k: v for k, v in s.items() if k not in ("id", "title", "status")}
        assert entry["computed"] == computed


def test_each_kpi_page_links_its_series_ending_at_status(site: str, page, status) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    for kpi in status["kpis"]:
        page.goto(site + f"kpis/{kpi['id']}/")
        href, text = _download(page, f"{kpi['id']}.csv")
        assert href == site + f"data/kpis/{kpi['id']}.csv"
        rows = list(csv.DictReader(io.StringIO(text)))
        if kpi["latest"] is None:
            assert rows == [], kpi["id"]
            continue
        assert rows[-1]["period"] == kpi["latest_period"], kpi["id"]
        assert round(float(rows[-1]["value"]), 4) == kpi["latest"], kpi["id"]


def test_a_chart_s_data_table_opens_under_it_and_shows_the_series(site: str, page) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    page.goto(site + "kpis/first-call-resolution/")
    details = page.locator("details.csi-data")
    assert details.count() == 1
    table = details.locator("table")
    assert not table.is_visible()  # closed until asked
    details.locator("summary").click()
    assert table.is_visible()
    _, text = _download(page, "first-call-resolution.csv")
    series = list(csv.DictReader(io.StringIO(text)))
    shown = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].slice(0, 2).map(c => c.textContent.trim()))"
    )
    assert [period for period, _ in shown] == [r["period"] for r in series]
    assert [float(value) for _, value in shown] == [float(r["value"]) for r in series]
    headers = table.locator("th").all_inner_texts()
    assert headers == ["Period", "Value (%)", "Baseline"]
    # The chart is above its table: the table is the chart's long alternative.
    chart = page.locator("article img[src*='kpi-first-call-resolution']")
    assert chart.bounding_box()["y"] < details.bounding_box()["y"]
