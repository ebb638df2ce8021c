"""Everything csi adds to a site, builder-neutral: validated register in, files out.

``generate_site`` validates the register (problems stop it with the same words as
``csi validate``), renders the charts and the generated pages, and returns them as
``SiteContent``: Markdown by docs path, chart files by docs path, the assets and the
downloads.
The MkDocs plugin feeds the content to MkDocs in memory; ``staging`` writes it to a
folder that any builder (MkDocs without the plugin, Zensical) builds from. Both get
the same pages from this one function.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import __version__ as jinja_version

from csitools.history.asof import statuses_then
from csitools.history.git import HistoryUnavailable
from csitools.history.revisions import load_history
from csitools.problems import plural
from csitools.publish.cachetrust import (
    Signer,
    TrackedCache,
    checkout_signer,
    refuse_tracked,
    user_folder,
)
from csitools.publish.chartdata import chart_tables
from csitools.publish.charts.files import ForeignFiles, render_charts
from csitools.publish.charts.specs import chart_specs
from csitools.publish.downloads import data_files
from csitools.publish.finalpass import FINAL
from csitools.publish.pagecache import PAGES
from csitools.publish.pages import Chart, build_pages
from csitools.publish.progress import Progress, current
from csitools.publish.servicepages import ANALYSIS_CSS, SECTIONS, with_analysis_nav
from csitools.validation import Validation, validate_repository_once

ASSETS = ("assets/csi/csi.css", "assets/csi/csi.js")
"""The site's own stylesheet and script, by docs path."""


class ContentError(Exception):
    """The register cannot be published as it stands; the message says why."""


@dataclass
class SiteContent:
    """What csi adds to the hand-written docs: every path is relative to docs_dir."""

    pages: dict[str, str] = field(default_factory=dict)
    """Generated Markdown by docs path (``register/CSI-0001.md``)."""
    files: dict[str, Path] = field(default_factory=dict)
    """Files copied as they are (the charts), by docs path."""
    assets: dict[str, bytes] = field(default_factory=dict)
    """The site's stylesheet and script, by docs path."""
    data: dict[str, bytes] = field(default_factory=dict)
    """The downloads (``data/register.csv`` ...), by docs path (``publish.downloads``)."""
    signer: Signer | None = None
    """Signs what csi keeps in its cache (None: keep nothing)."""
    validation: Validation | None = None

    def nav(self, nav: list[Any] | None) -> list[Any] | None:
        """A builder's navigation with the analysis sections these pages have (after the
        balanced scorecard), unless it names them already; unchanged without them."""
        return with_analysis_nav(nav, self.pages)

    @property
    def extra_css(self) -> list[str]:
        return [path for path in self.assets if path.endswith(".css")]

    @property
    def extra_javascript(self) -> list[str]:
        return [path for path in self.assets if path.endswith(".js")]


def os_error_words(exc: OSError) -> str:
    """An OSError in words, with its file: "Permission denied: .cache/csi/pages/…"."""
    where = os.path.relpath(os.fsdecode(exc.filename)) if exc.filename else ""
    return f"{exc.strerror or exc}: {where}" if where else str(exc.strerror or exc)


def _asset(path: str) -> bytes:
    return resources.files("csitools.publish").joinpath("assets", Path(path).name).read_bytes()


def _draw_charts(
    content: SiteContent,
    validation: Validation,
    cache: Path,
    as_of: date,
    say: Callable[[str], None],
    progress: Progress,
) -> dict[str, Chart]:
    """Draw (or take from the cache) every chart, add its file to ``content``, and
    return the charts the pages may show, by name."""
    specs = chart_specs(validation.register, validation.series, validation.status, as_of)
    done = 0

    def tick() -> None:  # one more chart drawn or taken from the cache
        nonlocal done
        done += 1
        progress.count("charts", done, len(specs))

    if specs:
        progress.count("charts", 0, len(specs))
    try:
        report = render_charts(
            specs, cache / "site-charts", cache / "charts", progress=tick, signer=content.signer
        )
    except ForeignFiles as exc:
        raise ContentError(f"the charts cannot be written: {exc}") from exc
    except OSError as exc:
        raise ContentError(f"the charts cannot be written: {os_error_words(exc)}") from exc
    by_name = {p.stem: p for p in report.written}
    drawn: dict[str, Chart] = {}
    for spec in specs:
        if spec.name in by_name:
            site_path = f"charts/{spec.name}.svg"
            drawn[spec.name] = Chart(site_path, spec.alt, chart_tables(spec))
            content.files[site_path] = by_name[spec.name]
    say(f"charts: {report.rendered} rendered, {report.cached} from the cache")
    return drawn


def generate_site(
    root: Path,
    as_of: date,
    cache_dir: str,
    *,
    charts: bool = True,
    history: bool = True,
    say: Callable[[str], None] = lambda _: None,
    progress: Progress | None = None,
) -> SiteContent:
    """The register at ``root`` as site content, judged as of ``as_of``.

    ``say`` receives advice in words (warnings of the register, how many charts came
    from the cache), ``progress`` (default: ``progress.current()``) the stages: charts
    N of M, then pages. Errors raise ``ContentError``."""
    progress = progress or current()
    gc.unfreeze()  # what an earlier build in this process kept from the collector
    validation = validate_repository_once(root, as_of)
    if validation.errors:
        lines = "\n".join(str(p) for p in validation.problems)
        n = len(validation.errors)
        raise ContentError(f"the register has {plural(n, 'problem')}:\n{lines}")
    for warning in validation.problems:  # advice, not a build failure even with --strict
        say(f"csi: {warning}")
    # The register stays alive for the whole build and holds no reference cycles: the
    # cycle collector need not walk it again each time pages and charts make objects
    # (and chart workers forked from here do not copy its pages by touching them). The
    # next build (`csi serve` builds again and again) hands it back to the collector.
    gc.freeze()
    cache = root / cache_dir
    try:
        used = [cache / PAGES, cache / "charts", cache / "site-charts", cache / FINAL]
        refuse_tracked(root, used, os.path.relpath(cache, root))
    except TrackedCache as exc:
        raise ContentError(str(exc)) from exc
    content = SiteContent(signer=checkout_signer(root), validation=validation)
    if content.signer is None:
        say("csi: no place for the cache's key outside the repository: no cache")
    drawn = _draw_charts(content, validation, cache, as_of, say, progress) if charts else {}
    progress.stage("pages")
    overrides = root / "site_config" / "overrides"
    past = load_history(root) if history else None
    if isinstance(past, HistoryUnavailable):
        say(f"history: {past.reason}")
    days = [review.date for review in validation.register.reviews]
    then = statuses_then(root, days, validation, history=history)
    compiled = user_folder(root, f"templates-{jinja_version}")
    content.pages = build_pages(
        validation.register, validation.status, drawn, overrides, past, then, compiled
    )
    gc.freeze()  # the pages too: the builder and the final pass come next
    # The analysis pages bring their own styles, only when the register has them.
    assets = list(ASSETS)
    if any(page in content.pages for _, page in SECTIONS):
        assets.append(ANALYSIS_CSS)
    content.assets = {path: _asset(path) for path in assets}
    content.data = data_files(validation.register, validation.status, validation.series)
    return content
