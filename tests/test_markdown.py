"""csitools.publish.markdown, the one module that makes user text inert: each function
against several spellings of each attack, rendered by the Markdown the site uses."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown as md
import pytest
import yaml

from csitools.publish.markdown import (
    cell,
    code,
    disarm_html,
    disarm_title,
    front_matter,
    https_link,
    link,
    mailto,
    plain,
    safe_md,
    url_path,
)

EXTENSIONS = [
    "admonition",
    "attr_list",
    "def_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
]
"""The sample mkdocs.yml's Markdown extensions."""

HOSTILE = [
    "<script>document.title='x1'</script>",
    "<img src=x onerror=document.title='x2'>",
    "\x3cimg src=x onerror=document.title='x3'\x3e",  # YAML's \x3c, decoded by the loader
    "&lt;b&gt;entity&lt;/b&gt; &#60;i&#62; &amp;amp;",
    "ends with a backslash\\",
    "x](javascript:document.title='x4') [y",
    "[a](javascript:document.title='x5')",
    "![i](x.png){: onerror=document.title='x6' }",
    "{: onclick=document.title='x7' }",
    "a | b | c",
    "`code` *em* _em_ **strong** ~~del~~ ==mark== ^^ins^^",
    "# heading",
    "- item",
    "1. item",
    "2026) item",
    '=== "tab"',
    "!!! note",
    ": definition",
    "\x02wzxhzdk:0\x03 stash marker",
    "quote \" and apostrophe ' and <",
    "line\nbreak\u2028separator\u0085next",
    "https://x.org/\"><script>document.title='x8'</script>",
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def render(text: str) -> str:
    return md.markdown(text, extensions=EXTENSIONS)


def elements(fragment: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(fragment)
    return parser.tags


def shown(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_is_shown_as_its_text_in_every_place_markdown_puts_it(text: str) -> None:
    value = cell(text)
    expected = plain(text)
    table = render(f"| Field | Value |\n|---|---|\n| x | {value} |\n")
    tags = ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert [t for t, _ in elements(table)] == tags  # two cells, whatever the text holds
    rows = re.findall(r"<td>(.*?)</td>", table, re.S)
    assert len(rows) == 2 and shown(rows[1]) == expected
    linked = render(f"{link(text, '../kpis/x.md')}")
    assert [t for t, _ in elements(linked)] == ["p", "a"]
    assert elements(linked)[1][1] == [("href", "../kpis/x.md")]
    assert shown(linked) == expected
    heading = render(f"# {value}")
    assert [t for t, _ in elements(heading)] == ["h1"]
    assert shown(heading) == expected
    start = render(f"{value}\n")  # at the start of a line: no list, heading or tab
    assert [t for t, _ in elements(start)] == ["p"]
    assert shown(start) == expected


def test_cell_escapes_once_and_keeps_markup_it_made() -> None:
    assert cell('a|b "c"\n_d_') == "a&#124;b &quot;c&quot; &#95;d&#95;"
    assert cell("A & B") == "A &amp; B"
    assert cell(cell("A & B")) == "A &amp; B"  # already inert: not escaped again
    assert cell(None) == ""
    assert cell(7) == "7"
    assert plain(" a \t b\x00\x1b[31m\n c ") == "a b[31m c"


@pytest.mark.parametrize(
    ("text", "shown_as"),
    [
        ("<script>alert('s')</script>", "&lt;script&gt;alert(&#39;s&#39;)&lt;/script&gt;"),
        ("\\<b>x</b>\\", "\\&lt;b&gt;x&lt;/b&gt;\\"),
        ("{: onclick=alert(3) }", "&#123;: onclick=alert(3) &#125;"),
        ("<b>x</b> & {: .x }", "&lt;b&gt;x&lt;/b&gt; &amp; &#123;: .x &#125;"),
        ("a\x02wzxhzdk:0\x03b", "awzxhzdk:0b"),
    ],
)
def test_safe_md_escapes_raw_html_and_attribute_lists(text: str, shown_as: str) -> None:
    assert safe_md(text) == shown_as


@pytest.mark.parametrize(
    "target",
    [
        "javascript:document.title='x'",
        "JaVaScRiPt:document.title='x'",
        " javascript:document.title='x'",
        "java&#x09;script:document.title='x'",
        "java&Tab;script:document.title='x'",
        "&#106;avascript:document.title='x'",
        "&#x6A;avascript:document.title='x'",
        "vbscript:msgbox(1)",
        "data:text/html,<script>document.title='x'</script>",
        "file:///etc/passwd",
    ],
)
def test_summary_links_to_a_script_scheme_never_reach_the_browser_as_one(target: str) -> None:
    for source in (f"[a]({target})", f"[a][r]\n\n[r]: {target}", f"![a]({target})"):
        page = disarm_html(render(safe_md(source)))
        urls = [v or "" for _, attrs in elements(page) for n, v in attrs if n in ("href", "src")]
        assert [u for u in urls if browser_scheme(u) not in ("", "http", "https")] == [], page


def browser_scheme(url: str) -> str:
    """The scheme a browser finds in an attribute's (decoded) value: it drops leading
    spaces and control characters and every tab and newline (the URL standard)."""
    url = re.sub(r"[\t\n\r]", "", url).lstrip("".join(map(chr, range(33))))
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return found.group(1).lower() if found else ""


@pytest.mark.parametrize(
    ("fragment", "disarmed"),
    [
        ('<a href="java&#x09;script:x">a</a>', "<a>a</a>"),
        ('<a href="&#106;avascript:x">a</a>', "<a>a</a>"),
        ('<a href="https://x.org/">a</a>', '<a href="https://x.org/">a</a>'),
        ('<a href="java    script:x">a</a>', "<a>a</a>"),
        ('<img src="x&#10;y">', "<img>"),
        ('<a href="&amp;#106;avascript:x">a</a>', "<a>a</a>"),
        ('<a href="&amp;Tab;x">a</a>', "<a>a</a>"),
        ('<a href="https://x.org/?a=1&amp;b=2">a</a>', '<a href="https://x.org/?a=1&amp;b=2">a</a>'),
        ('<a href="../people/#bob">a</a>', '<a href="../people/#bob">a</a>'),
        ('<a href="mailto:a@x.org">a</a>', '<a href="mailto:a@x.org">a</a>'),
        ("<p onclick=\"document.title='x'\">p</p>", "<p>p</p>"),
        ("<script>document.title='x'</script>t", "t"),
        ("<style>body{display:none}</style>t", "t"),
        ("<svg onload=\"document.title='x'\"><title>t</title></svg>", ""),
        ("<iframe src=\"https://x.org/\"></iframe>t", "t"),
        ('<td style="text-align: right;position:fixed">1</td>', "1"),
        ('<table><tr><td style="text-align: right; position: fixed">1</td></tr></table>',
         '<table><tbody><tr><td style="text-align:right">1</td></tr></tbody></table>'),
        ('<input type="text" name="q"><input type="radio" checked>',
         '<input name="q"><input type="radio" checked="">'),
        ("<!-- note --><p>x</p>", "<p>x</p>"),
    ],
)  # fmt: skip
def test_disarm_html_keeps_only_the_allow_list(fragment: str, disarmed: str) -> None:
    assert disarm_html(fragment) == disarmed


def test_disarm_html_keeps_what_the_pages_use() -> None:
    page = render(
        '# T &amp; U { #t }\n\n!!! warning "Health"\n    text\n\n'
        '=== "One"\n\n    a\n\n=== "Two"\n\n    b\n\n'
        '<div class="csi-card" markdown>\n\n**[k](../kpis/k.md)** '
        '<span class="csi-badge" data-sort="2">at-risk</span>\n\n</div>\n\n'
        "| a | b |\n|--:|:-:|\n| 1 | 2 |\n\n"
        '[![alt](../charts/c.svg){ loading=lazy }](../charts/c.svg "Open")\n'
    )
    assert disarm_html(page) == disarm_html(disarm_html(page))  # a fixed point
    kept = elements(disarm_html(page))
    assert kept == [
        ("h1", [("id", "t")]),
        ("div", [("class", "admonition warning")]),
        ("p", [("class", "admonition-title")]),
        ("p", []),
        ("div", [("class", "tabbed-set"), ("data-tabs", "1:2")]),
        ("input", [("checked", "checked"), ("id", "__tabbed_1_1"), ("name", "__tabbed_1"),
                   ("type", "radio")]),
        ("label", [("for", "__tabbed_1_1")]),
        ("div", [("class", "tabbed-content")]),
        ("p", []),
        ("input", [("id", "__tabbed_1_2"), ("name", "__tabbed_1"), ("type", "radio")]),
        ("label", [("for", "__tabbed_1_2")]),
        ("div", [("class", "tabbed-content")]),
        ("p", []),
        ("div", [("class", "csi-card")]),
        ("p", []),
        ("strong", []),
        ("a", [("href", "../kpis/k.md")]),
        ("span", [("class", "csi-badge"), ("data-sort", "2")]),
        ("table", []), ("thead", []), ("tr", []),
        ("th", [("style", "text-align:right")]), ("th", [("style", "text-align:center")]),
        ("tbody", []), ("tr", []),
        ("td", [("style", "text-align:right")]), ("td", [("style", "text-align:center")]),
        ("p", []),
        ("a", [("href", "../charts/c.svg"), ("title", "Open")]),
        ("img", [("alt", "alt"), ("loading", "lazy"), ("src", "../charts/c.svg")]),
    ]  # fmt: skip


@pytest.mark.parametrize("title", [*HOSTILE, "Cost & quality", "ends\\", '"quoted"'])
def test_front_matter_is_yaml_whose_title_is_inert_html(title: str) -> None:
    text = front_matter(title, hide=["toc"])
    assert text.startswith("---\n") and text.endswith("---\n")
    meta = yaml.safe_load(text.removeprefix("---\n").removesuffix("---\n"))
    assert list(meta) == ["title", "hide"] and meta["hide"] == ["toc"]
    assert "<" not in meta["title"] and '"' not in meta["title"]
    assert html.unescape(meta["title"]) == plain(title)  # the text, once decoded
    assert disarm_title(meta["title"]) == meta["title"]  # nothing left to strip


def test_disarm_title_strips_tags_and_keeps_entities_single() -> None:
    assert disarm_title("A &amp; B") == "A &amp; B"
    assert disarm_title("<img src=x onerror=alert(1)>A & B") == "A &amp; B"
    assert disarm_title("<script>x</script>T") == "T"


def test_links_are_built_from_encoded_parts() -> None:
    assert link("x", "../people.md", "a b") == "[x](../people.md#a%20b)"
    assert link('a")', 'f(1) "q".md') == "[a&quot;)](f%281%29%20%22q%22.md)"
    assert link(code("abc"), "https://x.org/c/1") == "[`abc`](https://x.org/c/1)"
    assert url_path("..", "register", 'CSI-0001-a)"b.yaml') == "../register/CSI-0001-a%29%22b.yaml"
    assert (
        https_link('https://x.org/a"(b)') == "[https://x.org/a&quot;(b)](https://x.org/a%22%28b%29)"
    )
    assert https_link("https://x.org/a b") == "https://x.org/a b"  # not one URL: text
    assert https_link("javascript:alert(1)") == "javascript:alert(1)"
    assert https_link("PRB0040298") == "PRB0040298"
    assert mailto('d"><script>@x.org') == (
        "[d&quot;&gt;&lt;script&gt;@x.org](mailto:d%22%3E%3Cscript%3E@x.org)"
    )
    assert code("a|b`c") == "<code>a&#124;b&#96;c</code>"
    assert code("a&b<c>.csv") == "`a&b<c>.csv`"  # a code span shows its text as it is
    for text in ("a&b<c>\\", "x | y", "`z`", "<img src=x onerror=alert(1)>"):
        rendered = render(f"| a |\n|---|\n| {code(text)} |\n")
        [inside] = re.findall(r"<td><code>(.*?)</code></td>", rendered)
        assert "<" not in inside and html.unescape(inside) == text
