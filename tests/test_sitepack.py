"""The board pack in the built site: csi build --with-report (or report.site in the
settings) writes the pack as HTML and PDF under report/, the review pack page links
both, and a missing PDF renderer costs the PDF only, said in one line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from csitools.publish.sitepack import PDF_SKIPPED
from tests.conftest import copy_sample, csi
from tests.test_browser import LinkParser
from tests.test_builders import broken_links, needs_zensical

AS_OF = "2026-11-23"
EPOCH = "1767225600"  # 2026-01-01 00:00:00 UTC
pypdf = pytest.importorskip("pypdf", reason="pip install -e '.[dev]'")


def build(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = csi("build", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.output
    return result.output


def pack_links(site: Path) -> list[str]:
    """The review pack page's links to the pack, as written in its HTML."""
    parser = LinkParser()
    parser.feed((site / "review" / "index.html").read_text(encoding="utf-8"))
    return [link for link in parser.links if "board-pack" in link]


def resolved(site: Path, links: list[str]) -> list[str]:
    """Where each of the review page's links lands, relative to the site."""
    page = site / "review" / "index.html"
    return [(page.parent / link).resolve().relative_to(site.resolve()).as_posix() for link in links]


@pytest.mark.slow
def test_build_with_report_puts_the_pack_in_the_site_and_links_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("weasyprint", reason="pip install -e '.[pdf]'")
    root = copy_sample(tmp_path / "repo")
    said = build(root, monkeypatch, "--with-report")
    assert "skipped" not in said
    site = root / "site"
    links = pack_links(site)
    assert links == ["../report/board-pack.html", "../report/board-pack.pdf"]
    assert resolved(site, links) == ["report/board-pack.html", "report/board-pack.pdf"]
    assert broken_links(site) == []
    # The site's pack is csi report's, byte for byte.
    assert csi("report", "--as-of", AS_OF, "--out", "pack.html").exit_code == 0
    assert (site / "report" / "board-pack.html").read_bytes() == (root / "pack.html").read_bytes()
    reader = pypdf.PdfReader(site / "report" / "board-pack.pdf")
    assert len(reader.pages) >= 6
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert reader.metadata["/CreationDate"] == "D:20260101000000Z"
    assert reader.metadata["/ModDate"] == "D:20260101000000Z"
    assert "As of 23 November 2026" in " ".join(reader.pages[0].extract_text().split())


@pytest.mark.slow
def test_without_the_pdf_renderer_the_site_gets_the_html_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint fails
    root = copy_sample(tmp_path / "repo")
    said = build(root, monkeypatch, "--with-report")
    assert said.count(PDF_SKIPPED) == 1
    assert PDF_SKIPPED == (
        "csi: the board pack's PDF was skipped (its renderer, WeasyPrint, is not installed: "
        "pip install 'csitools[pdf]', on Debian or Ubuntu also apt-get install "
        "libpango-1.0-0 libpangoft2-1.0-0); the HTML pack is in the site"
    )
    site = root / "site"
    assert sorted(p.name for p in (site / "report").iterdir()) == ["board-pack.html"]
    assert pack_links(site) == ["../report/board-pack.html"]
    # Without the flag (and without report.site) the site has no pack and no link.
    said = build(root, monkeypatch)
    assert PDF_SKIPPED not in said
    assert not (site / "report").exists()
    assert pack_links(site) == []


@pytest.mark.slow
@needs_zensical
def test_report_site_in_the_settings_puts_a_letter_pack_in_a_zensical_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("weasyprint", reason="pip install -e '.[pdf]'")
    root = copy_sample(tmp_path / "repo")
    settings = root / "site_config" / "register.yml"
    settings.write_text(settings.read_text() + "report: {site: true, paper: letter}\n")
    build(root, monkeypatch, "--builder", "zensical")
    site = root / "site"
    links = pack_links(site)
    assert resolved(site, links) == ["report/board-pack.html", "report/board-pack.pdf"]
    assert broken_links(site) == []
    box = pypdf.PdfReader(site / "report" / "board-pack.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
