"""csi report: the board pack as one self-contained HTML file and a PDF read back."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_sample, csi
from tests.test_site import payload_entry

AS_OF = "2026-11-23"
pypdf = pytest.importorskip("pypdf", reason="pip install -e '.[dev]'")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("report") / "repo")
    (root / "register" / "CSI-0099-payload.yaml").write_text(
        payload_entry().replace("CSI-0003", "CSI-0099").replace("alice", "afitzgerald")
        .replace("bob", "sbello").replace("carol", "dokafor")
    )  # fmt: skip
    return root


def report(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(root)
    result = csi("report", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.output
    return result.output


def attention(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What csi status says needs attention: id -> health."""
    monkeypatch.chdir(root)
    result = csi("status", "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.output)
    rows = data["improvements"] if isinstance(data, dict) else data
    bad = ("regressed", "missed", "at-risk", "stale", "no-data")
    return {r["id"]: r["health"] for r in rows if r["health"] in bad}


@pytest.mark.slow
def test_the_html_pack_is_one_file_the_same_bytes_every_time(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = report(sample, monkeypatch, "--out", "one.html")
    assert said.startswith("wrote the pack (") and said.endswith(" to one.html\n")
    report(sample, monkeypatch, "--out", "two.html")
    one = (sample / "one.html").read_text(encoding="utf-8")
    assert one == (sample / "two.html").read_text(encoding="utf-8")
    assert "<link" not in one and not re.search(r'\ssrc="(?!data:image/svg\+xml;base64,)', one)
    assert "<script" not in one.lower()
    for ident in attention(sample, monkeypatch):
        assert f'id="p-improvements-{ident}"' in one, ident
    assert "As of 23 November 2026" in one and "Commit <code>uncommitted</code>" in one


@pytest.mark.slow
@pytest.mark.browser
def test_the_html_pack_opens_offline_with_no_request_and_no_script(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_browser import CHROMIUM, FLAGS, playwright

    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    report(
        sample, monkeypatch, "--improvements", "CSI-0099", "--improvements", "CSI-0001",
        "--out", "payload.html",
    )  # fmt: skip
    file = (sample / "payload.html").as_uri()
    requests: list[str] = []
    failed: list[str] = []
    dialogs: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(offline=True)
        page = context.new_page()

        def route(r) -> None:  # type: ignore[no-untyped-def]
            requests.append(r.request.url)
            if r.request.url == file:
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(file)
        page.wait_for_load_state("load")
        assert page.evaluate("document.title").endswith(f"board pack as of {AS_OF}")
        assert page.locator("img.pack-chart").count() >= 1
        widths = page.evaluate(
            "[...document.images].filter(i => !i.src.startsWith('data:image/svg+xml'))"
            ".map(i => i.src)"
        )
        assert widths == []
        assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        body = page.locator("#p-improvements-CSI-0099").inner_text()
        assert "<script>alert('s')</script>" in body  # shown as text
        for link in page.locator("a").all():
            href = (link.get_attribute("href") or "").strip().lower()
            assert not href.startswith("javascript"), href
        page.locator("#p-improvements-CSI-0099").hover()
        browser.close()
    assert requests == [file]
    assert failed == []
    assert dialogs == []


@pytest.mark.slow
@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_the_pdf_holds_the_date_the_attention_items_and_its_paper(
    sample: Path, monkeypatch: pytest.MonkeyPatch, paper: str, size: tuple[int, int]
) -> None:
    pytest.importorskip("weasyprint", reason="pip install -e '.[pdf]'")
    report(sample, monkeypatch, "--format", "pdf", "--paper", paper, "--out", f"{paper}.pdf")
    reader = pypdf.PdfReader(sample / f"{paper}.pdf")
    assert len(reader.pages) >= 6
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "As of 23 November 2026" in flat
    assert f"as of {AS_OF}" in reader.pages[3].extract_text()  # the footer
    assert re.search(r"Page 4 of \d+", reader.pages[3].extract_text())
    for ident, health in attention(sample, monkeypatch).items():
        section = flat[flat.index(f"{ident} ·") :]
        assert health in section[:4000], (ident, health)


def test_a_missing_pdf_renderer_is_a_message_that_says_how_to_install_it(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint fails
    result = csi("report", "--as-of", "2026-05-15", "--format", "pdf", "--out", "pack.pdf")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: the PDF renderer is not installed: pip install 'csitools[pdf]' (WeasyPrint; "
        "on Debian or Ubuntu it also needs apt-get install libpango-1.0-0 libpangoft2-1.0-0), "
        "or write --format html"
    )
    assert not (repo / "pack.pdf").exists()


def pdf_in_a_process(root: Path, out: str, epoch: str) -> bytes:
    """csi report --format pdf in a process of its own (its own hash seed)."""
    import os
    import subprocess

    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": "random"}
    cmd = [sys.executable, "-m", "csitools.cli", "report", "--as-of", AS_OF]
    cmd += ["--improvements", "CSI-0001", "--format", "pdf", "--out", out]
    run = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return (root / out).read_bytes()


@pytest.mark.slow
def test_two_pdf_renders_with_the_same_source_date_epoch_are_the_same_bytes(
    sample: Path,
) -> None:
    pytest.importorskip("weasyprint", reason="pip install -e '.[pdf]'")
    one = pdf_in_a_process(sample, "one.pdf", "1767225600")
    assert one == pdf_in_a_process(sample, "two.pdf", "1767225600")
    reader = pypdf.PdfReader(sample / "one.pdf")
    assert "/ID" not in reader.trailer  # no file identifier: nothing to strip
    assert (reader.metadata["/CreationDate"], reader.metadata["/ModDate"]) == (
        "D:20260101000000Z",
        "D:20260101000000Z",
    )
    pdf_in_a_process(sample, "later.pdf", "1767312000")  # a day later
    assert pypdf.PdfReader(sample / "later.pdf").metadata["/ModDate"] == "D:20260102000000Z"


def test_a_source_date_epoch_that_is_no_time_is_a_message(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("weasyprint", reason="pip install -e '.[pdf]'")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = csi("report", "--as-of", "2026-05-15", "--format", "pdf", "--out", "pack.pdf")
    assert result.exit_code == 1
    assert result.output == (
        "Error: SOURCE_DATE_EPOCH='yesterday' is not a time: set it to whole seconds since "
        "1970-01-01 UTC, such as $(git log -1 --format=%ct), or unset it\n"
    )
    assert not (repo / "pack.pdf").exists()
