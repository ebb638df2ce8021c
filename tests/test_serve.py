"""csi serve with either builder: the site on a local address, rebuilt when an entry
changes; with Zensical, csi's own server of the disarmed build."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from csitools.publish.serving import Rebuilds, serve_built, snapshot
from tests.conftest import copy_sample
from tests.test_builders import EACH_BUILDER

AS_OF = "2026-11-23"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def served_when(url: str, ready: Callable[[str], bool], limit: float, why: str) -> str:
    """The page at ``url`` once ``ready`` holds for it; fails after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and ready(page):
            return page
        time.sleep(0.5)
    pytest.fail(f"{why}: not served within {limit:.0f} s")


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("builder", EACH_BUILDER)
def test_csi_serve_serves_the_site_and_rebuilds_it_when_an_entry_changes(
    tmp_path: Path, builder: str
) -> None:
    root = copy_sample(tmp_path / "repo")
    port = free_port()
    args = ["serve", "--builder", builder, "--as-of", AS_OF, "--dev-addr", f"127.0.0.1:{port}"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "csitools.cli", *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Ctrl-C as from a terminal, even when this run was started in the background,
        # where the shell leaves SIGINT ignored and so Python would not see it.
        preexec_fn=_interruptible,
    )
    url = f"http://127.0.0.1:{port}/improvements/CSI-0001/"
    entry = next((root / "register").glob("CSI-0001-*.yaml"))
    title = "Raise first-call resolution at the Customer and Agent Support Centre"
    try:
        page = served_when(url, lambda html: "</html>" in html, 300, "the first build")
        assert f'>CSI-0001 · {title}<a class="headerlink"' in page
        entry.write_text(entry.read_text().replace(title, "First-call resolution, renamed"))
        page = served_when(url, lambda html: "renamed" in html, 300, "the rebuild")
        assert '>CSI-0001 · First-call resolution, renamed<a class="headerlink"' in page
        assert title not in page
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    if builder == "zensical":
        assert f"csi serve: serving on http://127.0.0.1:{port}/" in output
        assert list(tmp_path.glob("csi-serve-*")) == []  # its build folders are removed


@pytest.mark.slow
def test_a_failed_rebuild_is_said_and_the_last_good_site_stays_served(tmp_path: Path) -> None:
    (tmp_path / "watched").mkdir()
    source = tmp_path / "watched" / "page.txt"
    source.write_text("one")
    said: list[str] = []

    def build(folder: Path) -> None:
        text = source.read_text()
        if text == "broken":
            raise ValueError("the page is broken")
        folder.mkdir()
        (folder / "index.html").write_text(f"<p>{text}</p>")

    rebuilds = Rebuilds(build, lambda: snapshot(tmp_path, ["watched"]), said.append, (ValueError,))
    rebuilds.poll = 0.05
    port = free_port()
    thread = threading.Thread(target=serve_built, args=(f"127.0.0.1:{port}", rebuilds))
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}/index.html"
        assert served_when(url, lambda html: "one" in html, 30, "the first build") == "<p>one</p>"
        source.write_text("two")
        assert served_when(url, lambda html: "two" in html, 30, "the rebuild") == "<p>two</p>"
        source.write_text("broken")
        deadline = time.monotonic() + 30
        while len(said) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fetch(url) == "<p>two</p>"
    finally:
        rebuilds.stop.set()
        thread.join(timeout=30)
    assert said == [
        f"serving on http://127.0.0.1:{port}/ (rebuilt when the register changes)",
        "rebuilt",
        "the rebuild failed; still serving the last good site: the page is broken",
    ]
