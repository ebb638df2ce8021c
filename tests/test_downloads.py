"""The data behind the charts and the downloads: a chart's table holds the points it
draws with the baseline and target of their cycle; the site's data files are what
``csi export`` writes and the series as computed; KPI pages link their files."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from csitools.publish.chartdata import chart_tables
from csitools.publish.charts.specs import chart_specs, known_points
from csitools.publish.content import generate_site
from csitools.publish.downloads import REGISTER_CSV, REGISTER_JSON, kpi_csv, series_csv
from csitools.publish.fragments import source_link
from csitools.publish.pages import Chart, build_pages
from csitools.register.model import Settings
from csitools.validation import Validation, validate_repository
from tests.conftest import copy_sample, csi

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Validation]:
    root = copy_sample(tmp_path_factory.mktemp("downloads") / "repo")
    return root, validate_repository(root, AS_OF)


def _spec(v: Validation, name: str):  # type: ignore[no-untyped-def]
    specs = chart_specs(v.register, v.series, v.status, AS_OF)
    return next(s for s in specs if s.name == name)


def test_a_kpi_chart_s_table_is_its_points_with_the_agreed_baseline(sample) -> None:  # type: ignore[no-untyped-def]
    _, v = sample
    (table,) = chart_tables(_spec(v, "kpi-email-resolution-time"))
    points = known_points(v.series["email-resolution-time"], AS_OF)
    assert [(r.period, r.value) for r in table.rows] == [(p.period, f"{p.value:g}") for p in points]
    assert table.rows[0].period == "2024-11" and table.rows[-1].period == "2026-10"
    assert {r.baseline for r in table.rows} == {"16"}
    assert (table.kpi, table.unit, table.cycles) == ("email-resolution-time", "hours", False)
    assert table.notes == (
        "Action threshold 20 hours",
        "Benchmark 8 hours: Best month of 2024, messaging team",
        "CSI-0003: 6 hours by 2026-12-31",
    )


def test_an_improvement_chart_s_rows_carry_their_cycle_s_baseline_and_target(sample) -> None:  # type: ignore[no-untyped-def]
    _, v = sample
    (table,) = chart_tables(_spec(v, "improvement-CSI-0001"))
    by_period = {r.period: r for r in table.rows}
    assert (table.kpi, table.unit, table.cycles) == ("first-call-resolution", "%", True)
    assert by_period["2024-12"].cycle == ""  # the lead before cycle 1
    assert (by_period["2025-06"].cycle, by_period["2025-06"].baseline) == ("Cycle 1", "65")
    assert by_period["2025-06"].target == "85"
    assert (by_period["2026-10"].cycle, by_period["2026-10"].target) == ("Cycle 2", "75")
    assert by_period["2026-10"].value == "72.6"
    assert "Forecast: target by 2026-12-30" in table.notes


def test_the_series_download_reads_back_as_the_series(sample) -> None:  # type: ignore[no-untyped-def]
    _, v = sample
    for kpi_id in ("incident-mttr", "first-call-resolution"):
        kpi = v.register.kpis[kpi_id]
        rows = list(csv.DictReader(io.StringIO(series_csv(kpi, v.series[kpi_id], AS_OF))))
        points = known_points(v.series[kpi_id], AS_OF)
        assert [(r["period"], float(r["value"])) for r in rows] == [
            (p.period, p.value) for p in points
        ]
        latest = v.status.kpis[kpi_id].latest
        assert latest is not None and (rows[-1]["period"], float(rows[-1]["value"])) == (
            latest.period,
            latest.value,
        )


@pytest.mark.slow
def test_the_site_s_data_files_are_csi_export_s_and_every_kpi_s_series(
    sample, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    root, v = sample
    content = generate_site(root, AS_OF, ".cache/csi", charts=False, history=False)
    assert sorted(content.data) == sorted(
        [REGISTER_CSV, REGISTER_JSON, *(kpi_csv(k) for k in v.register.kpis)]
    )
    monkeypatch.chdir(root)
    for fmt, path in (("csv", REGISTER_CSV), ("json", REGISTER_JSON)):
        result = csi("export", "--format", fmt, "--as-of", AS_OF.isoformat())
        assert result.exit_code == 0, result.output
        assert content.data[path] == result.output.encode("utf-8")
    exported = json.loads(content.data[REGISTER_JSON])
    assert [i["id"] for i in exported["improvements"]] == [i.id for i in v.register.improvements]


def test_a_source_link_encodes_the_path_and_needs_a_repository() -> None:
    settings = Settings(repository_url="https://git.example.org/it/cir", branch="rel/2026")
    assert source_link(settings, "kpis/data/mttr (v2)].csv") == (
        "[`kpis/data/mttr (v2)].csv`]"
        "(https://git.example.org/it/cir/blob/rel/2026/kpis/data/mttr%20%28v2%29%5D.csv)"
    )
    assert source_link(Settings(), "kpis/data/mttr.csv") == "`kpis/data/mttr.csv`"


@pytest.mark.slow
def test_a_kpi_page_links_its_data_file_definition_and_series(sample) -> None:  # type: ignore[no-untyped-def]
    _, v = sample
    charts = {
        spec.name: Chart(f"charts/{spec.name}.svg", spec.alt, chart_tables(spec))
        for spec in chart_specs(v.register, v.series, v.status, AS_OF)
    }
    page = build_pages(v.register, v.status, charts)["kpis/email-resolution-time.md"]
    blob = "https://github.com/northbridge-it/improvement-register/blob/main/"
    assert f"| Data source | [`kpis/data/email-resolution-time.csv`]({blob}kpis/data/" in page
    assert f"| Definition | [`kpis/email-resolution-time.yaml`]({blob}kpis/" in page
    series = "[email-resolution-time.csv](../data/kpis/email-resolution-time.csv)"
    assert f"| Series as computed | {series} (period, value) |" in page
    assert "| 2026-10 | 6.5 | 16 |" in page
    assert page.count('<details class="abstract csi-data" markdown>') == 1
    without = replace(v.register, settings=Settings())
    page = build_pages(without, v.status, charts)["kpis/email-resolution-time.md"]
    assert "| Data source | `kpis/data/email-resolution-time.csv` |" in page
    assert "github.com" not in page
    register = build_pages(v.register, v.status, charts)["register/index.md"]
    assert "[register.csv](../data/register.csv)" in register
    assert "[register.json](../data/register.json)" in register
