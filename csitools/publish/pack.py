"""The board pack: the review pack (or the whole register) as one self-contained HTML
document, and from it a print-ready PDF.

The pack is made of the site's own generated pages (``content.generate_site``), so
every figure agrees with the site: a cover, the review pack, the benefits, a section
per improvement that needs attention (or per improvement asked for) and an appendix
with every improvement's one-line status. Each page's Markdown is converted with the
site's Markdown extensions and passes through the same allow-list sanitiser as the
site (``markdown.disarm_html``); links between the pages become links inside the
document, links to pages it does not hold become text, and charts are embedded as
SVG data, so the file asks nothing of any other file or host. The same commit and
as-of give the same bytes.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import markdown as python_markdown
import yaml

from csitools.files import replace_file
from csitools.publish.content import SiteContent
from csitools.publish.markdown import disarm_html, disarm_title
from csitools.publish.staging import read_config

ATTENTION = ("regressed", "missed", "at-risk", "stale", "no-data")
"""The health of an improvement whose section the review pack carries."""

DEFAULT_EXTENSIONS = ("admonition", "attr_list", "def_list", "md_in_html", "tables", "toc")
"""The Markdown extensions of a register without mkdocs.yml (what csi init writes)."""

_HREF = re.compile(r'(<a\b[^>]*?)\shref="([^"]*)"')
_IMG = re.compile(r'<img\b[^>]*?\ssrc="([^"]*\.svg)"[^>]*>')
_ALT = re.compile(r'\salt="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')


@dataclass(frozen=True)
class Section:
    path: str
    """The generated page's docs path (``review.md``)."""
    title: str
    html: str


@dataclass(frozen=True)
class Pack:
    title: str
    as_of: date
    commit: str
    review: str | None
    sections: tuple[Section, ...]
    paper: str = "a4"
    """The register's paper (``report.paper`` in the settings): a4 or letter."""


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            meta = yaml.safe_load(text[4:end]) or {}
            return (meta if isinstance(meta, dict) else {}), text[end + 5 :]
    return {}, text


def _anchor(path: str) -> str:
    """The id of a page's section inside the pack: ``improvements/CSI-0001.md`` ->
    ``p-improvements-CSI-0001``."""
    return "p-" + re.sub(r"[^A-Za-z0-9]+", "-", path.removesuffix(".md")).strip("-")


