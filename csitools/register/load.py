"""YAML files -> Documents checked against the JSON Schemas, the repository's files found.

Every problem of every file is collected as a ``Problem``; nothing is raised for bad
input. Parsing YAML into data with line numbers is ``csitools.register.documents``.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from csitools.problems import Problem, Where
from csitools.register.documents import FAILED, Document, LazyLines, parse_yaml, quick_parse
from csitools.register.invisible import invisible_characters, may_hold_unseen
from csitools.register.schema import describe, validate_data

MAX_BYTES = 1024 * 1024
"""Files larger than this are refused: an entry is a few kilobytes."""

YAML_SUFFIXES = (".yaml", ".yml")

SETTINGS_FILES = ("site_config/register.yml", "site_config/register.yaml")
"""Where the register's settings are read from: the first of these that exists."""


def too_large(size: int) -> str:
    """Why a file of ``size`` bytes is not read (on disk or in a git revision)."""
    return f"the file is {size:,} bytes, over the 1 MiB limit"


def read_document(file: Path, rel: str, kind: str) -> tuple[Document | None, list[Problem]]:
    """Read, parse and schema-check one file. The Document is None when the file could
    not be parsed; it is returned with ``valid=False`` when only the schema failed."""
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            return None, [Problem(rel, 0, "$", f"this is {what}; put the YAML file here instead")]
        if info.st_size > MAX_BYTES:
            return None, [Problem(rel, 0, "$", f"{too_large(info.st_size)}; split it")]
        raw = file.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 0, "$", f"cannot read the file: {exc.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [
            Problem(
                rel,
                line,
                "$",
                f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    data = quick_parse(text)  # most files: no line numbers until a problem asks for one
    if data is not FAILED:
        lines: Mapping[Where, int] = LazyLines(text, rel)
        surprises: Mapping[Where, str] = {}
        problems: list[Problem] = []
    else:
        data, lines, surprises, problems = parse_yaml(text, rel)
        if data is FAILED:
            return None, problems
    if not isinstance(data, dict):
        what = describe(data)  # "a list", "the text 'x'", ...
        problems.append(
            Problem(
                rel, 1, "$", f"the file holds {what}; it must be a mapping of fields (key: value)"
            )
        )
        return None, problems
    # A value the parser reported (a number out of range) gets no second message.
    reported = {p.json_path for p in problems} - {"$"}
    problems += [
        p for p in validate_data(data, kind, rel, lines, surprises) if p.json_path not in reported
    ]
    doc = Document(rel, kind, data, lines, valid=not problems)
    unseen = invisible_characters(doc) if may_hold_unseen(text) else []
    return doc, sorted([*problems, *unseen])


@dataclass
class LoadResult:
    """Every document of a repository, and every problem found while reading them."""

    root: Path
    improvements: list[Document] = field(default_factory=list)
    kpis: list[Document] = field(default_factory=list)
    people: Document | None = None
    settings: Document | None = None
    reviews: list[Document] = field(default_factory=list)
    services: Document | None = None
    csfs: Document | None = None
    assessments: list[Document] = field(default_factory=list)
    swots: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """Files that were found but could not be parsed."""


_IMPROVEMENT_NAME = re.compile(r"^CSI-[0-9]{4}(-[a-z0-9]+)*\.ya?ml$")
_KPI_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.ya?ml$")
_REVIEW_NAME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[a-z0-9]+)+\.ya?ml$")
_ASSESSMENT_NAME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[a-z0-9]+)*\.ya?ml$")

REGISTER_FILES = {"people": "people", "services": "services", "csfs": "csfs"}
"""Files in register/ that are not entries: file stem -> kind."""

ANALYSIS_FOLDERS = {"assessments": "assessment", "swot": "swot"}
"""Folders of the service analysis, each file of one kind. Optional, like its files."""

READ_FOLDERS = ("register", "kpis", "reviews", *ANALYSIS_FOLDERS, "site_config")
"""The folders the register's YAML is read from."""

