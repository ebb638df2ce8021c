"""csi charts and csi build: from the register to the published site (csi serve: ``serve``)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from csitools.cli.common import AS_OF, display, one_root, warn_problems
from csitools.cli.report import site_pack
from csitools.files import file_kind, in_the_way
from csitools.publish.builders import BUILDERS
from csitools.publish.sitefolder import kept_folder_of, kept_folders, unsafe_site_dir
from csitools.reporting.problems import report_text

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from csitools.register.model import Settings


def _mkdocs_config(root: Path, strict: bool, **overrides: Any) -> MkDocsConfig:
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


def _shown(path: Path) -> str:
    return display(Path.cwd(), str(path))


def _os_error(exc: OSError) -> str:
    """An OSError in words, its file shown as the user can open it."""
    if exc.strerror and exc.filename:
        return f"{exc.strerror}: {_shown(Path(os.fsdecode(exc.filename)))}"
    return str(exc)


def require_clean(root: Path, day: date, then: str) -> Settings:
    """Stop with every problem listed unless the register validates; the plugin then
    reuses this validation (``validate_repository_once``). Returns the settings."""
    from csitools.validation import validate_repository_once

    validation = validate_repository_once(root, day)
    if validation.errors:
        click.echo(report_text(len(validation.files), list(validation.problems)), nl=False)
        raise click.ClickException(f"the register has problems; fix them, then {then} again")
    for warning in validation.problems:  # advice: said, and the build goes on
        click.echo(str(warning), err=True)
    return validation.register.settings


def _refuse_site_dir(
    site: Path, root: Path, kept: list[tuple[Path, str]], force: bool, from_option: bool
) -> None:
    """Stop the build when ``site`` is unsafe: a usage error for --site-dir (exit 2), a
    problem in mkdocs.yml for its site_dir (exit 1)."""
    problem = unsafe_site_dir(site, root, kept, force, _shown)
    if problem is None:
        return
    reason, occupied = problem
    if from_option:
        fix = "choose a new or empty folder, or pass --force to delete them"
        own = "choose a folder of its own, such as --site-dir site"
        raise click.BadParameter(f"{reason}; {fix if occupied else own}", param_hint="'--site-dir'")
    yml = _shown(root / "mkdocs.yml")
    fix = "pass --force to delete them, or set site_dir" if occupied else "set site_dir"
    raise click.ClickException(
        f"site_dir in {yml}: {reason}; {fix} in {yml} to a folder of its own, such as site"
    )


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
@click.option(
    "--force",
    is_flag=True,
    help="Build into a folder that holds other files, deleting them; never the register's.",
)
@click.option(
    "--builder",
    type=click.Choice(BUILDERS),
    default=None,
    help="The site builder (default: builder in site_config/register.yml, else mkdocs).",
)
@click.option(
    "--with-report",
    is_flag=True,
    help="Also write the board pack (HTML, and PDF with the pdf extra) into report/ "
    "(default: report.site in site_config/register.yml).",
)
def build(
    as_of: datetime | None,
    strict: bool,
    site_dir: Path | None,
    force: bool,
    builder: str | None,
    with_report: bool,
) -> None:
    """Validate the register, then build its site with MkDocs or Zensical.

    MkDocs (with Material) runs the csi plugin; Zensical, which runs no MkDocs
    plugins, builds the pages csi staged under .cache/csi/staging. Both give the
    same pages and URLs, and both end with the same disarming pass over the HTML.
    On a terminal the stages are shown; in a CI log only the summary line.

    The same commit and --as-of give the same site, byte for byte, when
    SOURCE_DATE_EPOCH is set (MkDocs then dates the sitemap from it).

    With --with-report (or report.site: true in the settings) the site also holds
    the board pack (csi report) as report/board-pack.html and .pdf, linked from the
    review pack page; without the pdf extra the PDF is skipped, and said so.

    MkDocs empties the site folder first, so csi refuses one that is, holds or lies
    inside the register's own folders (register/, kpis/, site_config/, .git, .cache,
    docs_dir) or the csitools package and, unless --force, one that holds files but
    is not an earlier build of a site (it has no sitemap.xml).

    \b
    Examples:
      csi build
      csi build --as-of 2026-10-31 --site-dir public
      SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) csi build
      csi build --builder zensical
      csi build --with-report
    """
    from csitools.publish.progress import QUIET, reporting_to
    from csitools.reporting.progress import TerminalProgress

    root = one_root()
    if site_dir:  # before any work, and before MkDocs' own less clear check of its config
        _refuse_site_dir(site_dir, root, kept_folders(root), force, from_option=True)
    day = as_of.date() if as_of else date.today()
    progress = TerminalProgress(to_terminal) if on_terminal() else QUIET
    with reporting_to(progress):
        progress.stage("validating")
        settings = require_clean(root, day, "build")
        board = site_pack(with_report, settings)
        chosen = builder or settings.builder
        if chosen == "zensical":
            site = _build_zensical(root, day, site_dir, strict, force, board)
        else:
            site = _build_mkdocs(root, day, site_dir, strict, force, board)
    _summary(site, day, chosen)


def _build_mkdocs(
    root: Path, day: date, site_dir: Path | None, strict: bool, force: bool, board: str
) -> Path:
    """The MkDocs build: the csi plugin told what csi build checked and chose."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import MkDocsException

    os.environ["CSI_AS_OF"] = day.isoformat()
    overrides = {"site_dir": str(site_dir.resolve())} if site_dir else {}
    # A broken link's file, why a build failed; on a terminal also its stages.
    with mkdocs_messages(logging.INFO if on_terminal() else logging.WARNING):
        config = _mkdocs_config(root, strict, **overrides)
        site = Path(config.site_dir)
        kept = kept_folders(root, config)
        _refuse_site_dir(site, root, kept, force, from_option=bool(site_dir))
        if force and "csi" in config.plugins:  # checked above: the plugin need not refuse it
            config.plugins["csi"].config.force_site_dir = True
        if "csi" in config.plugins:
            config.plugins["csi"].config.board_pack = board
        try:
            mkdocs_build(config)
        except MkDocsException as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            raise click.ClickException(f"could not build the site: {_os_error(exc)}") from exc
    return site


