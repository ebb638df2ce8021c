"""The board pack inside the built site: ``csi build --with-report`` (or ``report.site:
true`` in the settings) writes the current review pack as ``report/board-pack.html``
and, with the pdf extra, ``report/board-pack.pdf``, and the review pack page links both.

The pack is made from the very pages the site shows (``pack.pack_of`` over the same
``SiteContent``), before the links are added, so its figures are the site's and it does
not link to itself. Its files join the site's assets, which every builder copies as they
are. Without the PDF renderer the HTML is still written and the build says, in one line,
that the PDF was skipped and how to install it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from csitools.publish.content import ContentError, SiteContent
from csitools.publish.markdown import link
from csitools.publish.pack import (
    PdfDateError,
    PdfUnavailable,
    commit_of,
    pack_of,
    pdf_bytes,
    pdf_renderer,
    render_html,
)
from csitools.register.model import Settings

PACK_HTML = "report/board-pack.html"
PACK_PDF = "report/board-pack.pdf"
"""Where the pack lies in the site, by docs path."""

CHOICES = ("off", "html", "pdf")
"""What a build puts in the site: no pack, the HTML pack, or the HTML and the PDF."""

PDF_SKIPPED = (
    "csi: the board pack's PDF was skipped (its renderer, WeasyPrint, is not installed: "
    "pip install 'csitools[pdf]', on Debian or Ubuntu also apt-get install libpango-1.0-0 "
    "libpangoft2-1.0-0); the HTML pack is in the site"
)


def wanted(choice: str | None, settings: Settings) -> str:
    """What the build puts in the site: ``choice`` when given, else what the settings
    ask for (``report.site``: the HTML and the PDF)."""
    if choice is not None:
        return choice
    return "pdf" if settings.report_site else "off"


def pdf_possible(choice: str) -> tuple[str, str | None]:
    """``choice``, "html" instead of "pdf" when the renderer is missing, and the line
    that says so (None when nothing was skipped)."""
    if choice != "pdf":
        return choice, None
    try:
        pdf_renderer()
    except PdfUnavailable:
        return "html", PDF_SKIPPED
    return choice, None


def _with_links(markdown: str, pdf: bool) -> str:
    """The review pack page with a paragraph linking the pack, after its heading."""
    links = link("HTML", PACK_HTML) + (" · " + link("PDF", PACK_PDF) if pdf else "")
    paragraph = (
        f"**The board pack**, this review pack as one document to mail, print and "
        f"archive: {links}.\n\n"
    )
    head, found, rest = markdown.partition("\n# ")
    if not found:
        return markdown.rstrip() + "\n\n" + paragraph
    title, _, body = rest.partition("\n")
    return f"{head}\n# {title}\n\n{paragraph}{body.lstrip(chr(10))}"


def add_board_pack(
    content: SiteContent,
    root: Path,
    as_of: date,
    choice: str,
    say: Callable[[str], None] = lambda _: None,
) -> bool:
    """Put the pack into ``content`` (``choice``: "html" or "pdf", which means both) and
    link it from the review pack page; returns whether the PDF was made. A missing
    renderer is said (``PDF_SKIPPED``), not raised."""
    if choice not in ("html", "pdf"):
        return False
    pack = pack_of(content, root, as_of, commit_of(root))
    html = render_html(pack, pack.paper)
    content.assets[PACK_HTML] = html.encode("utf-8")
    made = False
    if choice == "pdf":
        try:
            content.assets[PACK_PDF] = pdf_bytes(html)
            made = True
        except PdfUnavailable:
            say(PDF_SKIPPED)
        except PdfDateError as exc:
            raise ContentError(str(exc)) from exc
    if "review.md" in content.pages:
        content.pages["review.md"] = _with_links(content.pages["review.md"], made)
    return made