_NAME_FORMS = {
    "improvement": (_IMPROVEMENT_NAME, "CSI-NNNN-<slug>.yaml"),
    "kpi": (_KPI_NAME, "<kpi-id>.yaml"),
    "review": (_REVIEW_NAME, "<YYYY-MM-DD>-<slug>.yaml"),
    "assessment": (_ASSESSMENT_NAME, "YYYY-MM-DD-<slug>.yaml"),
    "swot": (_KPI_NAME, "<slug>.yaml"),
}


def discover(root: Path) -> list[tuple[Path, str]]:
    """The register's YAML files and the schema each follows, in path order."""
    found: list[tuple[Path, str]] = []
    # Anything named like YAML is taken, whatever it is (a folder, a dangling link, a
    # pipe, .YAML): reading it says what is wrong, rather than skipping it in silence.
    register = root / "register"
    if register.is_dir():
        for file in _in_name_order(register):
            if file.suffix.lower() in YAML_SUFFIXES:
                found.append((file, REGISTER_FILES.get(file.stem, "improvement")))
    for folder, kind in (("kpis", "kpi"), ("reviews", "review"), *ANALYSIS_FOLDERS.items()):
        if (root / folder).is_dir():
            files = _in_name_order(root / folder)
            found += [(f, kind) for f in files if f.suffix.lower() in YAML_SUFFIXES]
    if (settings := settings_file(root)) is not None:
        found.append((settings, "settings"))
    return found


def _in_name_order(folder: Path) -> list[Path]:
    """What ``folder`` holds, in the order of the paths: the names sorted, which is a
    tenth of the cost of sorting the paths."""
    return [folder / name for name in sorted(os.listdir(folder))]


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a register/ folder."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "register").is_dir():
            return folder
    return None


def settings_file(root: Path) -> Path | None:
    """The register's settings file (``SETTINGS_FILES``), or None when it has none."""
    return next((root / rel for rel in SETTINGS_FILES if (root / rel).is_file()), None)


def file_id(path: str) -> str:
    """The id a file's name gives: CSI-NNNN for an entry, the stem for a KPI (or a
    review, or any other file)."""
    name = path.rsplit("/", 1)[-1]
    return name[:8] if name.startswith("CSI-") else name.rsplit(".", 1)[0]


def misplaced(root: Path) -> list[Problem]:
    """YAML files in subfolders of register/, kpis/ and the analysis folders, which are
    not read: say so."""
    problems = []
    for folder in ("register", "kpis", "reviews", *ANALYSIS_FOLDERS):
        top = root / folder
        if not top.is_dir() or linked_folder(root, folder):
            continue
        with os.scandir(top) as entries:  # files in top are read: only its folders
            subfolders = [top / e.name for e in entries if e.is_dir(follow_symlinks=False)]
        for file in sorted(file for sub in subfolders for file in sub.rglob("*")):
            if file.suffix.lower() in YAML_SUFFIXES:
                fix = f"move it to {folder}/{file.name}"
                if (top / file.name).exists():  # moving it would replace the one that counts
                    fix = (
                        f"{folder}/{file.name} exists already: merge the two, then delete this one"
                    )
                problems.append(
                    Problem(
                        relative(file, root),
                        0,
                        "$",
                        f"files in subfolders of {folder}/ are not read; {fix}",
                    )
                )
    return problems


def resolved_inside(root: Path, path: Path | str) -> Path:
    """The real path of ``path`` (relative to ``root``), after resolving ``..`` and links.
    Raises ValueError when that lies outside ``root``: the one check that a path stays
    inside the repository. OSError and RuntimeError (a loop of links, before Python
    3.13) pass through for the caller to word."""
    real = (root / path).resolve()
    if not real.is_relative_to(root.resolve()):
        raise ValueError(f"{path} leads outside {root}")
    return real


def _links_outside(file: Path, root: Path) -> bool:
    try:
        resolved_inside(root, file)
    except ValueError:
        return True
    except RuntimeError:  # a loop of links (Python < 3.13): reading it reports the loop
        pass
    return False


OUTSIDE = "is a link to a place outside the repository"
FILE_LINK = f"the file {OUTSIDE}"


