"""The MkDocs plugin ``csi``: a thin adapter that feeds the register's pages to MkDocs.

``on_config`` validates the register (problems fail the build with the same messages
as ``csi validate``), computes its status, renders the charts and the pages;
``on_files`` adds them with ``File.generated``; ``on_page_content`` passes each
generated page's HTML through ``markdown.disarm_html`` (the allow-list every builder
ends with) and keeps it in the signed page cache (``pagecache``); ``on_serve`` watches
the register's folders. Only MkDocs' public plugin API is used, so the register can
move to another builder later.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs import __version__ as mkdocs_version
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import AnchorLink, get_toc

from csitools import __version__
from csitools.publish import hosting
from csitools.publish import markdown as site_markdown
from csitools.publish import pages as site_pages
from csitools.publish.cachetrust import Signer
from csitools.publish.content import ContentError, generate_site, os_error_words
from csitools.publish.markdown import DISARM_VERSION, disarm_html, disarm_title
from csitools.publish.pagecache import CACHE_DIR, PAGES, Entry, PageCache
from csitools.publish.progress import current
from csitools.publish.serving import WATCHED
from csitools.publish.sitefolder import kept_folders, unsafe_site_dir
from csitools.publish.sitepack import CHOICES, add_board_pack, wanted
from csitools.register.limits import EARLIEST, LATEST

log = get_plugin_logger(__name__)


def _toc_token(item: AnchorLink) -> dict[str, Any]:
    """A table-of-contents entry as the plain data ``get_toc`` reads."""
    return {
        "level": item.level,
        "id": item.id,
        "name": item.title,
        "children": [_toc_token(child) for child in item.children],
    }


CODE_KEY = hashlib.sha256(
    Path(__file__).read_bytes()
    + Path(site_pages.__file__).read_bytes()
    + Path(site_markdown.__file__).read_bytes()
    + "|".join(metadata.version(d) for d in ("markdown", "pymdown-extensions")).encode()
    + DISARM_VERSION.encode()
).hexdigest()
"""What converts a generated page besides its Markdown: this module, ``pages``,
``markdown`` (whose allow-list decides the HTML kept), the Markdown packages and nh3. A
page cached by another version of them is converted again."""


class CsiConfig(base.Config):
    enabled = c.Type(bool, default=True)
    root = c.Optional(c.Type(str))
    """The register repository, relative to mkdocs.yml (default: mkdocs.yml's folder)."""
    as_of = c.Optional(c.Type(str))
    """Judge the data as of this date (YYYY-MM-DD); the CSI_AS_OF variable wins."""
    charts = c.Type(bool, default=True)
    history = c.Type(bool, default=True)
    """Read git history for the History sections and the Changelog page."""
    cache_dir = c.Type(str, default=CACHE_DIR)
    force_site_dir = c.Type(bool, default=False)
    """Build into a site_dir that holds files of another kind, deleting them (never one
    that holds the register); csi build --force sets it."""
    board_pack = c.Optional(c.Choice(CHOICES))
    """The board pack in the site: off, html, or pdf (the HTML and the PDF); unset,
    ``report.site`` in the settings decides. csi build --with-report sets it."""


class CsiPlugin(BasePlugin[CsiConfig]):
    def __init__(self) -> None:
        self._site_key = ""
        self._page_keys: dict[str, str] = {}
        self._page_hits: dict[str, Entry] = {}
        self._page_cache = PageCache(Path(CACHE_DIR, PAGES), None)
        self._signer: Signer | None = None
        self.pages: dict[str, str] = {}
        self.chart_files: dict[str, Path] = {}
        self.assets: dict[str, bytes] = {}
        self.root = Path()
        self._serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._serving = command == "serve"  # the PDF is left to the build: HTML only

    def _as_of(self) -> date:
        text = os.environ.get("CSI_AS_OF") or self.config.as_of
        if not text:
            return date.today()
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise PluginError(f"csi: as-of date {text!r} is not YYYY-MM-DD") from exc
        if not EARLIEST <= day <= LATEST:
            raise PluginError(f"csi: as-of date {text} is outside {EARLIEST} to {LATEST}")
        return day

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        # Themes print site_name raw (Material: <title>, the header, an aria-label) and
        # escape it elsewhere: as disarmed Markup it reads as text in both.
        config.site_name = disarm_title(config.site_name)
        base_dir = Path(config.config_file_path or ".").resolve().parent
        self.root = (base_dir / (self.config.root or ".")).resolve()
        # MkDocs empties the site folder before it builds: never one holding the register.
        kept = kept_folders(self.root, config)
        site, shown = Path(config.site_dir), lambda path: os.path.relpath(path, self.root)
        # A folder of other files is refused too, unless force_site_dir is set (csi build
        # --force sets it, having asked the same question first).
        force = self.config.force_site_dir
        unsafe = unsafe_site_dir(site, self.root, kept, force=force, shown_as=shown)
        if unsafe is not None:
            also = " (or csi build --site-dir DIR --force to delete them)" if unsafe[1] else ""
            raise PluginError(
                f"csi: site_dir {unsafe[0]}; set site_dir in mkdocs.yml to a folder of its "
                f"own, such as site{also}"
            )
        day = self._as_of()
        try:
            content = generate_site(
                self.root,
                day,
                self.config.cache_dir,
                charts=self.config.charts,
                history=self.config.history,
                say=log.info,
            )
            assert content.validation is not None
            board = wanted(self.config.board_pack, content.validation.register.settings)
            board = "html" if self._serving and board == "pdf" else board
            add_board_pack(content, self.root, day, board, say=log.info)
        except ContentError as exc:
            raise PluginError(f"csi: {exc}") from exc
        current().stage("building with mkdocs")
        self._signer = content.signer
        self.pages, self.chart_files = content.pages, content.files
        self.assets = {**content.assets, **content.data}
        config.extra_css.extend(content.extra_css)
        config.extra_javascript.extend(content.extra_javascript)
        config.nav = content.nav(config.nav)
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        if not self.config.enabled:
            return files
        for path, markdown in sorted(self.pages.items()):
            existing = files.get_file_from_path(path)
            if existing is not None:
                log.warning(f"{path} is generated by csi; the hand-written page is not used")
                files.remove(existing)
            files.append(File.generated(config, path, content=markdown))
        for path, source in sorted(self.chart_files.items()):
            files.append(File.generated(config, path, abs_src_path=str(source)))
        for asset, data in sorted(self.assets.items()):
            files.append(File.generated(config, asset, content=data))
        self._site_key = json.dumps(
            [
                __version__,
                CODE_KEY,
                mkdocs_version,
                sorted(f.src_uri for f in files),
                config["markdown_extensions"],
                config["mdx_configs"],
                config["use_directory_urls"],
            ],
            sort_keys=True,
            default=str,
        )
        self._page_keys = {}
        self._page_hits = {}
        self._page_cache = PageCache(self.root / self.config.cache_dir / PAGES, self._signer)
        return files

    # Generated pages are converted once: their HTML, table of contents and anchors
    # are kept under the cache folder, keyed by the page's Markdown and everything else
    # that shapes its HTML (the site's file list, the Markdown extensions, the versions).
    # A rebuild after one entry changed then converts only the pages that changed.

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        src = page.file.src_uri
        if src not in self.pages:
            return markdown
        if "title" in page.meta:
            # The front matter holds the title as escaped HTML already; as Markup, the
            # theme's `| e` leaves it alone instead of escaping it a second time.
            page.meta["title"] = disarm_title(str(page.meta["title"]))
        digest = hashlib.sha256(f"{self._site_key}\0{src}\0{markdown}".encode()).hexdigest()
        self._page_keys[src] = digest
        hit = self._page_cache.lookup(digest)
        if hit is None:
            return markdown
        self._page_hits[src] = hit
        return ""  # converting nothing is free; on_page_content puts the HTML back

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        src = page.file.src_uri
        if src not in self.pages:
            return html
        hit = self._page_hits.pop(src, None)
        if hit is not None:
            page.toc = get_toc(hit["toc"])
            page.present_anchor_ids = set(hit["anchors"])
            return hosting.out_of_search(str(hit["html"]))
        html = disarm_html(html)
        entry = {
            "html": html,
            "toc": [_toc_token(item) for item in page.toc],
            "anchors": sorted(page.present_anchor_ids or ()),
        }
        try:
            self._page_cache.store(self._page_keys[src], entry)
        except OSError as exc:
            raise PluginError(
                f"csi: the page cache cannot be written: {os_error_words(exc)}"
            ) from exc
        return hosting.out_of_search(html)

    # The 404 page works from any folder of a server: relative links, and a <base> where
    # site_url says where the site lives (csitools.publish.hosting).

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        if not self.config.enabled:
            return env
        return hosting.with_not_found_page(env, config.theme.custom_dir)

    def on_template_context(self, context: Any, template_name: str, config: Any) -> Any:
        return hosting.relative_error_page(context, template_name)

    def on_post_template(self, output_content: str, template_name: str, config: Any) -> str:
        return hosting.base_element(output_content, template_name, config.site_url)

    def on_post_build(self, config: Any) -> None:
        if not self.config.enabled:
            return
        try:
            self._page_cache.prune(set(self._page_keys.values()))
        except OSError as exc:
            raise PluginError(
                f"csi: the page cache cannot be written: {os_error_words(exc)}"
            ) from exc

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        for folder in WATCHED:
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server
