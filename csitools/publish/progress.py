"""How far a long build is: its stages (validating, charts N of M, pages, the builder).

The library says where it is through a ``Progress``; the base class says nothing (a
plain ``mkdocs build``, a CI log). ``csi build`` and ``csi serve`` put one that writes
to the terminal in place with ``reporting_to`` for as long as they build, and the
MkDocs plugin, which MkDocs itself creates, reads it back with ``current``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class Progress:
    """Where a build is; every method does nothing here."""

    def stage(self, name: str) -> None:
        """A stage begins: ``validating``, ``pages``, ``building with zensical``."""

    def count(self, what: str, done: int, total: int) -> None:
        """``done`` of ``total`` items of a stage are done (``charts``, 3, 41)."""


QUIET = Progress()

_current: list[Progress] = [QUIET]


def current() -> Progress:
    """The progress the running command set up (``QUIET`` outside one)."""
    return _current[-1]


@contextmanager
def reporting_to(progress: Progress) -> Iterator[Progress]:
    """``progress`` is ``current()`` while the block runs (builds in other threads too,
    as ``mkdocs serve`` runs them)."""
    _current.append(progress)
    try:
        yield progress
    finally:
        _current.remove(progress)
