"""A new register repository (``csi init``): the starter files, the schemas copied to
``.schemas/``, written into a folder without touching what is there already.

Every file is created whole and never over an existing one (``csitools.files.write_new``); a
file that exists is left as it is and reported as skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from csitools import __version__
from csitools.contribute.entries import SCHEMA_COPY, scalar
from csitools.files import file_kind, in_the_way, write_new
from csitools.problems import plural
from csitools.publish.markdown import cell, inert_title

SCHEMA_KINDS = (
    *("improvement", "kpi", "people", "review", "settings"),
    *("services", "csfs", "assessment", "swot"),
)


_PLACEHOLDER = re.compile(r"@[a-z_]+@")

INIT_TEMPLATES = "templates/init"
"""Files ``csi init`` writes. Names starting ``dot-`` become ``.``: dotfiles are not
matched by the package-data globs that ship templates in the wheel."""


@dataclass
class InitReport:
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Files that existed already and were left as they were."""


def _template_files() -> dict[str, str]:
    """``{path in the new register: text}`` of the init templates."""
    out: dict[str, str] = {}

    def walk(node: Any, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = "." + child.name[4:] if child.name.startswith("dot-") else child.name
            if child.is_dir():
                walk(child, f"{prefix}{name}/")
            elif not name.endswith((".pyc", ".pyo")):
                out[prefix + name] = child.read_text(encoding="utf-8")

    walk(resources.files("csitools.contribute").joinpath(INIT_TEMPLATES), "")
    return out


def init_files(title: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every file of a new register: the templates with the title and the csitools
    version filled in, the schemas in ``.schemas/``, and ``extra`` (generated pages)."""
    values = {
        "@title_md@": str(cell(title)),
        "@title_yaml@": scalar(title),
        "@site_name@": site_name_line(title),
        "@version@": __version__,
    }
    files: dict[str, str] = {}
    for rel, text in _template_files().items():
        # One pass: a title that holds "@version@" stays as it is.
        files[rel] = _PLACEHOLDER.sub(lambda m: values.get(m.group(0), m.group(0)), text)
    for kind in SCHEMA_KINDS:
        source = resources.files("csitools.schemas").joinpath(f"{kind}.schema.json")
        files[f"{SCHEMA_COPY}/{kind}.schema.json"] = source.read_text(encoding="utf-8")
    files.update(extra or {})
    return dict(sorted(files.items()))


def site_name_line(title: str) -> str:
    """mkdocs.yml's ``site_name`` line, dumped by YAML. Themes print ``site_name`` raw
    into the page's ``<title>``, header and attributes, so it holds the title as
    escaped HTML: inert whichever builder reads it."""
    line = yaml.safe_dump({"site_name": str(inert_title(title))}, allow_unicode=True, width=10_000)
    return line.rstrip("\n")


class NotEmpty(Exception):
    """The target folder holds files and --force was not given."""


class BadTarget(Exception):
    """The target folder cannot be made or written to: a file is in the way, or the
    file system refuses."""


def init_register(
    dest: Path,
    title: str,
    force: bool = False,
    extra: Mapping[str, str] | None = None,
) -> InitReport:
    """Write a new register into ``dest``. A folder that holds anything but ``.git``
    is refused unless ``force``; even then an existing file is never overwritten, only
    reported as skipped. Raises BadTarget when ``dest`` or a folder above it is a file,
    or a file cannot be written."""
    if (blocker := in_the_way(dest)) is not None:
        raise BadTarget(f"{blocker} is {file_kind(blocker)}, not a folder")
    if dest.is_dir() and not force and any(p.name != ".git" for p in dest.iterdir()):
        raise NotEmpty(
            f"{dest} is not empty; use --force to add the missing files "
            "(existing files are never overwritten)"
        )
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadTarget(f"cannot create the folder {dest}: {exc.strerror}") from exc
    report = InitReport()
    for rel, text in init_files(title, extra).items():
        path = dest / rel
        try:
            if os.path.lexists(path):
                raise FileExistsError(rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_new(path, text)
        except (FileExistsError, NotADirectoryError):
            # Something of the user's is in the way (the file, or a file where a
            # folder should be): leave it and say so.
            report.skipped.append(rel)
            continue
        except OSError as exc:
            done = len(report.written)
            raise BadTarget(
                f"cannot write {path}: {exc.strerror} (wrote {plural(done, 'file')} before it)"
            ) from exc
        report.written.append(rel)
    return report
