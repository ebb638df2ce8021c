"""Chart files: ``render_charts`` draws only the specs whose key is not in the cache
yet, in a process pool when there are enough of them, copies the results into the
output folder (never over a file csi did not write, listed in a manifest so the next
run can remove what nothing produces any more) and removes cache entries no spec
produced. The drawing itself is ``drawing.render_chart``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from csitools.files import replace_file
from csitools.publish.cachetrust import Signer
from csitools.publish.charts import drawing, placement, theme
from csitools.publish.charts.drawing import METADATA, render_chart
from csitools.publish.charts.specs import ChartSpec

SERIAL_BELOW = 8
"""Fewer charts to draw than this: draw them in this process, since starting a pool
costs more than it saves."""


@dataclass(frozen=True)
class RenderReport:
    written: tuple[Path, ...]
    rendered: int
    cached: int
    removed: int  # cache entries no spec produced
    pruned: int = 0  # charts of an earlier run in out_dir that no spec produced


DRAWING_KEY = hashlib.sha256(
    b"".join(Path(str(m.__file__)).read_bytes() for m in (drawing, placement, theme))
).hexdigest()
"""The drawing code's own source and its colours': a chart cached by an earlier version
of them is drawn again, not reused."""


def cache_key(spec: ChartSpec) -> str:
    """What a cached chart is filed under: the spec's data and the code that draws it."""
    return hashlib.sha256(f"{spec.digest()}:{DRAWING_KEY}".encode()).hexdigest()


def _render_to(spec: ChartSpec, fmt: str, path: Path) -> None:
    replace_file(path, render_chart(spec, fmt), durable=False)


def _pool_context() -> multiprocessing.context.BaseContext | None:
    """fork is fastest, but forking a process that runs threads (`mkdocs serve` builds
    in one while its server and watcher run in others) can deadlock the child on a
    lock held by another thread; start workers from a clean forkserver then."""
    if threading.active_count() > 1 and "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return None


def _cpu_count() -> int:
    counter = getattr(os, "process_cpu_count", None) or os.cpu_count  # 3.13+ has the former
    return counter() or 1


def _render_pool(
    todo: list[tuple[ChartSpec, Path]],
    fmt: str,
    workers: int,
    progress: Callable[[], None] | None,
) -> None:
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
        futures = [pool.submit(_render_to, spec, fmt, path) for spec, path in todo]
        try:
            for future in as_completed(futures):
                future.result()  # re-raises a worker's exception here
                if progress:
                    progress()
        except BaseException:
            pool.shutdown(cancel_futures=True)  # do not draw the rest for nothing
            raise


def render_charts(
    specs: Sequence[ChartSpec],
    out_dir: Path,
    cache_dir: Path,
    fmt: str = "svg",
    jobs: int | None = None,
    progress: Callable[[], None] | None = None,
    signer: Signer | None = None,
) -> RenderReport:
    """Draw the charts missing from ``cache_dir``, copy every chart to
    ``out_dir/<name>.<fmt>``, and delete the cache entries no spec produced.

    A cached chart is used, and an unused one deleted, only when ``signer`` vouches
    that csi wrote its bytes (``cachetrust``); without a signer every chart is drawn
    and no cache entry is deleted. Raises ForeignFiles, having written nothing into
    ``out_dir``, when a file there has a chart's name but csi did not write it."""
    if fmt not in METADATA:
        raise ValueError(f"unknown chart format {fmt!r}; use svg or png")
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError("chart names must be unique")
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    keyed = [(spec, cache_dir / f"{cache_key(spec)}.{fmt}") for spec in specs]
    signed = _signatures(cache_dir / f"{SIGNATURES}-{fmt}")
    # Each cached chart is read and checked once; its bytes are what gets copied.
    cached = {path: data for _, path in keyed if (data := _vouched_bytes(path, signed, signer))}
    todo = [(spec, path) for spec, path in keyed if path not in cached]
    _draw(todo, fmt, jobs, progress, lambda path: _vouched(path, signed, signer))
    if progress:
        for _ in range(len(keyed) - len(todo)):  # the cached ones are done too
            progress()
    charts = [
        (out_dir / f"{spec.name}.{fmt}", cached.get(path) or path.read_bytes())
        for spec, path in keyed
    ]
    manifest = out_dir / f"{MANIFEST}-{fmt}"
    earlier = _listed(manifest)
    foreign = [target for target, data in charts if not _ours(target, data, earlier, fmt)]
    if foreign:
        raise ForeignFiles(tuple(foreign), manifest)
    # Listed before they are written: a run that stops half-way leaves no chart unlisted.
    current = {target.name for target, _ in charts}
    if not current <= earlier:
        replace_file(manifest, _manifest_text(earlier | current), durable=False)
    for target, data in charts:
        # Unchanged files keep their mtime, so `mkdocs serve` does not reload for nothing.
        if not (target.exists() and target.read_bytes() == data):
            replace_file(target, data, durable=False)
    written = [target for target, _ in charts]
    removed = 0
    if signer is not None:
        in_use = [(path, data) for (_, path), (_, data) in zip(keyed, charts, strict=True)]
        removed = _keep_signed(cache_dir, fmt, in_use, signed, signer, set(cached))
    pruned = _prune(manifest, earlier | current, current, fmt)
    return RenderReport(tuple(written), len(todo), len(keyed) - len(todo), removed, pruned)


