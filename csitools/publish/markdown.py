"""User text -> inert Markdown and HTML: the one place the site escapes anything.

Every value a contributor, a setting or git wrote reaches a page through these
functions, and every generated page's HTML passes through ``disarm_html`` at the end:

- ``cell``: one line of text, shown as text in a table cell, a link's label, a heading
  or an attribute (raw HTML, Markdown syntax and control characters all escaped);
- ``safe_md``: a multi-line Markdown field (a summary) with raw HTML shown as text and
  attribute lists disarmed; its links are checked by ``disarm_html`` after rendering;
- ``code``: text as inline code, escaped once (a Markdown code span would show the
  entities ``cell`` writes);
- ``link``, ``https_link``, ``mailto``: links built from escaped parts, every character
  that could end a Markdown link or an HTML attribute percent-encoded;
- ``front_matter``: a page's YAML front matter written by a YAML dumper, with the title
  as escaped HTML (themes print ``page.meta.title`` unescaped into ``<title>``);
- ``disarm_html``: an allow-list sanitiser (nh3, the binding of the Ammonia crate) over
  a page's HTML: only the tags, attributes, classes of style and URL schemes the
  generated pages use survive. It is a plain function over HTML, so any builder can
  call it as its final step, whatever hooks it runs.

Functions return ``markupsafe.Markup``: text already made inert, which ``link`` and
the others take as it is instead of escaping it a second time.
"""

from __future__ import annotations

import html
import json
import re
from importlib import metadata
from typing import Any
from urllib.parse import quote

import nh3
import yaml
from markupsafe import Markup, escape

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters, dropped from user text: Python-Markdown marks its own stash with
\\x02 and \\x03, so a field that carried them could pull stashed HTML into the page."""

_CELL_ESCAPES = str.maketrans(
    {c: f"&#{ord(c)};" for c in "\\`*_{}[]|~^"}
    | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
    # The double quote too: a cell may end up inside an attribute (an image's alt text).
    | {'"': "&quot;"}
)
"""What ``cell`` encodes: HTML's own characters, and every character of Markdown's
inline syntax (emphasis, code, links, attribute lists, table cells, the backslash
escape, and the strike/mark/caret syntax of the pymdownx extensions)."""

_BLOCK_START = re.compile(r"^(?:[#=+\-!:?%$.]|\d+(?=[.)]))")
"""What makes a line a heading, a list, a tab, an admonition or a definition when it
starts one: ``cell`` encodes it, for a value placed at the start of a line."""

_HTTPS_URL = re.compile(r"https://[^\s/?#]+\S*", re.I)
_URL_SAFE = "/:@!$&*+,;=?#%-._~"
"""Characters a link to an https URL keeps; anything else (quotes, brackets,
parentheses, angle brackets, spaces) is percent-encoded so it cannot end the Markdown
link or the attribute it becomes."""


def plain(text: object) -> str:
    """User text as one line: control characters dropped, runs of whitespace (any
    Unicode line or paragraph separator too) turned into single spaces."""
    if text is None:
        return ""
    return " ".join(_CONTROL.sub("", str(text)).split())


def attribute(text: object) -> Markup:
    """Text as the value of a double-quoted HTML attribute (``<base href="...">``)."""
    return escape(_CONTROL.sub("", str(text)))


def script_json(value: object) -> str:
    """A value as JSON inside ``<script type="application/json">``: no ``<`` in it, so
    text such as ``</script>`` cannot end the element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def cell(text: object) -> Markup:
    """One line of text, shown as text wherever Markdown puts it: a table cell, a
    link's label, a heading, an image's alt text, the start of a line."""
    if isinstance(text, Markup):
        return text
    value = plain(text).translate(_CELL_ESCAPES)
    start = _BLOCK_START.match(value)
    if start:
        first = start.group(0) if start.group(0)[0].isdigit() else ""
        mark = value[len(first)]
        value = f"{first}&#{ord(mark)};{value[len(first) + 1 :]}"
    return Markup(value)


def safe_md(text: str | None) -> Markup:
    """Contributor Markdown that cannot carry live markup: raw HTML is escaped (shown
    as text), ``{...}`` attribute lists are disarmed and control characters dropped;
    the links it makes are checked after rendering by ``disarm_html``."""
    if not text:
        return Markup("")
    value = str(escape(_CONTROL.sub("", text)))
    return Markup(value.replace("{", "&#123;").replace("}", "&#125;"))


