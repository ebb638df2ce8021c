"""The one file writer. New files the user will own are created whole or not at all
and never replace anything (``write_new``); generated files (exports, reference pages,
and with ``durable=False`` charts, cached pages and the site's pages) are replaced
whole, keeping their mode (``replace_file``): a reader never sees half a file.
``file_kind`` and ``in_the_way`` say what is in a path's way before anything is
written. Every file gets the mode ``open()`` would give it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class Conflict(Exception):
    """Another writer took a path or an id while we were writing."""


def _new_file_mode() -> int:
    """The mode ``open()`` gives a new file: 0o666 less the umask (which can only be
    read by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _complete_temporary(
    path: Path, data: str | bytes, mode: int | None = None, durable: bool = True
) -> str:
    """A temporary file beside ``path`` holding all of ``data`` (text is written as
    UTF-8, line ends as they are), with ``mode`` (default: a new file's, not mkstemp's
    0o600); ``durable``: on disk before it is linked or renamed into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(tmp, _new_file_mode() if mode is None else mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_new(path: Path, text: str) -> None:
    """Create ``path`` holding ``text``, or raise FileExistsError: never overwrites,
    never leaves a partial file (the complete text is linked into place)."""
    tmp = _complete_temporary(path, text)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            # No hard links on this file system: O_EXCL still refuses to overwrite.
            with open(path, "x", encoding="utf-8", newline="\n") as out:
                out.write(text)
    finally:
        os.unlink(tmp)


def replace_file(path: Path, data: str | bytes, durable: bool = True) -> None:
    """Write a generated file whole (readers never see half of it), keeping the mode
    of the file it replaces. Check first that ``path`` is a regular file or nothing
    (``file_kind``): a link or a device would be replaced by a file. ``durable=False``
    for caches, which may be lost in a crash but never read half written."""
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = _complete_temporary(path, data, mode, durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


_FILE_KINDS = (
    (stat.S_ISREG, "a file"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(path: Path) -> str | None:
    """What is at ``path``, a link not followed: None when nothing is, else "a file"
    (a regular one), "a folder", "a symbolic link", "a character device" and so on."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")


def in_the_way(folder: Path) -> Path | None:
    """What stops files being made in ``folder``: the first of it and the folders
    above it that exists and is not a folder (a file, say), or None."""
    for path in (folder, *folder.parents):
        if path.is_dir():
            return None
        if os.path.lexists(path):
            return path
    return None


def blocked(path: Path) -> tuple[Path, str] | None:
    """What stops a generated file being written at ``path`` (``replace_file`` may
    replace only a regular file): the path in the way and what it is, such as
    ``(path, "is a symbolic link, not a file")``, or None."""
    blocker = in_the_way(path.parent)
    if blocker is not None:
        return blocker, f"is {file_kind(blocker)}, not a folder"
    kind = file_kind(path)
    if kind not in (None, "a file"):
        return path, f"is {kind}, not a file"
    return None
