"""Where csi may write: MkDocs empties the site folder before every build, so a site
folder that is, holds or lies inside the register's own folders (or the repository, or
csitools itself) would lose what the user wrote. ``csi build`` and the MkDocs plugin
both refuse such a folder before MkDocs touches it; ``csi export`` and ``csi charts``
never write into the register's own folders."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import csitools
from csitools.files import file_kind, in_the_way

KEPT = {
    "register": "the register's entries",
    "kpis": "the KPIs and their data",
    "reviews": "the review records",
    "site_config": "the site's settings and pages",
    "assessments": "the maturity assessments",
    "swot": "the SWOT analyses",
    ".git": "the git repository",
    ".cache": "csi's cache",
}
SITE_MARKERS = (("sitemap.xml", "sitemap.xml.gz"), ("sitemap.xml", "search.json"))
"""What each builder writes into every site it builds (MkDocs: the sitemap and its
gzipped copy, which come with MkDocs, not with a theme; Zensical: the sitemap and its
search index): a folder holding either pair is an earlier build, safe to empty."""


def kept_folder_of(path: Path, root: Path, names: Iterable[str] = tuple(KEPT)) -> str | None:
    """The register folder (one of ``names``, KEPT's by default) that ``path`` is or lies
    in, after resolving links and ``..``; None when it is outside them all."""
    resolved = path.resolve()
    return next((n for n in names if resolved.is_relative_to((root / n).resolve())), None)


def kept_folders(root: Path, config: Any = None) -> list[tuple[Path, str]]:
    """The folders a build must never empty: the register's, csitools, and with the MkDocs
    config its inputs."""
    kept = [(root / name, what) for name, what in KEPT.items()]
    kept.append((Path(csitools.__file__).parent, "the csitools package"))
    if config is not None:
        kept.append((Path(config.docs_dir), "the hand-written pages (docs_dir)"))
        if config.theme.custom_dir:
            kept.append((Path(config.theme.custom_dir), "the theme overrides (custom_dir)"))
    return kept


def _all_files(folder: Path, names: tuple[str, ...]) -> bool:
    return all((folder / name).is_file() for name in names)


def unsafe_site_dir(
    site: Path,
    root: Path,
    kept: list[tuple[Path, str]],
    force: bool,
    shown_as: Callable[[Path], str] = str,
) -> tuple[str, bool] | None:
    """Why a build into ``site`` would lose what the user wrote, and whether --force would
    allow it; None when it is safe. MkDocs empties the site folder first (all but its
    hidden entries), so the site folder must not be, hold or lie inside a kept folder,
    nor hold files that are not an earlier build of a site."""
    site = site.resolve()
    shown = shown_as(site)
    lost = "building empties the site folder first, deleting all of it"
    if site == root or site in root.parents:
        where = "the register repository" if site == root else "a folder above the register"
        return f"{shown}/ is {where}; {lost}", False
    for folder, what in kept:
        folder = folder.resolve()
        if site == folder:
            return f"{shown}/ holds {what}; {lost}", False
        if folder in site.parents or site in folder.parents:
            relation = "lies inside" if folder in site.parents else "holds"
            return f"{shown}/ {relation} {shown_as(folder)}/, which holds {what}; {lost}", False
    blocker = in_the_way(site)
    if blocker is not None:
        return f"{shown_as(blocker)} is {file_kind(blocker)}, not a folder", False
    if force or not site.is_dir() or any(_all_files(site, pair) for pair in SITE_MARKERS):
        return None
    names = sorted(name for name in os.listdir(site) if not name.startswith("."))
    if not names:  # MkDocs keeps hidden entries (.git, .nojekyll): nothing is lost
        return None
    listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return (
        f"{shown}/ holds {listed} and is not an earlier build of a site (it has no "
        "sitemap.xml); building empties the site folder first, deleting them",
        True,
    )
