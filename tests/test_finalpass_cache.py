"""The final pass keeps each region's disarmed HTML in a signed cache: a rebuild, which
writes every page again, disarms only the regions it has not seen, and gives the same
bytes as a pass without the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from csitools.publish import finalpass
from csitools.publish.cachetrust import Signer
from csitools.publish.finalpass import PAGE_END, PAGE_START, disarm_site
from csitools.publish.pagecache import PageCache


def write_site(site: Path, bodies: dict[str, str]) -> None:
    for name, body in bodies.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(f"<html><article>{PAGE_START}{body}{PAGE_END}</article></html>")


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text() for p in sorted(site.rglob("*.html"))}


def test_a_rebuild_disarms_only_the_regions_it_has_not_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = {
        "a/index.html": '<p onclick="x()">one</p>',
        "b/index.html": "<p>two</p><script>y()</script>",
    }
    plain, cached = tmp_path / "plain", tmp_path / "cached"
    write_site(plain, bodies)
    write_site(cached, bodies)
    cache = tmp_path / "cache"
    assert disarm_site(plain) == 2
    assert disarm_site(cached, PageCache(cache, Signer(b"k" * 32))) == 2
    assert (
        pages(cached)
        == pages(plain)
        == {
            "a/index.html": "<html><article><p>one</p></article></html>",
            "b/index.html": "<html><article><p>two</p></article></html>",
        }
    )
    calls: list[str] = []
    real = finalpass.disarm_html
    monkeypatch.setattr(finalpass, "disarm_html", lambda html: calls.append(html) or real(html))
    write_site(cached, {**bodies, "b/index.html": "<p>three</p>"})  # the builder again
    assert disarm_site(cached, PageCache(cache, Signer(b"k" * 32))) == 2
    assert calls == ["<p>three</p>"]
    assert pages(cached)["a/index.html"] == "<html><article><p>one</p></article></html>"
    assert len(list(cache.glob("*.json"))) == 2  # the region no page holds was pruned


def test_an_entry_another_key_signed_is_not_used(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    write_site(site, {"index.html": "<p>one</p>"})
    disarm_site(site, PageCache(cache, Signer(b"k" * 32)))
    entry = next(cache.glob("*.json"))
    mac, _, _ = entry.read_bytes().partition(b"\n")
    entry.write_bytes(mac + b'\n{"html": "<script>forged()</script>"}')
    write_site(site, {"index.html": "<p>one</p>"})
    disarm_site(site, PageCache(cache, Signer(b"k" * 32)))
    assert pages(site) == {"index.html": "<html><article><p>one</p></article></html>"}


S, E = "<!-- csi:page -->", "<!-- /csi:page -->"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (f"x{S}a{E}y{S}b{E}z", "x[a]y[b]z"),  # each region, markers taken out
        (f"x{S}a", f"x{S}a"),  # a start without an end is left
        (f"{E}x{S}a{E}", f"{E}x[a]"),  # an end before any start is text
        (f"{S}a{S}b{E}c{E}", f"[a{S}b]c{E}"),  # a region ends at the first end after it
        (f"{S}{E}", "[]"),
        ("no markers", "no markers"),
    ],
)
def test_the_final_pass_replaces_what_lies_between_the_markers(html: str, expected: str) -> None:
    from csitools.publish.finalpass import _each_region

    assert _each_region(html, lambda region: f"[{region}]") == expected
