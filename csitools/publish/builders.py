"""The builders csi can hand its pages to: MkDocs (the default, through the ``csi``
plugin) and Zensical (from the staged folder, as it runs no MkDocs plugins).

Both get the same pages from ``content.generate_site`` and both end with the same
final pass (``finalpass.disarm_site``) over the built HTML. Zensical is an optional
extra (``pip install 'csitools[zensical]'``); asking for it without it installed is
a message that says how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

BUILDERS = ("mkdocs", "zensical")
"""The builders ``csi build --builder`` and ``builder:`` in the settings name."""


class BuilderMissing(Exception):
    """The builder asked for is not installed; the message says how to install it."""


class BuildFailed(Exception):
    """The builder stopped; the message holds what it printed."""


def zensical_command() -> list[str]:
    """How to run the Zensical installed beside csitools, or ``BuilderMissing``."""
    beside = Path(sys.executable).parent / "zensical"
    found = str(beside) if beside.is_file() else shutil.which("zensical")
    if found is None:
        raise BuilderMissing(
            "the zensical builder is not installed; pip install 'csitools[zensical]', "
            "or build with --builder mkdocs"
        )
    return [found]


def build_with_zensical(
    root: Path,
    as_of: date,
    site_dir: Path,
    *,
    strict: bool = True,
    say: Callable[[str], None] = lambda _: None,
    board_pack: str = "off",
) -> None:
    """Stage the register's pages, build them with Zensical and put the site, its
    generated pages disarmed, into ``site_dir`` (which the caller has checked may be
    replaced); ``board_pack`` (``sitepack.CHOICES``) puts the board pack in it."""
    # Imported here: the command line imports this module for BUILDERS alone.
    from csitools.publish.content import generate_site
    from csitools.publish.finalpass import FINAL, disarm_site
    from csitools.publish.hosting import relative_not_found
    from csitools.publish.pagecache import CACHE_DIR, PageCache
    from csitools.publish.progress import current
    from csitools.publish.sitepack import add_board_pack
    from csitools.publish.staging import stage_site

    command = zensical_command()
    content = generate_site(root, as_of, CACHE_DIR, say=say)
    add_board_pack(content, root, as_of, board_pack, say=say)
    staged = stage_site(root, content, CACHE_DIR)
    current().stage("building with zensical")
    args = [*command, "build", "-f", str(staged.config), *(["--strict"] if strict else [])]
    run = subprocess.run(args, cwd=staged.config.parent, capture_output=True, text=True)
    printed = (run.stdout + run.stderr).strip()
    if run.returncode != 0 or not (staged.site / "index.html").is_file():
        raise BuildFailed(f"zensical build failed:\n{printed}")
    disarm_site(staged.site, PageCache(root / CACHE_DIR / FINAL, content.signer))
    relative_not_found(staged.site, _site_url(staged.config))
    if site_dir.exists():
        shutil.rmtree(site_dir)
    try:
        os.replace(staged.site, site_dir)  # on the same file system: a rename, no copy
    except OSError:
        shutil.copytree(staged.site, site_dir)


def _site_url(config: Path) -> str | None:
    """The staged configuration's ``site_url`` (staging wrote it, so it is plain YAML)."""
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    url = data.get("site_url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url else None