def on_terminal() -> bool:
    return sys.stderr.isatty()


def to_terminal(text: str) -> None:
    click.echo(text, err=True, nl=False)


def advice(text: str) -> None:
    """What a build says beside its stages (the cache, history), on a terminal only."""
    if on_terminal():
        click.echo(text, err=True)


def _summary(site: Path, day: date, builder: str) -> None:
    """The one line every build ends with; on a terminal also how to look at the site."""
    from csitools.reporting.progress import build_summary

    shown = os.path.relpath(site)
    click.echo(build_summary(site, shown, builder, day))
    if on_terminal():
        click.echo(f"serve it: python3 -m http.server -d {shown} 8000, or csi serve", err=True)


def _build_zensical(
    root: Path, day: date, site_dir: Path | None, strict: bool, force: bool, board: str
) -> Path:
    """The Zensical build: the same site-folder guard, then stage, build, disarm."""
    from csitools.publish.builders import BuilderMissing, BuildFailed, build_with_zensical
    from csitools.publish.content import ContentError
    from csitools.publish.staging import StagingError, read_config

    try:
        user = read_config(root / "mkdocs.yml")
    except StagingError as exc:
        raise click.ClickException(str(exc)) from exc
    site = (site_dir or root / str(user.get("site_dir", "site"))).resolve()
    kept = kept_folders(root)
    kept.append((root / str(user.get("docs_dir", "docs")), "the hand-written pages (docs_dir)"))
    theme = user.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        kept.append((root / str(theme["custom_dir"]), "the theme overrides (custom_dir)"))
    _refuse_site_dir(site, root, kept, force, from_option=bool(site_dir))
    try:
        build_with_zensical(root, day, site, strict=strict, say=advice, board_pack=board)
    except (BuilderMissing, BuildFailed, ContentError, StagingError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"could not build the site: {_os_error(exc)}") from exc
    return site


