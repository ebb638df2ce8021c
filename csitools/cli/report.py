"""csi report: the board pack as one HTML file or a PDF (a thin adapter over
``publish.pack``)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from csitools.cli.common import AS_OF, format_option, one_root
from csitools.cli.derived import check_out
from csitools.files import replace_file

if TYPE_CHECKING:
    from csitools.register.model import Settings


def site_pack(with_report: bool, settings: Settings) -> str:
    """What csi build puts in the site (``sitepack.CHOICES``): --with-report, else
    report.site of the settings; "html" when the PDF renderer is missing, said in one
    line."""
    from csitools.publish.sitepack import pdf_possible, wanted

    choice, skipped = pdf_possible(wanted("pdf" if with_report else None, settings))
    if skipped is not None:
        click.echo(skipped, err=True)
    return choice


def _pdf_ready() -> None:
    """Stop with the reason when no PDF can be made: no renderer, or a
    SOURCE_DATE_EPOCH that is no time."""
    from csitools.publish.pack import PdfDateError, PdfUnavailable, pdf_moment, pdf_renderer

    try:
        pdf_renderer()
        pdf_moment()
    except (PdfUnavailable, PdfDateError) as exc:
        raise click.ClickException(str(exc)) from exc


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
    default=None,
    help="The PDF's paper size (default: report.paper in site_config/register.yml, else a4).",
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
    paper: str | None,
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
    from csitools.publish import pack as packs
    from csitools.publish.content import ContentError, generate_site
    from csitools.publish.pagecache import CACHE_DIR
    from csitools.publish.staging import StagingError

    root = one_root()
    check_out(root, out, force)
    if fmt == "pdf":
        _pdf_ready()  # before the work, not after it
    day = as_of.date() if as_of else date.today()
    try:
        content = generate_site(root, day, CACHE_DIR)
        pack = packs.pack_of(
            content, root, day, packs.commit_of(root), review=review, improvements=improvements,
            whole=whole,
        )  # fmt: skip
    except (ContentError, StagingError) as exc:
        raise click.ClickException(str(exc)) from exc
    html = packs.render_html(pack, paper or pack.paper)
    try:
        if fmt == "html":
            replace_file(out, html)
        else:
            packs.render_pdf(html, out)
    except (packs.PdfUnavailable, packs.PdfDateError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from exc
    click.echo(f"wrote the pack ({len(pack.sections)} sections, as of {day}) to {out}", err=True)
