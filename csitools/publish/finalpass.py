"""The final pass over a built site: every generated page's content through the one
allow-list sanitiser (``markdown.disarm_html``), whatever builder made the HTML.

Staging wraps the body of each generated page in ``PAGE_START`` / ``PAGE_END``
comments; Markdown passes comments through, so the built HTML still holds them and
this pass disarms exactly what lies between them and takes the markers out. User
text cannot forge a marker: it reaches the Markdown escaped, so it never makes a
comment. The MkDocs plugin disarms the same HTML in its ``on_page_content`` hook (a
plain ``mkdocs build`` runs no final pass); the sanitiser strips comments, so a page
built there has no markers left and this pass leaves it as it is.

A builder writes every page again on every build, but most pages are the same as last
time: with a ``PageCache`` (signed, as the MkDocs plugin's page cache is) each region's
disarmed HTML is kept under a hash of the region and the sanitiser's version, and a
rebuild disarms only the regions it has not seen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from csitools.files import replace_file
from csitools.publish.markdown import DISARM_VERSION, disarm_html
from csitools.publish.pagecache import PageCache

FINAL = "final"
"""The final pass's cache folder, in csi's cache folder."""

PAGE_START = "<!-- csi:page -->"
PAGE_END = "<!-- /csi:page -->"


def _each_region(html: str, replace: Callable[[str], str]) -> str:
    """``html`` with what lies between each start marker and the first end marker
    after it, markers included, replaced by ``replace`` of it (a start marker without
    an end is left as it is). A page is tens of kilobytes: finding the markers as text
    is a tenth of the cost of a pattern that matches everything between them."""
    out, at = [], 0
    while (start := html.find(PAGE_START, at)) != -1:
        end = html.find(PAGE_END, start + len(PAGE_START))
        if end == -1:
            break
        out += [html[at:start], replace(html[start + len(PAGE_START) : end])]
        at = end + len(PAGE_END)
    out.append(html[at:])
    return "".join(out)


def wrap_page(markdown: str) -> str:
    """A generated page's Markdown with its body between the markers (front matter,
    when there is one, stays first)."""
    head = ""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            head, markdown = markdown[: end + 5], markdown[end + 5 :]
    return f"{head}{PAGE_START}\n\n{markdown.rstrip()}\n\n{PAGE_END}\n"


def disarm_page(html: str, cache: PageCache | None = None, used: set[str] | None = None) -> str:
    """The built HTML of one page with every marked region disarmed, markers removed;
    with ``cache``, a region seen before is taken from it (its key added to ``used``)."""

    def disarmed(region: str) -> str:
        if cache is None:
            return disarm_html(region)
        key = hashlib.sha256(f"{DISARM_VERSION}\0{region}".encode()).hexdigest()
        if used is not None:
            used.add(key)
        hit = cache.lookup(key)
        if hit is not None and isinstance(hit.get("html"), str):
            return str(hit["html"])
        clean = disarm_html(region)
        cache.store(key, {"html": clean})
        return clean

    return _each_region(html, disarmed)


def disarm_site(site: Path, cache: PageCache | None = None) -> int:
    """Disarm every built page of ``site``; returns how many pages held generated content.
    With ``cache``, the regions no page holds any more are pruned from it."""
    touched, used = 0, set[str]()
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if PAGE_START not in html:
            continue
        touched += 1
        replace_file(page, disarm_page(html, cache, used).encode("utf-8"), durable=False)
    if cache is not None:
        cache.prune(used)
    return touched
