"""Pages as files first: the site's whole docs folder, written before any builder runs.

``stage_site`` writes the hand-written pages (``docs_dir`` of ``mkdocs.yml``) and
everything ``content.generate_site`` produces into ``<cache>/staging/docs``, and a
configuration beside it (``<cache>/staging/mkdocs.yml``: the user's, dumped by YAML,
pointing at the staged docs, without the ``csi`` plugin). A builder that runs no
MkDocs plugins (Zensical) builds from there; nothing in the user's folders is
written. A file is rewritten only when its bytes change, so a builder that keys its
own cache on files sees only what changed; files csi staged earlier that nothing
produces any more are removed (the folder is csi's own, under the cache).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from csitools.files import replace_file
from csitools.publish.content import SiteContent
from csitools.publish.finalpass import wrap_page
from csitools.publish.markdown import disarm_title

STAGING = "staging"


class StagingError(Exception):
    """mkdocs.yml cannot be staged as it is; the message names what to change."""


@dataclass(frozen=True)
class Staged:
    config: Path
    """The staged configuration file (``<cache>/staging/mkdocs.yml``)."""
    docs: Path
    """The staged docs folder."""
    site: Path
    """Where the builder writes the site (``<cache>/staging/site``)."""
    generated: frozenset[str]
    """The docs paths of the pages csi generated (the final pass disarms these)."""
    written: int
    """How many files changed in the staging folder in this run."""


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml's own tags (``!ENV``, ``!relative``) read as MkDocs reads them."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    names = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else None
    if names is None:
        names = [loader.construct_scalar(node)]  # type: ignore[arg-type]
    *keys, default = names if len(names) > 1 else (*names, None)
    for key in keys:
        if key in os.environ:
            return os.environ[key]
    return default


_ConfigLoader.add_constructor("!ENV", _env)


def read_config(config_file: Path) -> dict[str, Any]:
    """``mkdocs.yml`` as plain data; a tag a builder-neutral config cannot hold (such
    as ``!!python/name:``) is a ``StagingError`` naming the file and line."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise StagingError(
            f"{config_file.name}{line}: {exc.problem}; the staged build reads mkdocs.yml "
            "as plain YAML (!ENV is understood; Python tags are not)"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise StagingError(f"cannot read {config_file.name}: {exc}") from exc
    if not isinstance(data, dict):
        raise StagingError(f"{config_file.name} does not hold a mapping of settings")
    return data


def _without_csi(plugins: Any) -> list[Any]:
    """The plugin list with ``csi`` taken out: its work is done by staging."""
    if isinstance(plugins, dict):
        plugins = [{name: conf} if conf else name for name, conf in plugins.items()]
    kept = []
    for plugin in plugins or ["search"]:
        name = next(iter(plugin)) if isinstance(plugin, dict) else plugin
        if name != "csi":
            kept.append(plugin)
    return kept


def _staged_config(user: dict[str, Any], content: SiteContent) -> dict[str, Any]:
    """The user's configuration for the staged folder: a builder may insist that the
    docs, the theme overrides and the site lie inside the configuration's folder."""
    config = dict(user)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    # Themes print site_name raw in places: as escaped text it reads as text everywhere.
    config["site_name"] = str(disarm_title(str(user.get("site_name", ""))))
    theme = user.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        config["theme"] = {**theme, "custom_dir": "overrides"}
    config["plugins"] = _without_csi(user.get("plugins"))
    config["extra_css"] = [*user.get("extra_css", []), *content.extra_css]
    config["extra_javascript"] = [*user.get("extra_javascript", []), *content.extra_javascript]
    if content.nav(user.get("nav")) is not None:
        config["nav"] = content.nav(user.get("nav"))
    return config


def _write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, data, durable=False)
    return True


def _prune(folder: Path, keep: set[Path]) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_symlink() or path.is_file():
            if path not in keep:
                path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _files_of(folder: Path, prefix: str) -> dict[str, bytes | Path]:
    """The regular files under ``folder`` by ``prefix/relative path`` (links skipped)."""
    found: dict[str, bytes | Path] = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                found[f"{prefix}/{path.relative_to(folder).as_posix()}"] = path
    return found


def stage_site(root: Path, content: SiteContent, cache_dir: str) -> Staged:
    """Write the site's docs folder, theme overrides and configuration under
    ``<root>/<cache_dir>/staging``."""
    user = read_config(root / "mkdocs.yml")
    staging = root / cache_dir / STAGING
    files = _files_of(root / str(user.get("docs_dir", "docs")), "docs")
    theme = user.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        files.update(_files_of(root / str(theme["custom_dir"]), "overrides"))
    files.update({f"docs/{path}": source for path, source in content.files.items()})
    generated = {**content.assets, **content.data}
    files.update({f"docs/{path}": data for path, data in generated.items()})
    for path, markdown in content.pages.items():
        files[f"docs/{path}"] = wrap_page(markdown).encode("utf-8")
    staged = _staged_config(user, content)
    dumped = yaml.safe_dump(staged, allow_unicode=True, sort_keys=False, width=10_000)
    files["mkdocs.yml"] = dumped.encode("utf-8")
    written, keep = 0, set()
    for rel, source in sorted(files.items()):
        target = staging / rel
        keep.add(target)
        data = source.read_bytes() if isinstance(source, Path) else source
        written += _write_if_changed(target, data)
    for folder in ("docs", "overrides"):
        if (staging / folder).is_dir():
            _prune(staging / folder, keep)
    if isinstance(theme, dict) and theme.get("custom_dir"):
        (staging / "overrides").mkdir(exist_ok=True)  # an empty custom_dir still exists
    return Staged(
        staging / "mkdocs.yml",
        staging / "docs",
        staging / "site",
        frozenset(content.pages),
        written,
    )


def remove_staging(root: Path, cache_dir: str) -> None:
    """Forget the staged folder (a cold build starts from nothing)."""
    shutil.rmtree(root / cache_dir / STAGING, ignore_errors=True)
