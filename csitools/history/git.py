"""Git plumbing: running git, opening the repository around a register, and reading
commits, trees and blobs from it.

Every git process runs in the C locale, with the settings that would change its output
under a user's configuration turned off, so what it prints is what git documents. A git
that fails becomes a ``GitError`` with git's first line of complaint; a register whose
history git cannot give (no git, not a repository, a shallow clone) becomes a
``HistoryUnavailable`` with the reason. Nothing here prints, and nothing here knows
about revisions or reports: ``history`` and ``csi diff`` build on these.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from csitools.register.documents import FAILED, parse_yaml
from csitools.register.load import read_limited, settings_file

SHALLOW = "history needs the full clone: fetch-depth: 0"

NULL_SHA = "0" * 40
"""The blob id git gives the side of a change where the file does not exist."""
# Settings that would change git's output under a user's configuration.
_GIT_CONFIG = ("-c", "color.ui=never", "-c", "log.showSignature=false", "-c", "core.quotepath=off")


@dataclass(frozen=True)
class HistoryUnavailable:
    reason: str


class GitError(Exception):
    """git ran and failed; the message is git's first line of complaint."""


def _environment() -> dict[str, str]:
    # C locale: git's messages are matched and shown as they are documented.
    return {**os.environ, "LC_ALL": "C", "LANGUAGE": "C", "GIT_PAGER": "cat"}


def run_git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in ``root``; its output, or GitError with git's message."""
    proc = subprocess.run(
        ["git", *_GIT_CONFIG, *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        env=_environment(),
        check=False,
    )
    if proc.returncode != 0:
        raise GitError(complaint(proc.stderr, args[0]))
    return proc.stdout


def complaint(stderr: bytes, command: str) -> str:
    """git's first line of complaint in ``stderr``, without its ``fatal:`` prefix."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    message = next((ln for ln in lines if ln.startswith(("fatal:", "error:"))), "")
    message = message or (lines[0] if lines else f"git {command} failed")
    return message.removeprefix("fatal: ").removeprefix("error: ")


def spawn(root: Path, stderr: IO[bytes], *args: str) -> subprocess.Popen[bytes]:
    """Start git in ``root`` with pipes for stdin and stdout, for streaming."""
    return subprocess.Popen(
        ["git", *_GIT_CONFIG, *args],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        # A file, not a pipe: a chatty git (rename warnings) must never block on it.
        stderr=stderr,
        env=_environment(),
    )


@dataclass(frozen=True)
class Repository:
    """A checked git work tree around a register: its prefix inside the top level."""

    root: Path
    prefix: str
    has_commits: bool


def open_repository(root: Path) -> Repository | HistoryUnavailable:
    """Check that git can give the register's full history."""
    if shutil.which("git") is None:
        return HistoryUnavailable(
            "git is not installed or not on PATH; install git to read history"
        )
    if not root.is_dir():
        return HistoryUnavailable(f"{root} is not a folder")
    try:
        out = run_git(root, "rev-parse", "--is-shallow-repository", "--show-prefix").decode()
    except GitError as exc:
        if "not a git repository" in str(exc):
            return HistoryUnavailable(
                f"{root} is not a git repository; history is read from git, so clone the "
                "register rather than copying it"
            )
        return HistoryUnavailable(f"git cannot read {root}: {exc}")
    shallow, _, prefix = out.partition("\n")
    if shallow.strip() == "true":
        return HistoryUnavailable(SHALLOW)
    try:
        run_git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}")
        has_commits = True
    except GitError:
        has_commits = False
    return Repository(root, prefix.strip(), has_commits)


def resolve_commit(root: Path, rev: str) -> str:
    """The commit a revision names; GitError when it names none."""
    try:
        out = run_git(root, "rev-parse", "--verify", "-q", "--end-of-options", rev + "^{commit}")
        return out.decode().strip()
    except GitError:
        raise GitError(
            f"unknown revision {rev!r}: no commit, branch or tag has that name"
        ) from None


def main_branch(root: Path) -> str:
    """The ``branch`` of site_config/register.yml, else main."""
    if (settings := settings_file(root)) is None:
        return "main"
    try:
        blob = read_limited(settings, root)
        text = blob.decode("utf-8") if isinstance(blob, bytes) else ""
    except (OSError, UnicodeDecodeError):
        return "main"
    data, _, _, _ = parse_yaml(text, settings.name)
    branch = data.get("branch") if data is not FAILED and isinstance(data, dict) else None
    return branch if isinstance(branch, str) else "main"


def merge_base(root: Path, branch: str) -> tuple[str, str]:
    """The commit where HEAD left ``branch`` (or ``origin/branch``, as CI checks out)."""
    for name in (branch, f"origin/{branch}"):
        try:
            tip = resolve_commit(root, name)
        except GitError:
            continue
        return run_git(root, "merge-base", tip, "HEAD").decode().strip(), name
    raise GitError(f"no branch {branch!r} or 'origin/{branch}' to compare with; name a BASE")


def tracked_paths(root: Path, *paths: Path) -> list[str]:
    """Which of ``paths`` (files, or folders: what is below them) git tracks, as paths
    from ``root``; none when there is no git, no repository, or the paths lie outside
    it. (``git ls-files`` names what is in the index: added counts as tracked.)"""
    specs = [os.path.relpath(p, root) for p in paths]
    try:
        out = run_git(root, "ls-files", "-z", "--", *specs)
    except (GitError, OSError):
        return []
    return sorted(name for name in out.decode("utf-8", "replace").split("\0") if name)
