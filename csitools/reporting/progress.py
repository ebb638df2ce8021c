"""A build's progress and its outcome in words: the stages on a terminal, and the one
summary line every build ends with (all a CI log gets)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from csitools.problems import plural
from csitools.publish.progress import Progress


class TerminalProgress(Progress):
    """Each stage on a line of its own (``csi: pages``); a count is one line rewritten
    in place (``csi: charts 12 of 41``), ended when the last item is done."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self._open = False

    def stage(self, name: str) -> None:
        self._end()
        self._write(f"csi: {name}\n")

    def count(self, what: str, done: int, total: int) -> None:
        self._write(f"\rcsi: {what} {done} of {total}")
        self._open = done < total
        if not self._open:
            self._write("\n")

    def _end(self) -> None:
        if self._open:  # a count that stopped short (a failure): keep its line
            self._write("\n")
            self._open = False


def site_counts(site: Path) -> tuple[int, int]:
    """How many pages and charts a built site holds."""
    pages = sum(1 for _ in site.rglob("*.html"))
    charts = sum(1 for _ in (site / "charts").glob("*.svg")) if (site / "charts").is_dir() else 0
    return pages, charts


def build_summary(site: Path, shown: str, builder: str, day: date) -> str:
    """``Built 79 pages (41 charts) with mkdocs in site/ (health as of 2026-11-23)``."""
    pages, charts = site_counts(site)
    return (
        f"Built {plural(pages, 'page')} ({plural(charts, 'chart')}) with {builder} "
        f"in {shown}/ (health as of {day})"
    )
