"""``git log`` of the register -> every commit with the files it changed, and every
version of an entry or KPI file they name, read.

Git is read with two processes whatever the size of the register, run side by side:
one ``git log`` that lists every commit with its changed files and their blob ids, and
one ``git cat-file --batch`` that returns the blobs.
"""

from __future__ import annotations

import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import IO, NamedTuple

from csitools.history.git import NULL_SHA, GitError, complaint, spawn
from csitools.history.tracked import TrackedData, is_tracked_path, read_tracked

_LOG_FORMAT = "%x1e%H%x1f%aI%x1f%aN%x1f%aE%x1f%s"


# No pathspec: git would diff each commit twice (to simplify history, then to show
# it), which triples the time; files outside register/ and kpis/ are skipped here.
_LOG_ARGS = (
    *("log", "--date-order", "--root", "-M", "--raw", "--no-abbrev"),
    *("--diff-merges=dense-combined", "-z", f"--format={_LOG_FORMAT}"),
)


class FileChange(NamedTuple):
    status: str
    old_sha: str
    new_sha: str
    old_path: str
    path: str


class Commit(NamedTuple):
    sha: str
    short: str
    date: datetime
    author: str
    email: str
    subject: str
    files: tuple[FileChange, ...]


def _local(path: str, prefix: str) -> str:
    """A path relative to the register's root; outside it, one no register file has."""
    return path[len(prefix) :] if path.startswith(prefix) else "../" + path


def _parse_record(record: bytes, prefix: str, short: int) -> Commit:
    """One commit of ``git log -z --raw``: a header, then per file a meta field and
    one path (two for a rename). Merges come in combined form (``::``), whose first
    blob is the first parent's and whose last is the merge's."""
    header, _, rest = record.partition(b"\0")
    sha, when, author, email, subject = header.decode("utf-8", "replace").split("\x1f", 4)
    tokens = rest.split(b"\0")
    files = []
    i = 0
    while i < len(tokens):
        meta = tokens[i].lstrip(b"\n").decode()
        i += 1
        if not meta.startswith(":"):
            continue
        parts = meta.split()
        parents = len(parts[0]) - len(parts[0].lstrip(":"))
        shas = parts[parents + 1 : 2 * parents + 2]
        if parents == 1:
            status = parts[-1][0]
        else:  # a merge that changed the file beyond what either side did
            status = "A" if shas[0] == NULL_SHA else "D" if shas[-1] == NULL_SHA else "M"
        old_path = path = tokens[i].decode("utf-8", "surrogateescape")
        i += 1
        if status in "RC":
            path = tokens[i].decode("utf-8", "surrogateescape")
            i += 1
        old_path, path = _local(old_path, prefix), _local(path, prefix)
        files.append(FileChange(status, shas[0], shas[-1], old_path, path))
    date = datetime.fromisoformat(when)
    return Commit(sha, sha[:short], date, author, email, subject, tuple(files))


def _read_blobs(cat_out: IO[bytes]) -> dict[str, TrackedData | str]:
    """The tracked fields of each blob ``git cat-file --batch`` returns, by blob id."""
    data: dict[str, TrackedData | str] = {}
    while header := cat_out.readline():
        parts = header.split()
        if len(parts) == 3:  # else "<id> missing"
            data[parts[0].decode()] = read_tracked(cat_out.read(int(parts[2]) + 1)[:-1], "")
    return data


def read_log(
    root: Path, head: str, prefix: str, short: int
) -> tuple[list[Commit], dict[str, TrackedData | str]]:
    """Every commit up to ``head`` with its changed files, and every blob they name,
    read. ``git log`` and ``git cat-file --batch`` run side by side: a thread hands
    cat-file the blob ids of each commit as git log lists it, while this thread
    parses the blobs, so the YAML is parsed while git still computes diffs."""
    commits: list[Commit] = []
    failures: list[BaseException] = []
    with tempfile.TemporaryFile() as log_err, tempfile.TemporaryFile() as cat_err:
        log = spawn(root, log_err, *_LOG_ARGS, head)
        cat = spawn(root, cat_err, "cat-file", "--batch")
        assert log.stdout and cat.stdin and cat.stdout
        log_out, cat_in, cat_out = log.stdout, cat.stdin, cat.stdout
        seen = {NULL_SHA}

        def take(records: list[bytes]) -> None:
            ids = []
            for record in filter(None, records):
                commits.append(_parse_record(record, prefix, short))
                for file in commits[-1].files:
                    for sha, path in ((file.old_sha, file.old_path), (file.new_sha, file.path)):
                        if sha not in seen and is_tracked_path(path):
                            seen.add(sha)
                            ids.append(f"{sha}\n")
            cat_in.write("".join(ids).encode())
            cat_in.flush()

        def feed() -> None:
            pending = b""
            try:
                for chunk in iter(lambda: log_out.read1(1 << 16), b""):  # type: ignore[attr-defined]
                    *records, pending = (pending + chunk).split(b"\x1e")
                    take(records)
                take([pending])
            except BaseException as exc:  # re-raised by the caller
                failures.append(exc)
                log.kill()
            finally:
                cat_in.close()

        feeder = threading.Thread(target=feed, name="csi-git-log", daemon=True)
        feeder.start()
        try:
            data = _read_blobs(cat_out)
        except BaseException:
            log.kill()
            cat.kill()
            raise
        feeder.join()
        for proc, err, command in ((log, log_err, "log"), (cat, cat_err, "cat-file")):
            if proc.wait() != 0 and not failures:
                err.seek(0)
                failures.append(GitError(complaint(err.read(), command)))
    if failures:
        raise failures[0]
    return commits, data
