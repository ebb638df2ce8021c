"""``git log`` of the register -> every commit with the files it changed, and every
version of an entry or KPI file they name, read.

Git is read with two processes whatever the size of the register, run side by side:
one ``git log`` that lists every commit with its changed files and their blob ids, and
one ``git cat-file --batch`` that returns the blobs.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import IO, NamedTuple

from csitools.history.git import NULL_SHA, GitError, complaint, spawn
from csitools.history.tracked import TrackedData, is_tracked_path, read_tracked
from csitools.register.load import MAX_BYTES, too_large

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


class _Sizes:
    """A ``git cat-file --batch-check`` beside the reading: which blobs are within the
    loader's size limit. A blob over it is never read, only named too large."""

    def __init__(self, root: Path, err: IO[bytes], data: dict[str, TrackedData | str]) -> None:
        self.proc = spawn(root, err, "cat-file", "--batch-check")
        self.data = data

    def small(self, ids: list[str]) -> list[str]:
        """The ids within the limit; the others get their reason in ``data``. Asked in
        slices, so that neither pipe fills while the other waits."""
        assert self.proc.stdin and self.proc.stdout
        kept = []
        for at in range(0, len(ids), 256):
            part = ids[at : at + 256]
            self.proc.stdin.write("".join(f"{sha}\n" for sha in part).encode())
            self.proc.stdin.flush()
            for sha in part:
                fields = self.proc.stdout.readline().split()
                if len(fields) == 3 and int(fields[2]) > MAX_BYTES:
                    self.data[sha] = too_large(int(fields[2]))
                else:
                    kept.append(sha)
        return kept


def read_log(
    root: Path, head: str, prefix: str, short: int
) -> tuple[list[Commit], dict[str, TrackedData | str]]:
    """Every commit up to ``head`` with its changed files, and every blob they name,
    read. ``git log`` and ``git cat-file --batch`` run side by side: a thread hands
    cat-file the blob ids of each commit as git log lists it (those within the size
    limit: ``_Sizes``), while this thread parses the blobs, so the YAML is parsed
    while git still computes diffs."""
    commits: list[Commit] = []
    failures: list[BaseException] = []
    data: dict[str, TrackedData | str] = {}
    with ExitStack() as stack:
        log_err, cat_err, check_err = (stack.enter_context(tempfile.TemporaryFile()) for _ in "123")
        log = spawn(root, log_err, *_LOG_ARGS, head)
        cat = spawn(root, cat_err, "cat-file", "--batch")
        sizes = _Sizes(root, check_err, data)
        assert cat.stdout
        feeder = threading.Thread(
            target=_feed, args=(log, cat, sizes, commits, failures, (prefix, short)), daemon=True
        )
        feeder.start()
        try:
            while header := cat.stdout.readline():
                parts = header.split()
                if len(parts) == 3:  # else "<id> missing"
                    blob = cat.stdout.read(int(parts[2]) + 1)[:-1]
                    data[parts[0].decode()] = read_tracked(blob, "")
        except BaseException:
            for proc in (log, cat, sizes.proc):
                proc.kill()
            raise
        feeder.join()
        procs = (
            (log, log_err, "log"),
            (cat, cat_err, "cat-file"),
            (sizes.proc, check_err, "cat-file"),
        )
        for proc, err, command in procs:
            if proc.wait() != 0 and not failures:
                err.seek(0)
                failures.append(GitError(complaint(err.read(), command)))
    if failures:
        raise failures[0]
    return commits, data


def _feed(
    log: subprocess.Popen[bytes],
    cat: subprocess.Popen[bytes],
    sizes: _Sizes,
    commits: list[Commit],
    failures: list[BaseException],
    how: tuple[str, int],
) -> None:
    """Parse git log's records as they come and hand cat-file the new blob ids."""
    assert log.stdout and cat.stdin and sizes.proc.stdin
    seen = {NULL_SHA}

    def take(records: list[bytes]) -> None:
        ids = []
        for record in filter(None, records):
            commits.append(_parse_record(record, *how))
            for file in commits[-1].files:
                for sha, path in ((file.old_sha, file.old_path), (file.new_sha, file.path)):
                    if sha not in seen and is_tracked_path(path):
                        seen.add(sha)
                        ids.append(sha)
        assert cat.stdin
        cat.stdin.write("".join(f"{sha}\n" for sha in sizes.small(ids)).encode())
        cat.stdin.flush()

    out, pending = log.stdout, b""
    try:
        for chunk in iter(lambda: out.read1(1 << 16), b""):  # type: ignore[attr-defined]
            *records, pending = (pending + chunk).split(b"\x1e")
            take(records)
        take([pending])
    except BaseException as exc:  # re-raised by the caller
        failures.append(exc)
        log.kill()
    finally:
        cat.stdin.close()
        sizes.proc.stdin.close()
