"""csi report: the board pack as one HTML file or a PDF (a thin adapter over
``publish.pack``)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from csitools.cli.common import AS_OF, format_option, one_root
from csitools.cli.derived import check_out
from csitools.files import replace_file


def _commit(root: Path) -> str:
    """The short id of the commit the pack is made from, "uncommitted" when none."""
    from csitools.history.git import GitError, resolve_commit

    try:
        return resolve_commit(root, "HEAD")[:7]
    except (GitError, OSError):
        return "uncommitted"


@click.command()
@AS_OF
@click.option("--review", metavar="STEM", default=None, help="The review the pack is for.")
@click.option(
    "--improvements",
    metavar="ID",
    multiple=True,
    help="A section for these improvements (repeat the option) instead of those needing attention.",
)
@click.option(
    "--whole", is_flag=True, help="The whole register: every improvement, not only attention."
)
@format_option(
    ["html", "pdf"], "html: one self-contained file; pdf: print-ready (needs the pdf extra)."
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="The PDF's paper size.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write (replaced whole; a file git tracks only with --force).",
)
@click.option("--force", is_flag=True, help="Replace --out even when git tracks it.")
def report(
    as_of: datetime | None,
    review: str | None,
    improvements: tuple[str, ...],
    whole: bool,
    fmt: str,
    paper: str,
    out: Path,
    force: bool,
) -> None:
    """Write the board pack: the review pack, or the whole register, as one document.

    A cover (title, as-of date, commit, the review), the review pack (decisions
    needed, since the last review, attention, actions), the benefits, a section per
    improvement needing attention (or per --improvements ID) with its chart and
    data, and an appendix with every improvement's one-line status. The HTML asks
    nothing of any other file or host; the PDF has page numbers and the as-of date
    in its footer and a contents list with page numbers.

    \b
    Examples:
      csi report --out pack.html
      csi report --format pdf --paper letter --as-of 2026-10-31 --out pack.pdf
      csi report --review 2026-10-14-csi-board --improvements CSI-0007 --out board.html
    """
    from csitools.publish.content import ContentError
    from csitools.publish.pack import (
        PdfUnavailable,
        make_pack,
        pdf_renderer,
        render_html,
        render_pdf,
    )
    from csitools.publish.staging import StagingError

    root = one_root()
    check_out(root, out, force)
    if fmt == "pdf":
        try:
            pdf_renderer()  # before the work, not after it
        except PdfUnavailable as exc:
            raise click.ClickException(str(exc)) from exc
    day = as_of.date() if as_of else date.today()
    try:
        pack = make_pack(
            root, day, _commit(root), review=review, improvements=improvements, whole=whole
        )
    except (ContentError, StagingError) as exc:
        raise click.ClickException(str(exc)) from exc
    html = render_html(pack, paper)
    try:
        if fmt == "html":
            replace_file(out, html)
        else:
            render_pdf(html, out)
    except PdfUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from exc
    click.echo(f"wrote the pack ({len(pack.sections)} sections, as of {day}) to {out}", err=True)


COMMANDS = (report,)
