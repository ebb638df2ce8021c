"""What every benchmark reports: each figure beside its floor, both measured in the same
run, and their ratio (with its target, when there is one).

Times are CPU seconds (``clock``): user and system time of the benchmark's process and
of every child it waited for (subprocesses, pool workers, their threads). On a shared
machine other programs stretch wall-clock time by whatever they happen to run, which
says nothing about csi; the work a step does is what its CPU time counts.

``report`` prints the figures; when ``CSI_BENCH_OUT`` names a file (``all.py`` sets it)
it also appends them there as JSON lines, which ``all.py`` gathers into one table.
"""

from __future__ import annotations

import json
import os
import resource
from dataclasses import asdict, dataclass


def clock() -> float:
    """CPU seconds so far: this process's and its waited-for children's, user and system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Figure:
    benchmark: str
    what: str
    seconds: float
    floor: str
    floor_seconds: float
    target: float | None = None
    """The ratio to stay at or under (None: reported, no target)."""

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "ok" if self.ratio <= self.target else "MISSED"


def report(figures: list[Figure]) -> None:
    print("figures (CPU seconds), each beside its floor measured in the same run:")
    for f in figures:
        target = f" (target <= {f.target:g}: {f.verdict})" if f.target is not None else ""
        print(
            f"  {f.what:<44} {f.seconds:8.2f} s / {f.floor:<36} {f.floor_seconds:8.2f} s "
            f"= {f.ratio:5.2f}{target}"
        )
    out = os.environ.get("CSI_BENCH_OUT")
    if out:
        with open(out, "a", encoding="utf-8") as sink:
            for f in figures:
                sink.write(json.dumps(asdict(f)) + "\n")
