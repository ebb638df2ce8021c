"""The register as a meeting saw it: each review date's health computed from the data
as of that date and, where git has them, the entries as they were committed by then.

The health itself is the one computation (``validate_repository``, which calls
``assess_register``) run on the files of the commit that was current at the end of
that day; without git, or before the first commit, on the files as they are now, so
that the result is exactly what ``csi status --as-of <date>`` prints.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from csitools.history.blobs import export_tree
from csitools.history.git import GitError, HistoryUnavailable, open_repository, run_git
from csitools.measure.decisions import status_on
from csitools.measure.status import RegisterStatus
from csitools.validation import Validation, validate_repository


@dataclass(frozen=True)
class StatusThen:
    """The register's status as of an earlier date, and which entries it judged."""

    status: RegisterStatus
    commit: str | None = None
    """The commit whose files were judged; None for the files as they are now."""
    committed: date | None = None
    """The day that commit was made (its committer date)."""

    @property
    def short(self) -> str:
        return (self.commit or "")[:7]


Commit = tuple[str, date]


def _commit_by(root: Path, day: date) -> Commit | None:
    """The newest commit of HEAD's history made by the end of ``day`` (UTC), and its day."""
    try:
        out = run_git(
            root, "log", "-1", f"--before={day.isoformat()} 23:59:59 +0000", "--format=%H %cI"
        )
    except GitError:
        return None
    sha, _, when = out.decode().strip().partition(" ")
    return (sha, date.fromisoformat(when[:10])) if sha else None


def _commits(root: Path, days: Iterable[date]) -> dict[date, Commit | None]:
    """For each day, the commit current at its end; all None without usable history."""
    wanted = sorted(set(days))
    repo = open_repository(root)
    if isinstance(repo, HistoryUnavailable) or not repo.has_commits:
        return dict.fromkeys(wanted)
    head = run_git(root, "rev-parse", "HEAD").decode().strip()
    found = {day: _commit_by(root, day) for day in wanted}
    # HEAD's files are the ones on disk (give or take uncommitted edits): judge those.
    return {day: None if c is None or c[0] == head else c for day, c in found.items()}


def statuses_then(
    root: Path, days: Iterable[date], now: Validation, history: bool = True
) -> dict[date, StatusThen]:
    """The status as of each of ``days``. ``now`` is the current validation, whose
    register and data serve every day without an older commit (all days when
    ``history`` is off)."""
    wanted = sorted(set(days))
    commits = _commits(root, wanted) if history else dict.fromkeys(wanted)
    out: dict[date, StatusThen] = {}
    by_commit: dict[Commit, list[date]] = {}
    for day, commit in commits.items():
        if commit is None:
            out[day] = StatusThen(status_on(now.register, now.series, day))
        else:
            by_commit.setdefault(commit, []).append(day)
    for (sha, committed), dates in by_commit.items():
        with tempfile.TemporaryDirectory(prefix="csi-asof-") as tmp:
            export_tree(root, sha, Path(tmp))
            then = validate_repository(Path(tmp), dates[0])
        for day in dates:
            status = status_on(then.register, then.series, day)
            out[day] = StatusThen(status, sha, committed)
    return out