def _draw(
    todo: list[tuple[ChartSpec, Path]],
    fmt: str,
    jobs: int | None,
    progress: Callable[[], None] | None,
    drawn: Callable[[Path], bool],
) -> None:
    """Draw the charts of ``todo`` into their cache paths: in a process pool when there
    are enough of them, else (or when the pool breaks) here, one by one."""
    workers = min(jobs or _cpu_count(), len(todo))
    serial = todo
    if workers > 1 and len(todo) >= SERIAL_BELOW:
        try:
            _render_pool(todo, fmt, workers, progress)
            serial = []
        except BrokenProcessPool:
            # Workers could not start or died (no semaphores, an unimportable __main__
            # under forkserver): draw what is missing here rather than fail the build.
            serial = [(spec, path) for spec, path in todo if not drawn(path)]
    for spec, path in serial:
        _render_to(spec, fmt, path)
        if progress:
            progress()


def _keep_signed(
    cache_dir: Path,
    fmt: str,
    cached: list[tuple[Path, bytes]],
    signed: dict[str, str],
    signer: Signer,
    checked: set[Path],
) -> int:
    """Delete the cache entries csi wrote that no spec uses now, and sign the ones in
    use (``checked``: those whose signature was just verified, and stands); how many
    were deleted."""
    removed = 0
    keep = {path.name for path, _ in cached}
    for name in sorted(set(signed) - keep):  # csi's own entries only, checked
        if _vouched(cache_dir / name, signed, signer):
            (cache_dir / name).unlink()
            removed += 1
    now = {
        path.name: signed[path.name] if path in checked else signer.sign(path.name, data)
        for path, data in cached
    }
    if now != signed:
        signatures = json.dumps(now, sort_keys=True).encode()
        replace_file(cache_dir / f"{SIGNATURES}-{fmt}", signatures, durable=False)
    return removed


SIGNATURES = ".csi-signatures"
"""``.csi-signatures-svg`` / ``-png`` in the cache folder: each cached chart's name and
its signature, so that only charts this checkout's csi drew are reused or deleted."""


def _signatures(path: Path) -> dict[str, str]:
    if not path.is_file() or path.is_symlink():
        return {}
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def _vouched(path: Path, signed: dict[str, str], signer: Signer | None) -> bool:
    """Whether the cached chart at ``path`` holds the bytes csi signed for it."""
    return _vouched_bytes(path, signed, signer) is not None


def _vouched_bytes(path: Path, signed: dict[str, str], signer: Signer | None) -> bytes | None:
    """The bytes of the cached chart at ``path`` when csi signed exactly them, else None."""
    if signer is None or path.name not in signed or path.is_symlink() or not path.is_file():
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if signer.verify(path.name, data, signed[path.name]) else None


MANIFEST = ".csi-charts"
"""``.csi-charts-svg`` / ``-png`` list the charts csi wrote into an output folder, so the
next run removes the ones no improvement or KPI produces any more, and never a file csi
did not write."""


class ForeignFiles(Exception):
    """Files in the output folder that have a chart's name but that csi did not write:
    not listed in the folder's manifest and not recognisably a csitools chart."""

    def __init__(self, paths: tuple[Path, ...], manifest: Path) -> None:
        super().__init__(", ".join(str(p) for p in paths))
        self.paths = paths
        self.manifest = manifest


def _listed(manifest: Path) -> set[str]:
    if not manifest.is_file():  # missing, or a folder or pipe in its place: never read it
        return set()
    try:
        return set(manifest.read_text(encoding="utf-8").splitlines()) - {""}
    except (OSError, UnicodeDecodeError):
        return set()


def _manifest_text(names: set[str]) -> bytes:
    return "".join(f"{name}\n" for name in sorted(names)).encode("utf-8")


def _ours(target: Path, data: bytes, listed: set[str], fmt: str) -> bool:
    """Whether csi may write ``data`` to ``target``: nothing is there, csi wrote what is
    there (it is listed), or what is there is a csitools chart or these very bytes."""
    if not (target.exists() or target.is_symlink()):
        return True
    if target.is_symlink() or not target.is_file():
        return False  # a link or a folder is never a chart csi wrote
    if target.name in listed:
        return True
    try:
        there = target.read_bytes()
    except OSError:
        return False
    return there == data or looks_like_a_chart(there, fmt)


def looks_like_a_chart(data: bytes, fmt: str) -> bool:
    """Whether ``data`` bears what ``render_chart`` writes into every chart: matplotlib's
    metadata with a title and a description (the text alternative) and without what
    METADATA removes (the SVG's date, the PNG's Software stamp), which matplotlib
    writes unless told not to."""
    if fmt == "png":
        keys = set(_png_text_keys(data))
        return data.startswith(b"\x89PNG\r\n\x1a\n") and keys == {"Title", "Description"}
    head = data[:20_000]
    return (
        head.startswith(b"<?xml")
        and b"<dc:title>Matplotlib v" in head
        and b"<dc:description>" in head
        and b"<dc:date>" not in head
    )


def _png_text_keys(data: bytes) -> list[str]:
    """The keywords of a PNG's text chunks (tEXt, zTXt, iTXt)."""
    keys, at = [], 8
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            body = data[at + 8 : at + 8 + size]
            keys.append(body.split(b"\0", 1)[0].decode("latin-1"))
        if kind == b"IEND":
            break
        at += 12 + size
    return keys


def _prune(manifest: Path, earlier: set[str], current: set[str], fmt: str) -> int:
    """Remove the charts listed in ``earlier`` but not in ``current``; list ``current``."""
    out_dir = manifest.parent
    pruned = 0
    for name in sorted(earlier - current):
        # Only plain names of charts in out_dir, never a path that leads elsewhere, and
        # only a file that still is a chart (the manifest is a file anyone can edit).
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(f".{fmt}"):
            continue
        path = out_dir / name
        if path.is_file() and not path.is_symlink() and looks_like_a_chart(path.read_bytes(), fmt):
            path.unlink()
            pruned += 1
    if earlier != current or not manifest.exists():
        replace_file(manifest, _manifest_text(current), durable=False)
    return pruned
