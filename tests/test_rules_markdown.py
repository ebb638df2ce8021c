"""The escaping rules at their edges (csitools/publish/markdown.py): what each function
writes for the text a contributor may give, exactly. Cases are data."""

from __future__ import annotations

import pytest

from csitools.publish.markdown import (
    attribute,
    cell,
    code,
    front_matter,
    link,
    mailto,
    safe_md,
    script_json,
    url_path,
)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # A number then '.' or ')' starts an ordered list: the mark after it is encoded.
        ("2026. A good year", "2026&#46; A good year"),
        ("3) Third", "3&#41; Third"),
        # Any other block start: its first character is encoded.
        ("# Heading", "&#35; Heading"),
        ("- item", "&#45; item"),
        ("20 percent", "20 percent"),
    ],
)
def test_a_cell_that_would_start_a_block_is_encoded_at_the_mark(text: str, written: str) -> None:
    assert cell(text) == written


@pytest.mark.parametrize("empty", [None, ""])
def test_nothing_gives_nothing(empty: str | None) -> None:
    assert (safe_md(empty), mailto(empty)) == ("", "")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("XML export", "`XML export`"),
        ("a|b", "<code>a&#124;b</code>"),
        ("a`b", "<code>a&#96;b</code>"),
    ],
)
def test_code_is_a_code_span_unless_it_holds_a_backtick_or_a_pipe(text: str, written: str) -> None:
    assert code(text) == written


def test_a_url_path_encodes_a_slash_inside_a_part() -> None:
    assert url_path("..", "Service Desk/EMEA", "index.md") == "../Service%20Desk%2FEMEA/index.md"


def test_a_link_encodes_a_hash_in_its_target_and_a_slash_in_its_fragment() -> None:
    assert link("CSI #7", "kpis/a#b.md", "cycle 2/3") == ("[CSI #7](kpis/a%23b.md#cycle%202%2F3)")


def test_a_mailto_link_keeps_the_address_readable() -> None:
    assert mailto("o.whitaker+csi@northbridge.example") == (
        "[o.whitaker+csi@northbridge.example](mailto:o.whitaker+csi@northbridge.example)"
    )


def test_front_matter_keeps_any_letter_and_a_long_title_on_one_line() -> None:
    title = "Réduire le délai de résolution des incidents " * 4
    assert front_matter(title.strip(), hide=["toc"]) == (
        f"---\ntitle: {title.strip()}\nhide:\n- toc\n---\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('https://example.org/"><script>', "https://example.org/&#34;&gt;&lt;script&gt;"),
        ("a & b 'c'", "a &amp; b &#39;c&#39;"),
        ("/site/\x00\x1b[31m\x7fpath", "/site/[31mpath"),  # control characters dropped
        (42, "42"),
        ("Zürich", "Zürich"),
    ],
)
def test_an_attribute_value_cannot_end_its_quotes_or_open_a_tag(
    text: object, expected: str
) -> None:
    assert str(attribute(text)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "</script><script>alert(1)</script>",
            '"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"',
        ),
        (
            {"url": "https://example.org/a<b", "n": 1},
            '{"url": "https://example.org/a\\u003cb", "n": 1}',
        ),
        ("Zürich — 5 > 4", '"Zürich — 5 > 4"'),  # non-ASCII kept as it is, > harmless
        (["<!--"], '["\\u003c!--"]'),
    ],
)
def test_script_data_holds_no_less_than_sign(value: object, expected: str) -> None:
    """JSON inside <script type="application/json">: without a `<`, no text can end the
    element or open a comment in it; parsed back, it is the same value."""
    import json

    assert script_json(value) == expected
    assert json.loads(script_json(value)) == value
