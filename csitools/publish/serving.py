"""``csi serve`` for a builder that runs no MkDocs plugins (Zensical): build, serve the
built folder on a local address, and build again when the register changes.

``zensical serve`` watches the staged docs folder and rebuilds by itself, but it serves
its HTML as it writes it, before csi's final pass (``finalpass``) and while it writes
it; so csi runs ``zensical build`` instead (whose own cache keeps a rebuild short) and
serves the disarmed copy. Each build goes to a new folder under a temporary one, and
the server moves to it only once it is complete: a page asked for during a rebuild is
the last good one, and so is every page after a rebuild that failed (its reason is
said). There is no live reload: reload the page in the browser.
"""

from __future__ import annotations

import functools
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from csitools.register.load import ANALYSIS_FOLDERS

WATCHED = ("register", "kpis", "reviews", "site_config", *ANALYSIS_FOLDERS)
"""The register's folders: a change in any of them rebuilds the site being served."""

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path, watched: Iterable[str]) -> Snapshot:
    """Every file under the watched folders and files of ``root``, by path: its size and
    modification time (stat only)."""
    seen: Snapshot = {}
    for name in watched:
        base = root / name
        paths = [base] if base.is_file() else sorted(base.rglob("*")) if base.is_dir() else []
        for path in paths:
            try:
                info = path.stat()
            except OSError:  # gone between the listing and the stat: the next look sees it
                continue
            if path.is_file():
                seen[str(path)] = (info.st_size, info.st_mtime_ns)
    return seen


class _Handler(SimpleHTTPRequestHandler):
    """Files of the server's current folder, without a line per request."""

    def __init__(self, *args: Any, server_of: SiteServer, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(server_of.folder), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class SiteServer(ThreadingHTTPServer):
    """A static server of ``folder``, which a rebuild points elsewhere."""

    daemon_threads = True

    def __init__(self, host: str, port: int, folder: Path) -> None:
        self.folder = folder
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), functools.partial(_Handler, server_of=self))


@dataclass
class Rebuilds:
    """What to build, where to watch, and how to say what happened."""

    build: Callable[[Path], None]
    """Builds the whole site into the folder it is given (one that does not exist)."""
    changes: Callable[[], Snapshot]
    """What the build depends on, now: a rebuild follows when it differs."""
    say: Callable[[str], None]
    failed: tuple[type[Exception], ...] = ()
    """What a failed rebuild raises: said, and the last good site stays."""
    poll: float = 0.5
    stop: threading.Event = field(default_factory=threading.Event)
    """Set it to stop serving (the command stops on Ctrl+C)."""


def serve_built(dev_addr: str, rebuilds: Rebuilds) -> None:
    """Build, serve the site on ``dev_addr`` (HOST:PORT) and rebuild it on every change
    until ``rebuilds.stop`` is set. A first build that fails raises."""
    host, _, port = dev_addr.rpartition(":")
    work = Path(tempfile.mkdtemp(prefix="csi-serve-"))
    try:
        seen, folder = rebuilds.changes(), work / "site-0"
        rebuilds.build(folder)
        server = SiteServer(host.strip("[]"), int(port), folder)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        rebuilds.say(f"serving on http://{dev_addr}/ (rebuilt when the register changes)")
        try:
            _watch(server, work, seen, rebuilds)
        finally:
            server.shutdown()
            server.server_close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _watch(server: SiteServer, work: Path, seen: Snapshot, rebuilds: Rebuilds) -> None:
    """Look for changes every ``poll`` seconds; rebuild once they have settled."""
    builds, stop = 0, rebuilds.stop
    while not stop.wait(rebuilds.poll):
        now = rebuilds.changes()
        if now == seen:
            continue
        while not stop.wait(rebuilds.poll) and (later := rebuilds.changes()) != now:
            now = later  # still being written: an editor saving, a git checkout
        seen, builds = now, builds + 1
        folder = work / f"site-{builds}"
        try:
            rebuilds.build(folder)
        except rebuilds.failed as exc:
            rebuilds.say(f"the rebuild failed; still serving the last good site: {exc}")
            shutil.rmtree(folder, ignore_errors=True)
            continue
        earlier, server.folder = server.folder, folder
        shutil.rmtree(earlier, ignore_errors=True)
        rebuilds.say("rebuilt")