def _page_of(source: str, href: str) -> tuple[str | None, str]:
    """The docs path a site link points to from ``source``, and its fragment."""
    target, _, fragment = href.partition("#")
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
        return None, fragment
    if not target:
        return source, fragment
    base = PurePosixPath(source).parent
    parts: list[str] = []
    for part in (base / target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    path = "/".join(parts)
    if path.endswith(".md") or path.endswith(".svg"):
        return path, fragment
    return (path.rstrip("/") + ".md" if path else "index.md"), fragment


class _Converter:
    def __init__(self, content: SiteContent, included: set[str], extensions: list[Any]) -> None:
        self.content = content
        self.included = included
        names, configs = [], {}
        for item in extensions:
            if isinstance(item, dict):
                ((name, config),) = item.items()
                names.append(name)
                configs[name] = config or {}
            else:
                names.append(item)
        self.names, self.configs = names, configs

    def convert(self, path: str) -> Section:
        meta, body = _split_front_matter(self.content.pages[path])
        md = python_markdown.Markdown(extensions=self.names, extension_configs=self.configs)
        html = disarm_html(md.convert(body))
        html = _IMG.sub(lambda m: self._chart(path, m), html)
        html = _HREF.sub(lambda m: self._link(path, m), html)
        prefix = _anchor(path)
        html = _ID.sub(lambda m: f' id="{prefix}--{m.group(1)}"', html)
        title = str(meta.get("title") or path)
        return Section(path, title, html)

    def _chart(self, source: str, match: re.Match[str]) -> str:
        chart, _ = _page_of(source, match.group(1))
        file = self.content.files.get(chart or "")
        alt = _ALT.search(match.group(0))
        if file is None:
            return alt.group(1) if alt else ""
        data = base64.b64encode(file.read_bytes()).decode("ascii")
        alt_text = f' alt="{alt.group(1)}"' if alt else ""
        return f'<img class="pack-chart" src="data:image/svg+xml;base64,{data}"{alt_text}>'

    def _link(self, source: str, match: re.Match[str]) -> str:
        opening, href = match.group(1), match.group(2)
        if href.startswith(("https:", "http:", "mailto:")):
            return f'{opening} href="{href}"'
        page, fragment = _page_of(source, href.replace("&amp;", "&"))
        if page in self.included:
            target = _anchor(page) + (f"--{fragment}" if fragment else "")
            return f'{opening} href="#{escape(target)}"'
        return opening  # a page the pack does not hold: the text stays, the link goes


def _chosen(content: SiteContent, improvements: Iterable[str] | None, whole: bool) -> list[str]:
    validation = content.validation
    assert validation is not None
    if improvements:
        ids = list(improvements)
    elif whole:
        ids = [s.id for s in validation.status.improvements]
    else:
        ids = [s.id for s in validation.status.improvements if s.health in ATTENTION]
    return [f"improvements/{i}.md" for i in ids if f"improvements/{i}.md" in content.pages]


def commit_of(root: Path) -> str:
    """The short id of the commit the pack is made from, "uncommitted" when none."""
    from csitools.history.git import GitError, resolve_commit

    try:
        return resolve_commit(root, "HEAD")[:7]
    except (GitError, OSError):
        return "uncommitted"


def pack_of(
    content: SiteContent,
    root: Path,
    as_of: date,
    commit: str,
    *,
    review: str | None = None,
    improvements: Iterable[str] | None = None,
    whole: bool = False,
) -> Pack:
    """The pack's sections, from the pages the site shows as of ``as_of``
    (``content.generate_site``)."""
    validation = content.validation
    assert validation is not None
    wanted = ["review.md"] if not whole else ["index.md", "review.md"]
    wanted += [p for p in ("benefits.md",) if p in content.pages]
    wanted += _chosen(content, improvements, whole)
    wanted += ["register/index.md"]
    if review is not None and f"reviews/{review}.md" in content.pages:
        wanted.insert(0, f"reviews/{review}.md")
    pages = [p for p in dict.fromkeys(wanted) if p in content.pages]
    config = root / "mkdocs.yml"
    extensions = (read_config(config) if config.is_file() else {}).get("markdown_extensions")
    converter = _Converter(content, set(pages), list(extensions or DEFAULT_EXTENSIONS))
    sections = tuple(converter.convert(p) for p in pages)
    settings = validation.register.settings
    return Pack(settings.title, as_of, commit, review, sections, settings.report_paper)


_STEPS = "".join(
    f".csi-w-{n} {{ width: {n}%; }} .csi-at-{n} {{ left: {n}%; }}\n" for n in range(0, 101, 5)
)
"""The progress bars' widths and ticks, in the site's steps of 5% (``portfolio``)."""


def _css(paper: str) -> str:
    css = resources.files("csitools.publish").joinpath("assets", "pack.css").read_text("utf-8")
    return css.replace("PAPER", "A4" if paper == "a4" else "letter") + _STEPS


def render_html(pack: Pack, paper: str = "a4") -> str:
    """The pack as one HTML document: CSS inline, charts inline, no outside request."""
    title = disarm_title(pack.title)
    toc = "".join(
        f'<li><a href="#{_anchor(s.path)}">{disarm_title(s.title)}</a></li>' for s in pack.sections
    )
    review = f"<p>For the review {escape(pack.review)}</p>" if pack.review else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}: board pack as of {pack.as_of.isoformat()}</title>",
        f"<style>{_css(paper)}</style></head><body>",
        f'<header class="pack-footer">{title} · as of {pack.as_of.isoformat()}'
        f" · commit {escape(pack.commit)}</header>",
        '<section class="pack-cover">',
        f"<h1>{title}</h1><p class='pack-sub'>Board pack</p>",
        f"<p>As of {pack.as_of.strftime('%-d %B %Y')}</p>",
        f"<p>Commit <code>{escape(pack.commit)}</code></p>{review}",
        f'<nav class="pack-toc"><h2>Contents</h2><ol>{toc}</ol></nav></section>',
    ]
    for section in pack.sections:
        parts.append(f'<section class="pack-section" id="{_anchor(section.path)}">')
        parts.append(section.html)
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


class PdfUnavailable(Exception):
    """The PDF renderer is not installed; the message says how to install it."""


def pdf_renderer() -> Any:
    """The WeasyPrint module, or ``PdfUnavailable`` saying how to install it."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise PdfUnavailable(
            "the PDF renderer is not installed: pip install 'csitools[pdf]' (WeasyPrint; "
            "on Debian or Ubuntu it also needs apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0), or write --format html ({exc})"
        ) from exc
    return weasyprint


class PdfDateError(ValueError):
    """SOURCE_DATE_EPOCH is set but holds no time; the message says so."""


def pdf_moment() -> str:
    """When the PDF says it was made (its creation and modification dates), in UTC:
    SOURCE_DATE_EPOCH when it is set, as in a reproducible build, else now."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        moment = datetime.now(UTC)
    else:
        try:
            moment = datetime.fromtimestamp(int(text), UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise PdfDateError(
                f"SOURCE_DATE_EPOCH={text!r} is not a time: set it to whole seconds since "
                "1970-01-01 UTC, such as $(git log -1 --format=%ct), or unset it"
            ) from exc
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def pdf_bytes(html: str) -> bytes:
    """The pack's HTML as a PDF (WeasyPrint): paper, page numbers and the as-of date in
    the footer, a contents list with page numbers, vector charts, text extractable;
    dated by ``pdf_moment``, so the same HTML and SOURCE_DATE_EPOCH give the same bytes."""
    moment = pdf_moment()
    document = pdf_renderer().HTML(string=html, base_url=None).render()
    document.metadata.created = document.metadata.modified = moment
    data: bytes = document.write_pdf(uncompressed_pdf=False)
    return data


def render_pdf(html: str, out: Path) -> None:
    """The pack's HTML as a PDF file (``pdf_bytes``), written whole."""
    replace_file(out, pdf_bytes(html))
