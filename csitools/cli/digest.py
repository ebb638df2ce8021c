"""csi digest: what each owner needs to know before the next review meeting."""

from __future__ import annotations

from datetime import date, datetime

import click

from csitools.cli.common import AS_OF, format_option, one_root, warn_problems


@click.command()
@click.option("--owner", metavar="ID", help="Only this person's digest (a people.yaml id).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Report what changed since this date, YYYY-MM-DD.",
)
@click.option(
    "--since-last-review",
    is_flag=True,
    help="Report what changed since the latest review meeting before the as-of date (the default).",
)
@AS_OF
@format_option(["markdown", "json"], "markdown for a mail or chat message, json for a bot.")
def digest(
    owner: str | None,
    since: datetime | None,
    since_last_review: bool,
    as_of: datetime | None,
    fmt: str,
) -> None:
    """Tell each owner what changed, what waits for their decision or action, and
    which of their KPIs are stale.

    For every person who owns an improvement, a KPI or a review action (or only
    --owner ID): the targets of their improvements whose health changed and the
    decisions taken on them since the last review meeting (or --since DATE); the
    decisions their improvements wait for (targets achieved or missed in an open
    cycle, without data, stale or due within governance.review_horizon_days,
    proposals not decided, deferrals past their revisit date); their actions that are
    overdue or due within that horizon; the KPIs they own whose data are stale.
    Owners with nothing to report are left out unless named with --owner.

    \b
    Examples:
      csi digest
      csi digest --owner owhitaker --since 2026-11-01
      csi digest --format json | jq -r '.[].owner'
    """
    from csitools.history.asof import statuses_then
    from csitools.measure.digest import build_digests
    from csitools.register.reviews import latest_review_before
    from csitools.reporting.digest import digest_json, digest_markdown
    from csitools.validation import validate_repository

    if since is not None and since_last_review:
        raise click.UsageError("give --since DATE or --since-last-review, not both")
    root = one_root()
    day = as_of.date() if as_of else date.today()
    validation = validate_repository(root, day)
    reg = validation.register
    if owner is not None and owner not in reg.people:
        where = reg.people_doc.path if reg.people_doc else "register/people.yaml"
        raise click.UsageError(f"--owner {owner!r}: no person with that id in {where}")
    warn_problems(validation)
    review = None if since is not None else latest_review_before(reg.reviews, day)
    start = since.date() if since is not None else review.date if review else None
    then = None
    if start is not None:
        then = statuses_then(root, [start], validation)[start].status
    digests = build_digests(reg, validation.status, then, review, owner)
    text = digest_json(reg, digests) if fmt == "json" else digest_markdown(reg, digests)
    click.echo(text, nl=False)
