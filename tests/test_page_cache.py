"""The cache is no way in: an entry csi did not write for its key is never served, a
cache folder git tracks stops the build, and pruning deletes only what csi wrote
(csitools.publish.pagecache and cachetrust, through real builds)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from csitools.publish.cachetrust import Signer, checkout_signer
from csitools.publish.pagecache import MANIFEST, PageCache
from tests.test_site import build, make_site_repo

PLANTED = "<p>PLANTED</p><img src=x onerror=\"document.title='pwned'\">"


def site_files(root: Path) -> dict[str, bytes]:
    site = root / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def entries(root: Path) -> list[Path]:
    return sorted((root / ".cache" / "csi" / "pages").glob("*.json"))


def entry_body(html: str = PLANTED) -> bytes:
    return json.dumps({"html": html, "toc": [], "anchors": []}).encode()


def plant(entry: Path, mac: str, html: str = PLANTED) -> None:
    entry.write_bytes(mac.encode() + b"\n" + entry_body(html))


@pytest.mark.slow
def test_a_planted_cache_entry_is_never_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo")
    build(root, monkeypatch)
    first = site_files(root)
    found = entries(root)
    assert len(found) > 10
    other = Signer(b"1" * 64)
    mine = checkout_signer(root)
    assert mine is not None
    for n, entry in enumerate(found):
        body = entry_body()
        spelling = n % 4
        if spelling == 0:  # no signature at all
            plant(entry, "")
        elif spelling == 1:  # a signature made with another checkout's secret
            plant(entry, other.sign(entry.stem, body))
        elif spelling == 2:  # signed by this checkout, for another page's key
            plant(entry, mine.sign(found[(n + 1) % len(found)].stem, body))
        else:  # a link in the entry's place, to a file that is not csi's
            (tmp_path / "elsewhere.json").write_bytes(b"x\n" + body)
            entry.unlink()
            entry.symlink_to(tmp_path / "elsewhere.json")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'pwned\'"/>'
    cached_charts = sorted((root / ".cache" / "csi" / "charts").glob("*.svg"))
    assert cached_charts
    for chart in cached_charts:  # a chart is served as a document when opened
        chart.write_bytes(svg)
    build(root, monkeypatch)
    assert site_files(root) == first  # every page converted and chart drawn again
    assert not any(b"PLANTED" in data or b"pwned" in data for data in site_files(root).values())


@pytest.mark.slow
def test_a_cache_folder_git_tracks_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    planted = root / ".cache" / "csi" / "pages" / f"{'a' * 64}.json"
    planted.parent.mkdir(parents=True)
    plant(planted, "0" * 64)
    subprocess.run(["git", "add", "-f", ".cache"], cwd=root, check=True)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", "--as-of", "2026-05-15"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-2:] == [
        f"ERROR   -  csi: .cache/csi/ holds files git tracks (.cache/csi/pages/{'a' * 64}.json);"
        " csi never uses a cache from the repository: remove them from git "
        "(git rm -r --cached .cache/csi) and add .cache/csi/ to .gitignore",
        "Error: Aborted with a BuildError!",
    ]
    assert not (root / "site").exists()
    charts = CliRunner().invoke(main, ["charts", "--out", "out"])
    assert charts.exit_code == 0  # its cache, .cache/csi/charts, holds nothing git tracks


@pytest.mark.slow
def test_pruning_deletes_only_entries_csi_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cache_dir: notes, a folder of the user's: a rebuild after a change prunes csi's
    stale entries and nothing else, whatever the manifest in the folder says."""
    root = make_site_repo(tmp_path / "repo")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - csi\n", "  - csi:\n      cache_dir: notes\n"))
    assert "cache_dir: notes" in config.read_text()
    pages, charts = root / "notes" / "pages", root / "notes" / "charts"
    pages.mkdir(parents=True)
    charts.mkdir()
    mine = {
        pages / "todo.json": b'{"mine": true}\n',
        pages / f"{'b' * 64}.json": b"mine, named like an entry\n",
        charts / "sketch.svg": b"<svg>mine</svg>\n",
        charts / f"{'c' * 64}.svg": b"<svg>mine too</svg>\n",
    }
    for path, data in mine.items():
        path.write_bytes(data)
    (pages / MANIFEST).write_text(f"todo.json\n{'b' * 64}.json\n../../register/people.yaml\n")
    people = (root / "register" / "people.yaml").read_bytes()
    build(root, monkeypatch)
    csi_entries = set(pages.glob("*.json")) - set(mine)
    assert csi_entries
    entry = root / "register" / "CSI-0002-knowledge-base.yaml"
    entry.write_text(entry.read_text().replace("title: ", "title: Renamed ", 1))
    build(root, monkeypatch)
    assert {p: p.read_bytes() for p in mine} == mine
    assert (root / "register" / "people.yaml").read_bytes() == people
    now = set(pages.glob("*.json")) - set(mine)
    assert now != csi_entries and len(now) == len(csi_entries)  # stale ones went
    listed = set((pages / MANIFEST).read_text().split())
    assert listed == {p.name for p in now}


@pytest.mark.slow
def test_without_a_key_outside_the_repository_nothing_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site_repo(tmp_path / "repo")
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / ".cache"))  # inside: a PR could plant it
    assert checkout_signer(root) is None
    build(root, monkeypatch)
    assert (root / "site" / "index.html").is_file()
    assert not entries(root)
    assert not (root / ".cache" / "csitools").exists()


def test_the_key_is_private_per_checkout_and_a_shared_one_is_refused(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    a, b = checkout_signer(one), checkout_signer(two)
    assert a is not None and b is not None
    assert a.sign("k", b"x") == checkout_signer(one).sign("k", b"x")  # type: ignore[union-attr]
    assert a.sign("k", b"x") != b.sign("k", b"x")
    keys = Path(os.environ["XDG_CACHE_HOME"]) / "csitools" / "keys"
    made = sorted(keys.iterdir(), key=lambda p: p.stat().st_mtime)[-1]
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    made.chmod(0o644)  # readable by others: no secret any more
    assert checkout_signer(two) is None


def test_lookup_and_store_round_trip_and_a_cache_without_signer_keeps_nothing(
    tmp_path: Path,
) -> None:
    cache = PageCache(tmp_path / "pages", Signer(b"2" * 64))
    entry = {"html": "<p>x</p>", "toc": [], "anchors": ["x"]}
    cache.store("d" * 64, entry)
    assert cache.lookup("d" * 64) == entry
    assert cache.lookup("e" * 64) is None
    shutil.copy(tmp_path / "pages" / f"{'d' * 64}.json", tmp_path / "pages" / f"{'e' * 64}.json")
    assert cache.lookup("e" * 64) is None  # the signature names its key
    bare = PageCache(tmp_path / "bare", None)
    bare.store("d" * 64, entry)
    assert bare.lookup("d" * 64) is None and not (tmp_path / "bare").exists()
