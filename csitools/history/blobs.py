"""Files of a git revision, read with the loader's size limit.

The size of every blob is known before its content is asked for (``git ls-tree -l``
here, ``git cat-file --batch-check`` in ``log``), and no blob over the limit is read,
so a huge file committed once, even deleted since, costs no memory: it is "too large"
at its revision, and the rest is read as usual.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO, NamedTuple

from csitools.history.git import NULL_SHA, GitError, complaint, run_git, spawn
from csitools.history.tracked import TrackedData, is_tracked_path, read_tracked
from csitools.register.load import MAX_BYTES, YAML_SUFFIXES, too_large

LINK = "120000"
"""The mode git gives a symbolic link; its blob is the link's target."""

_CHUNK = 1 << 20


class TreeEntry(NamedTuple):
    mode: str
    sha: str
    size: int
    path: str


def list_tree(root: Path, treeish: str, *paths: str) -> list[TreeEntry]:
    """Every file (blob) below ``paths`` in ``treeish``, with its size; submodules left out."""
    out = run_git(root, "ls-tree", "-r", "-z", "-l", treeish, "--", *paths)
    entries = []
    for record in out.split(b"\0"):
        meta, _, path = record.decode("utf-8", "surrogateescape").partition("\t")
        fields = meta.split()
        if len(fields) == 4 and fields[1] == "blob":
            entries.append(TreeEntry(fields[0], fields[2], int(fields[3]), path))
    return entries


def cat_blobs(root: Path, shas: Iterable[str]) -> dict[str, bytes]:
    """Every blob in one ``git cat-file --batch``; missing ones are left out. Give it
    only blobs whose size is known to be within the limit."""
    wanted = sorted(set(shas) - {NULL_SHA})
    if not wanted:
        return {}
    out = run_git(root, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in wanted).encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3:  # "<sha> missing"
            continue
        size = int(header[2])
        blobs[header[0].decode()] = out[pos : pos + size]
        pos += size + 1
    return blobs


def read_files(root: Path, entries: Iterable[TreeEntry], revision: str) -> dict[str, bytes | str]:
    """The content of each entry within the size limit, by path; for the others, why
    it is not read (too large, or a link), naming the revision."""
    entries = list(entries)
    small = [e for e in entries if e.size <= MAX_BYTES and e.mode != LINK]
    blobs = cat_blobs(root, (e.sha for e in small))
    out: dict[str, bytes | str] = {e.path: blobs.get(e.sha, b"") for e in small}
    for e in entries:
        if e.mode == LINK:
            out[e.path] = f"the file is a link at revision {revision[:7]}; csi reads no links"
        elif e.size > MAX_BYTES:
            out[e.path] = f"{too_large(e.size)} at revision {revision[:7]}"
    return out


def read_tree(root: Path, commit: str) -> dict[str, TrackedData | str]:
    """The tracked fields of every entry and KPI file at a commit (or why a file
    cannot be read), by path relative to ``root``."""
    entries = [e for e in list_tree(root, commit, "register", "kpis") if is_tracked_path(e.path)]
    files = read_files(root, entries, commit)
    return {
        path: read_tracked(content, path) if isinstance(content, bytes) else content
        for path, content in sorted(files.items())
    }


def export_tree(root: Path, commit: str, dest: Path) -> None:
    """Write the register as it was at ``commit`` into ``dest``, for validation.

    Files are streamed from git, never held whole. A YAML file over the loader's limit
    becomes a sparse file of its size (the loader refuses it by its size, as it would
    in a checkout); links are written as links, for the loader to judge."""
    prefix = run_git(root, "rev-parse", "--show-prefix").decode().strip()
    entries = list_tree(root, f"{commit}:{prefix}" if prefix else commit)
    placeholders = {
        e for e in entries if e.size > MAX_BYTES and e.path.lower().endswith(YAML_SUFFIXES)
    }
    wanted = [e for e in entries if e not in placeholders]
    for entry in placeholders:
        with _create(dest, entry.path).open("wb") as f:
            f.truncate(entry.size)
    if wanted:
        _stream(root, wanted, dest)


def _create(dest: Path, path: str) -> Path:
    """``dest / path`` with its folders, refusing a path that would leave ``dest``."""
    parts = PurePosixPath(path).parts
    if not parts or PurePosixPath(path).is_absolute() or ".." in parts or ".git" in parts:
        raise ValueError(f"git listed the path {path!r}, which csi does not write")
    target = dest.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.resolve().is_relative_to(dest.resolve()):
        raise ValueError(f"git listed the path {path!r} below a link, which csi does not write")
    return target


def _stream(root: Path, entries: list[TreeEntry], dest: Path) -> None:
    """Write each entry's blob from one ``git cat-file --batch``, in chunks."""
    by_sha: dict[str, list[TreeEntry]] = {}
    for e in entries:
        by_sha.setdefault(e.sha, []).append(e)
    with tempfile.TemporaryFile() as err:
        cat = spawn(root, err, "cat-file", "--batch")
        assert cat.stdin and cat.stdout
        cat.stdin.write("".join(f"{sha}\n" for sha in by_sha).encode())
        cat.stdin.close()
        try:
            while header := cat.stdout.readline():
                parts = header.split()
                if len(parts) == 3:  # else "<sha> missing"
                    _write(cat.stdout, int(parts[2]), by_sha[parts[0].decode()], dest)
        except BaseException:
            cat.kill()
            raise
        if cat.wait() != 0:
            err.seek(0)
            raise GitError(complaint(err.read(), "cat-file"))


def _write(source: IO[bytes], size: int, entries: list[TreeEntry], dest: Path) -> None:
    """Copy one blob of ``size`` bytes (and git's newline after it) to its files; a
    link's blob is its target."""
    files = [_create(dest, e.path).open("wb") for e in entries if e.mode != LINK]
    target = b""
    try:
        left = size
        while left > 0 and (chunk := source.read(min(_CHUNK, left))):
            left -= len(chunk)
            for f in files:
                f.write(chunk)
            target = (target + chunk)[:4096]
        source.read(1)
    finally:
        for f in files:
            f.close()
    for link in (e for e in entries if e.mode == LINK):
        os.symlink(os.fsdecode(target), _create(dest, link.path))