def code(text: object) -> Markup:
    """Text as inline code, escaped once; safe in a table cell: a Markdown code span
    (which shows its text as it is) when the text holds no backtick or pipe, else a
    ``<code>`` element around the text escaped as a cell."""
    value = plain(text)
    if value and not any(c in value for c in "`|"):
        return Markup(f"`{value}`")
    return Markup(f"<code>{cell(value)}</code>")


def url_path(*parts: str) -> str:
    """A relative link target from path parts, each percent-encoded whole (``..``
    stays, a ``/`` inside a part does not separate)."""
    return "/".join(quote(part, safe="") for part in parts)


def link(label: object, target: str, fragment: str | None = None) -> Markup:
    """A Markdown link: ``label`` escaped as a cell (unless it is Markup already),
    ``target`` percent-encoded except for the characters a URL is made of."""
    href = quote(target, safe=_URL_SAFE.replace("#", ""))
    if fragment is not None:
        href += "#" + quote(fragment, safe="")
    return Markup(f"[{cell(label)}]({href})")


def https_link(text: str) -> Markup:
    """An https URL as a Markdown link to itself; any other text stays escaped text
    (record numbers such as PRB0040298, and every other scheme)."""
    if not _HTTPS_URL.fullmatch(text):
        return cell(text)
    return Markup(f"[{cell(text)}]({quote(text, safe=_URL_SAFE)})")


def mailto(address: str | None) -> Markup:
    """An e-mail address as a ``mailto:`` link, every unusual character encoded."""
    if not address:
        return Markup("")
    return Markup(f"[{cell(address)}](mailto:{quote(address, safe='@.+-_~')})")


def inert_title(text: object) -> Markup:
    """A page title as HTML that shows the text as it is: escaped, on one line."""
    return escape(plain(text))


def front_matter(title: object, **meta: Any) -> Markup:
    """A page's front matter, dumped by YAML (never pasted together): ``title`` as
    escaped HTML, so a theme that prints it raw shows the text, and ``meta`` as given."""
    data = {"title": str(inert_title(title)), **meta}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    return Markup(f"---\n{body}---\n")


# ---- The final step: an allow-list over the HTML of a generated page ------------------

_TAGS = {
    *("a", "abbr", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt"),
    *("em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "input", "ins", "kbd"),
    *("label", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub"),
    *("summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
}
"""What Python-Markdown, its standard extensions and pymdownx's produce for the pages."""

_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "abbr": set(),
    "details": {"open"},
    "div": {"data-tabs"},
    "img": {"alt", "height", "loading", "src", "width"},
    "input": {"checked", "disabled", "name"},
    "label": {"for"},
    "ol": {"start"},
    "span": {"data-sort", "data-facet", "data-value", "data-label"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "scope", "style"},
}

_NOT_A_URL = re.compile(
    r"[\x00-\x20\x7f-\x9f\u2028\u2029]|&(?:#[0-9]+;?|#x[0-9a-f]+;?|[a-z][a-z0-9]*;)", re.I
)
"""What no URL holds: a space or control character (a browser drops tabs and newlines
and might find a scheme after all) or a character reference left after decoding (a
target spelt with entities inside entities, ``&amp;#106;avascript:``)."""


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """A link's or image's target that is no URL goes; the text stays."""
    if attribute in ("href", "src") and _NOT_A_URL.search(value):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    attribute_filter=_url_filter,
    tag_attribute_values={"input": {"type": {"checkbox", "radio"}}},
    link_rel=None,
    url_schemes={"http", "https", "mailto"},
    filter_style_properties={"text-align"},
    strip_comments=True,
)

DISARM_VERSION = f"nh3 {metadata.version('nh3')}"
"""Part of what a cached page is keyed by: another sanitiser may keep other HTML."""


def disarm_html(fragment: str) -> str:
    """The HTML of a generated page with everything but the allow-list removed: no
    script, no event handler, no style but text alignment, no link or image whose URL
    scheme is not http, https or mailto (however it is spelt), no unknown tag."""
    return _CLEANER.clean(fragment)


def disarm_title(title: str) -> Markup:
    """A page title (HTML) as a theme may print it raw, in text or in an attribute: the
    tags stripped, the text escaped once, quotes included."""
    return escape(plain(html.unescape(nh3.clean(plain(title), tags=set()))))
