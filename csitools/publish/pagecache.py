"""The page cache: each generated page's HTML, table of contents and anchors, kept so
that a rebuild converts only the pages whose Markdown changed.

Entries live in ``<cache folder>/pages/<key>.json``, where the key is a hash of the
page's Markdown and everything else that shapes its HTML. Each file is the entry's
signature (``cachetrust.Signer``, bound to the key) on the first line and the entry
as JSON after it: ``lookup`` returns nothing for a file this checkout's csi did not
write for that key. The folder's manifest (``.csi-pages``) lists the names csi wrote;
``prune`` deletes only files the manifest lists, that are named as entries are, and
whose signature holds, so a user's own files in a folder named by ``cache_dir`` are
never touched.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from csitools.files import replace_file
from csitools.publish.cachetrust import Signer

CACHE_DIR = ".cache/csi"
"""csi's cache folder, relative to the register (the plugin's ``cache_dir`` option)."""

PAGES = "pages"
MANIFEST = ".csi-pages"
_ENTRY = re.compile(r"[0-9a-f]{64}\.json")

Entry = dict[str, Any]
"""``{"html": str, "toc": [...], "anchors": [...]}``."""


class PageCache:
    """The page cache of one build; with ``signer`` None it keeps nothing."""

    def __init__(self, folder: Path, signer: Signer | None) -> None:
        self.folder = folder
        self._signer = signer
        self._listed: set[str] | None = None

    def lookup(self, key: str) -> Entry | None:
        """The entry csi stored under ``key``, or None (missing, or not signed by it)."""
        if self._signer is None:
            return None
        data = self._read(self.folder / f"{key}.json")
        if data is None:
            return None
        mac, _, body = data.partition(b"\n")
        if not self._signer.verify(key, body, mac.decode("ascii", "replace")):
            return None
        try:
            entry = json.loads(body)
        except ValueError:
            return None
        return entry if isinstance(entry, dict) else None

    def store(self, key: str, entry: Entry) -> None:
        """Keep ``entry`` under ``key``: listed in the manifest first, then written whole."""
        if self._signer is None:
            return
        body = json.dumps(entry, ensure_ascii=False).encode("utf-8")
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{key}.json"
        if name not in self._manifest():
            self._append_to_manifest(name)
        signed = self._signer.sign(key, body).encode() + b"\n" + body
        replace_file(self.folder / name, signed, durable=False)

    def prune(self, keep: set[str]) -> int:
        """Delete the entries csi wrote that no page uses now (``keep``: the keys in
        use); returns how many went."""
        if self._signer is None or not self.folder.is_dir():
            return 0
        keep_names = {f"{key}.json" for key in keep}
        gone = 0
        for name in sorted(self._manifest() - keep_names):
            if _ENTRY.fullmatch(name) and self._written_here(name):
                (self.folder / name).unlink(missing_ok=True)
                gone += 1
        # What csi wrote and a page uses now: stored in this build, or found and checked.
        self._listed = {n for n in keep_names if (self.folder / n).is_file()}
        listed = "".join(f"{n}\n" for n in sorted(self._listed))
        replace_file(self.folder / MANIFEST, listed, durable=False)
        return gone

    def _written_here(self, name: str) -> bool:
        data = self._read(self.folder / name)
        if data is None or self._signer is None:
            return False
        mac, _, body = data.partition(b"\n")
        return self._signer.verify(name.removesuffix(".json"), body, mac.decode("ascii", "replace"))

    def _manifest(self) -> set[str]:
        if self._listed is None:
            data = self._read(self.folder / MANIFEST)
            text = (data or b"").decode("utf-8", "replace")
            self._listed = {line for line in text.splitlines() if _ENTRY.fullmatch(line)}
        return self._listed

    def _append_to_manifest(self, name: str) -> None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self.folder / MANIFEST, flags, 0o666)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(f"{name}\n")
        self._manifest().add(name)

    @staticmethod
    def _read(path: Path) -> bytes | None:
        """A regular file's bytes; None for a missing file, a link, a folder or a pipe."""
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            try:
                return handle.read()
            except OSError:
                return None