class _MkDocsMessages(logging.Handler):
    """MkDocs' log records as its own command line prints them: ``WARNING -  text``."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


@contextmanager
def mkdocs_messages(level: int) -> Iterator[None]:
    """MkDocs reports through logging, and only its own command line sets a handler up:
    print its messages from ``level`` up while the block runs."""
    logger = logging.getLogger("mkdocs")
    handler, before = _MkDocsMessages(level), logger.level
    logger.addHandler(handler)
    logger.setLevel(min(level, before or level))
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)


def _check_charts_out(root: Path, out_dir: Path) -> None:
    """Refuse an --out that is not a folder or lies in the register's own folders."""
    blocker = in_the_way(out_dir)
    if blocker is not None:
        raise click.BadParameter(
            f"{_shown(blocker)} is {file_kind(blocker)}, not a folder; choose another folder",
            param_hint="'--out'",
        )
    # site_config/docs/charts is fine (hand-written pages may show them), the rest is not.
    if (name := kept_folder_of(out_dir, root, ("register", "kpis", "reviews", ".git"))) is not None:
        raise click.BadParameter(
            f"{_shown(out_dir)} is inside {name}/, which holds the register's own files; "
            "choose a folder of its own, such as charts",
            param_hint="'--out'",
        )


def _foreign(paths: Sequence[Path], manifest: Path) -> click.BadParameter:
    """Files in the chart folder that csi did not write: it wrote nothing, and says so."""
    them = "it" if len(paths) == 1 else "them"
    return click.BadParameter(
        f"{', '.join(_shown(path) for path in paths)}: csi did not write {them} (not "
        f"listed in {_shown(manifest)}, not a csitools chart) and never overwrites a "
        f"file it did not write, so it wrote nothing; move {them} away, or choose another "
        "folder",
        param_hint="'--out'",
    )


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
    same bytes. A file csi did not write is never overwritten or removed.

    \b
    Examples:
      csi charts
      csi charts --out public/charts --png --as-of 2026-10-31
    """
    from csitools.publish.cachetrust import TrackedCache, checkout_signer, refuse_tracked
    from csitools.publish.charts.files import ForeignFiles, render_charts
    from csitools.publish.charts.specs import chart_specs
    from csitools.publish.pagecache import CACHE_DIR
    from csitools.validation import validate_repository

    root = one_root()
    _check_charts_out(root, out_dir)
    day = as_of.date() if as_of else date.today()
    validation = validate_repository(root, day)
    warn_problems(validation)
    specs = chart_specs(validation.register, validation.series, validation.status, day)
    fmt = "png" if png else "svg"
    cache = root / CACHE_DIR / "charts"
    try:
        refuse_tracked(root, [cache], _shown(cache))
    except TrackedCache as exc:
        raise click.ClickException(str(exc)) from exc
    signer = checkout_signer(root)
    try:
        if sys.stderr.isatty():
            with click.progressbar(length=len(specs), label="charts", file=sys.stderr) as bar:
                report = render_charts(
                    specs, out_dir, cache, fmt, jobs, lambda: bar.update(1), signer
                )
        else:
            report = render_charts(specs, out_dir, cache, fmt, jobs=jobs, signer=signer)
    except ForeignFiles as exc:
        raise _foreign(exc.paths, exc.manifest) from exc
    except OSError as exc:
        raise click.ClickException(f"could not write the charts: {_os_error(exc)}") from exc
    for path in report.written:
        click.echo(os.path.relpath(path))
    click.echo(
        f"{len(report.written)} charts in {os.path.relpath(out_dir)}/: {report.rendered} "
        f"rendered, {report.cached} from the cache, {report.pruned} no longer produced "
        f"removed",
        err=True,
    )
