"""Whether csi may trust what it finds in its cache folder: only what this checkout's
csi wrote there.

A cache lives in the repository's folder (``.cache/csi``), so anyone who can put a file
there could otherwise put HTML or an SVG straight onto the site: a contributor who
commits one, a CI cache restored from another branch's run. Two rules close that way:

- a cache folder that holds files git tracks is not used at all (the build stops and
  says which files; a cache is never part of a commit);
- every entry is signed with HMAC-SHA256 under a secret kept outside the repository,
  one per checkout (``$XDG_CACHE_HOME/csitools/keys/``, else ``~/.cache/...``, mode 0600),
  so an entry csi did not write here is never read, served or deleted. Without a place
  for the secret (no home folder, or one inside the repository) nothing is cached.

HMAC rather than sanitising cached HTML again: a cached page could be well-formed and
still false (another entry's health), and a cached chart is an SVG the site serves as
a document; only "csi wrote exactly these bytes for this key" rules out both.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from csitools.history.git import tracked_paths

KEYS = Path("csitools") / "keys"


class TrackedCache(Exception):
    """The cache folder holds files git tracks; ``files`` names them."""

    def __init__(self, folder: str, files: list[str]) -> None:
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        super().__init__(
            f"{folder}/ holds files git tracks ({shown}); csi never uses a cache from the "
            f"repository: remove them from git (git rm -r --cached {folder}) and add "
            f"{folder}/ to .gitignore"
        )
        self.files = files


def refuse_tracked(root: Path, folders: list[Path], shown: str) -> None:
    """Raise TrackedCache when git tracks anything below ``folders``."""
    files = tracked_paths(root, *folders)
    if files:
        raise TrackedCache(shown, files)


class Signer:
    """Signs and checks cache entries with one checkout's secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def sign(self, name: str, data: bytes) -> str:
        return hmac.new(self._secret, name.encode() + b"\0" + data, hashlib.sha256).hexdigest()

    def verify(self, name: str, data: bytes, mac: str) -> bool:
        return hmac.compare_digest(self.sign(name, data), mac)


def _key_folder() -> Path | None:
    home = os.path.expanduser("~")
    base = os.environ.get("XDG_CACHE_HOME") or ("" if home == "~" else f"{home}/.cache")
    return Path(base) / KEYS if base else None


def user_folder(root: Path, name: str) -> Path | None:
    """``csitools/<name>`` in the user's cache folder (made, mode 0700), beside the
    keys; None when there is none or it lies inside the repository at ``root``, where
    anyone who can commit could write into it."""
    keys = _key_folder()
    if keys is None:
        return None
    root = root.resolve()
    try:
        real = (keys.parent / name).resolve()
        if real == root or root in real.parents:
            return None
        real.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):
        return None
    return real


def checkout_signer(root: Path) -> Signer | None:
    """The signer of the checkout at ``root``: its secret is read, or made once, in the
    user's cache folder outside the repository. None when there is no such place."""
    real = user_folder(root, KEYS.name)  # a secret the repository holds is no secret
    if real is None:
        return None
    path = real / hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:32]
    try:
        return Signer(_read_or_make(path))
    except OSError:
        return None


def _read_or_make(path: Path) -> bytes:
    """The secret in ``path``, made first (whole, 0600, never over another) if none."""
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):  # another csi made it meanwhile
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
            raise PermissionError(f"{path}: not a private file")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise PermissionError(f"{path}: owned by another user")
        secret = handle.read(200).strip()
    if len(secret) != 64:
        raise PermissionError(f"{path}: not a csitools key")
    return secret
