"""The final pass over a built site: every generated page's content through the one
allow-list sanitiser (``markdown.disarm_html``), whatever builder made the HTML.

Staging wraps the body of each generated page in ``PAGE_START`` / ``PAGE_END``
comments; Markdown passes comments through, so the built HTML still holds them and
this pass disarms exactly what lies between them and takes the markers out. User
text cannot forge a marker: it reaches the Markdown escaped, so it never makes a
comment. The MkDocs plugin disarms the same HTML in its ``on_page_content`` hook (a
plain ``mkdocs build`` runs no final pass); the sanitiser strips comments, so a page
built there has no markers left and this pass leaves it as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

from csitools.files import replace_file
from csitools.publish.markdown import disarm_html

PAGE_START = "<!-- csi:page -->"
PAGE_END = "<!-- /csi:page -->"
_REGION = re.compile(re.escape(PAGE_START) + r"(.*?)" + re.escape(PAGE_END), re.S)


def wrap_page(markdown: str) -> str:
    """A generated page's Markdown with its body between the markers (front matter,
    when there is one, stays first)."""
    head = ""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            head, markdown = markdown[: end + 5], markdown[end + 5 :]
    return f"{head}{PAGE_START}\n\n{markdown.rstrip()}\n\n{PAGE_END}\n"


def disarm_page(html: str) -> str:
    """The built HTML of one page with every marked region disarmed, markers removed."""
    return _REGION.sub(lambda m: disarm_html(m.group(1)), html)


def disarm_site(site: Path) -> int:
    """Disarm every built page of ``site``; returns how many pages held generated content."""
    touched = 0
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if PAGE_START not in html:
            continue
        touched += 1
        replace_file(page, disarm_page(html).encode("utf-8"), durable=False)
    return touched
