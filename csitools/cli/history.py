"""csi diff: what a branch or commit does to the register, for review.

A thin adapter: ``history.diff.compare_revisions`` compares, ``reporting.diff`` writes
the Markdown or JSON.
"""

from __future__ import annotations

from datetime import datetime

import click

from csitools.cli.common import AS_OF, format_option, one_root
from csitools.history.git import GitError
from csitools.reporting.diff import diff_json, diff_markdown


@click.command()
@click.argument("base", required=False)
@click.argument("head", required=False)
@AS_OF
@format_option(
    ["markdown", "json"], "markdown for a pull-request comment or job summary, json for programs."
)
def diff(base: str | None, head: str | None, as_of: datetime | None, fmt: str) -> None:
    """Show what a change does to the register, and validate the result.

    Compares BASE (default: where HEAD left the main branch: `branch` of
    site_config/register.yml, else main, else origin/main) with HEAD (default: the
    working tree): new and removed entries and KPIs, status changes, target and
    baseline edits (flagged when made after the entry was approved), then the
    validation problems of the HEAD side. Exits 0 when HEAD validates, 1 when it
    has problems, 2 on usage errors (an unknown revision, a shallow clone).

    \b
    Examples:
      csi diff
      csi diff main HEAD --format json
      csi diff origin/main HEAD >> "$GITHUB_STEP_SUMMARY"
    """
    from csitools.history.diff import compare_revisions

    root = one_root()
    try:
        comparison = compare_revisions(root, base, head, as_of)
    except GitError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(diff_json(comparison) if fmt == "json" else diff_markdown(comparison), nl=False)
    if not comparison.ok:
        raise SystemExit(1)
