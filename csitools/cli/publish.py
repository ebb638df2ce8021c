"""csi charts, csi build and csi serve: from the register to the published site."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path

import click

from csitools.cli.common import AS_OF, one_root, warn_problems
from csitools.pipeline import validate_repository, validate_repository_once
from csitools.report import report_text


def _mkdocs_config(root: Path, strict: bool, **overrides: object):  # type: ignore[no-untyped-def]
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise click.ClickException(
            f"no mkdocs.yml in {root}; csi init writes one, or copy the sample's"
        )
    try:
        return load_config(config_file=str(config_file), strict=strict, **overrides)
    except ConfigurationError as exc:
        raise click.ClickException(f"mkdocs.yml: {exc}") from exc


@click.command()
@AS_OF
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="Fail on MkDocs warnings (broken links, missing pages).",
)
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write the site (default: site_dir of mkdocs.yml, site/).",
)
def build(as_of: datetime | None, strict: bool, site_dir: Path | None) -> None:
    """Validate the register, then build its site with MkDocs.

    The same commit and --as-of give the same site, byte for byte, when
    SOURCE_DATE_EPOCH is set (MkDocs then dates the sitemap from it).

    \b
    Examples:
      csi build
      csi build --as-of 2026-10-31 --site-dir public
      SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) csi build
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    root = one_root()
    day = as_of.date() if as_of else date.today()
    validation = validate_repository_once(root, day)
    if validation.problems:
        click.echo(report_text(len(validation.files), list(validation.problems)), nl=False)
        raise click.ClickException("the register has problems; fix them, then build again")
    os.environ["CSI_AS_OF"] = day.isoformat()
    overrides = {"site_dir": str(site_dir.resolve())} if site_dir else {}
    config = _mkdocs_config(root, strict, **overrides)
    try:
        mkdocs_build(config)
    except MkDocsException as exc:
        raise click.ClickException(str(exc)) from exc
    out = Path(config.site_dir)
    pages = sum(1 for _ in out.rglob("*.html"))
    click.echo(f"built {pages} pages into {os.path.relpath(out)}/ (health as of {day})")
    click.echo(f"serve it: python -m http.server -d {os.path.relpath(out)} 8000, or csi serve")


@click.command()
@AS_OF
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address and port to serve on."
)
def serve(as_of: datetime | None, dev_addr: str) -> None:
    """Serve the site locally, rebuilding when register/, kpis/ or site_config/ change.

    \b
    Example:
      csi serve --dev-addr 127.0.0.1:8001
    """
    from mkdocs.commands.serve import serve as mkdocs_serve

    root = one_root()
    if as_of:
        os.environ["CSI_AS_OF"] = as_of.date().isoformat()
    os.chdir(root)
    mkdocs_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True)


@click.command()
@AS_OF
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("charts"),
    show_default=True,
    help="Folder to write the charts to.",
)
@click.option("--png", is_flag=True, help="Write PNG instead of SVG.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to render with (default: one per core).",
)
def charts(as_of: datetime | None, out_dir: Path, png: bool, jobs: int | None) -> None:
    """Render a chart per KPI and per improvement (one panel per target).

    Charts are cached by a hash of what feeds them under .cache/csi/charts, so a
    second run renders only what changed. The same data and --as-of give the
    same bytes.

    \b
    Examples:
      csi charts
      csi charts --out public/charts --png --as-of 2026-10-31
    """
    from csitools.charts import chart_specs
    from csitools.drawing import render_charts

    root = one_root()
    day = as_of.date() if as_of else date.today()
    validation = validate_repository(root, day)
    warn_problems(validation)
    specs = chart_specs(validation.register, validation.series, validation.status, day)
    fmt = "png" if png else "svg"
    cache = root / ".cache" / "csi" / "charts"
    if sys.stderr.isatty():
        with click.progressbar(length=len(specs), label="charts", file=sys.stderr) as bar:
            report = render_charts(
                specs, out_dir, cache, fmt, jobs=jobs, progress=lambda: bar.update(1)
            )
    else:
        report = render_charts(specs, out_dir, cache, fmt, jobs=jobs)
    for path in report.written:
        click.echo(os.path.relpath(path))
    click.echo(
        f"{len(report.written)} charts in {os.path.relpath(out_dir)}/: {report.rendered} "
        f"rendered, {report.cached} from the cache, {report.pruned} no longer produced "
        f"removed",
        err=True,
    )