def linked_folder(root: Path, folder: str) -> bool:
    """Whether a folder the register is read from is a link leading outside it."""
    return (root / folder).is_symlink() and _links_outside(root / folder, root)


def outside_link(file: Path, root: Path) -> str | None:
    """Why ``file`` is no file of the repository: it, or the folder it is in, is a link
    to a place outside. None when it is inside (or not a link at all)."""
    rel = relative(file, root)
    folder = rel.split("/", 1)[0]
    if "/" in rel and linked_folder(root, folder):
        return f"{folder}/ {OUTSIDE}"
    return FILE_LINK if file.is_symlink() and _links_outside(file, root) else None


def read_limited(file: Path, root: Path) -> bytes | str:
    """The bytes of a register file on disk, or why they are not read: it is behind a
    link leading outside the repository, not a regular file, or over the size limit.
    OSError passes through."""
    if (outside := outside_link(file, root)) is not None:
        return outside
    if not file.is_file():  # a folder, a pipe, a dangling link: never read it
        return "not a regular file"
    if (size := file.stat().st_size) > MAX_BYTES:
        return too_large(size)
    with file.open("rb") as f:
        blob = f.read(MAX_BYTES + 1)  # it may have grown since
    return blob if len(blob) <= MAX_BYTES else too_large(len(blob))


def relative(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


def _refuse_linked_folders(result: LoadResult, root: Path) -> None:
    """The folders the register is read from that are links leading outside it."""
    for folder in READ_FOLDERS:
        if linked_folder(root, folder):
            result.broken.add(folder)
            fix = "keep the folder itself in the repository so that its files' history is reviewed"
            result.problems.append(Problem(folder, 0, "$", f"{folder}/ {OUTSIDE}; {fix}"))


def _refused_link(result: LoadResult, file: Path, rel: str) -> bool:
    """Whether ``file`` lies behind a link leading outside (then it is not read): a file
    link is a problem of its own, a folder link was reported once."""
    outside = outside_link(file, result.root)
    if outside is None:
        return False
    result.broken.add(rel)
    if outside == FILE_LINK:
        result.files.append(rel)
        fix = "keep the file itself in the repository so that its history is reviewed"
        result.problems.append(Problem(rel, 0, "$", f"{outside}; {fix}"))
    return True


def _file_away(result: LoadResult, kind: str, doc: Document) -> None:
    """Put a document where its kind belongs in the result."""
    if kind == "improvement":
        result.improvements.append(doc)
    elif kind == "kpi":
        result.kpis.append(doc)
    elif kind == "review":
        result.reviews.append(doc)
    elif kind == "people":
        result.people = doc
    elif kind == "settings":
        result.settings = doc
    elif kind in ("services", "csfs"):
        setattr(result, kind, doc)
    else:
        (result.assessments if kind == "assessment" else result.swots).append(doc)


def load_repository(root: Path) -> LoadResult:
    """Read every register file under ``root``; never raises for bad content."""
    result = LoadResult(root=root)
    if not (root / "register").is_dir():
        result.problems.append(
            Problem(
                "register",
                0,
                "$",
                f"no register/ folder in {root}; run csi in the register's repository "
                "or create one with csi init",
            )
        )
        return result
    result.problems += misplaced(root)
    _refuse_linked_folders(result, root)
    for file, kind in discover(root):
        rel = relative(file, root)
        if _refused_link(result, file, rel):
            continue
        result.files.append(rel)
        name_pattern, form = _NAME_FORMS.get(kind, (None, ""))
        if name_pattern is not None and not name_pattern.fullmatch(file.name):
            result.problems.append(
                Problem(rel, 0, "$", f"file name does not have the form {form}; rename it")
            )
        doc, problems = read_document(file, rel, kind)
        result.problems += problems
        if doc is None:
            result.broken.add(rel)
            continue
        _file_away(result, kind, doc)
    if result.people is None and not {"register", "register/people.yaml"} & result.broken:
        result.problems.append(
            Problem(
                "register/people.yaml",
                0,
                "$",
                "the people directory is missing; create register/people.yaml listing "
                "the people that owners and RACI cells name",
            )
        )
    return result
