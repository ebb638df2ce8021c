"""New files for the register: an improvement entry (``csi new``, ``csi import``) and a
whole register repository (``csi init``).

Everything here writes only files that do not exist yet, each in one step (a complete
temporary file linked into place), so a crash or a concurrent writer never leaves half
an entry and nothing the user wrote is ever overwritten. Entries are validated, with
the rest of the register, before they are written. ``replace_file`` is the one writer
that replaces, for generated files (``csi export --out``, ``csi reference``): whole, in
one step, keeping the file's mode. Every file gets the mode ``open()`` would give it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from csitools import __version__
from csitools.problems import Problem
from csitools.register.checks import check_register
from csitools.register.documents import FAILED, Document, parse_yaml
from csitools.register.load import load_repository
from csitools.register.model import build_register
from csitools.register.schema import load_schema, validate_data

SCHEMA_URL = "https://csitools.dev/schemas/{kind}.schema.json"
"""Where the schemas are published (their ``$id``). Used in the ``$schema`` line only
when a register has neither the package's schemas nor its own copy in ``.schemas/``."""

SCHEMA_COPY = ".schemas"
"""The folder ``csi init`` copies the schemas into, so editors find them offline and a
relative ``$schema`` path works on every clone (an absolute file:// path would not)."""

SCHEMA_KINDS = ("improvement", "kpi", "people", "settings")

_NUMBERED = re.compile(r"^CSI-([0-9]{4})(?:[-.]|$)")


def enum(kind: str, *where: str) -> list[str]:
    """The allowed values of a field, from the schema: the one list of them."""
    node: Any = load_schema(kind)
    for key in where:
        node = node["properties"][key]
    return [v for v in node["enum"] if v is not None]


# --- entries -----------------------------------------------------------------------


def schema_ref(root: Path, kind: str, folder: str = "register") -> str:
    """The ``$schema`` reference for a file in ``root/folder``: relative to this
    repository's package in the csitools repository, to ``.schemas/`` in a register
    made by ``csi init``, else the published URL."""
    depth = "../" * len(Path(folder).parts)
    for base in ("csitools/schemas", SCHEMA_COPY):
        if (root / base / f"{kind}.schema.json").is_file():
            return f"{depth}{base}/{kind}.schema.json"
    return SCHEMA_URL.format(kind=kind)


def slugify(title: str, limit: int = 50) -> str:
    """``Self-service password reset!`` -> ``self-service-password-reset``: ASCII,
    lower case, cut at a word boundary so file names stay readable."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


def used_numbers(root: Path) -> set[int]:
    """The CSI numbers taken by files in register/, whatever their state: a broken
    file's number is still taken."""
    folder = root / "register"
    found = (_NUMBERED.match(p.name) for p in folder.iterdir()) if folder.is_dir() else ()
    return {int(m.group(1)) for m in found if m}


class OutOfIds(Exception):
    """Every four-digit id the new entries need is taken."""


def next_ids(root: Path, count: int = 1) -> list[str]:
    """The next free ids after the highest one in use. Gaps are not refilled while
    there is room above: an id that was deleted may still be named in history, reviews
    and minutes. Past CSI-9999 the lowest free ids are taken; raises OutOfIds when
    fewer than ``count`` are free."""
    used = used_numbers(root)
    start = max(used, default=0) + 1
    if start + count - 1 <= 9999:
        return [f"CSI-{n:04d}" for n in range(start, start + count)]
    free = [n for n in range(1, 10000) if n not in used]
    if len(free) < count:
        if not free:
            raise OutOfIds("no id is free: CSI-0001 to CSI-9999 are all taken")
        raise OutOfIds(
            f"only {len(free)} of the ids CSI-0001 to CSI-9999 are free and {count} are "
            "needed; import fewer rows"
        )
    return [f"CSI-{n:04d}" for n in free[:count]]


def entry_path(id_: str, title: str) -> str:
    slug = slugify(title)
    return f"register/{id_}-{slug}.yaml" if slug else f"register/{id_}.yaml"


def _plain_ok(text: str, flow: bool = False) -> bool:
    """Whether ``text`` reads back as itself when written unquoted (no YAML 1.1
    booleans, dates, numbers, comments or ': ' in it)."""
    if not text or text != text.strip() or (flow and any(c in text for c in ",[]{}")):
        return False
    if any(not c.isprintable() for c in text):
        return False
    try:
        return yaml.safe_load(f"k: {text}\n") == {"k": text}
    except yaml.YAMLError:
        return False


def scalar(text: str, flow: bool = False) -> str:
    """A YAML scalar for ``text``: plain when that is safe, else double-quoted (a JSON
    string is a valid YAML double-quoted scalar)."""
    return text if _plain_ok(text, flow) else json.dumps(text, ensure_ascii=False)


def _value_lines(key: str, value: Any, indent: str) -> list[str]:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{key}: no booleans or nulls in a new entry")
    if isinstance(value, int | float):
        return [f"{indent}{key}: {value}"]
    if isinstance(value, str):
        body = value.rstrip("\n")
        block = "\n" in body and body[:1] not in (" ", "\t")
        if block and all(c.isprintable() or c in "\n\t" for c in body):
            # A literal block keeps a multi-line summary readable in review diffs.
            return [f"{indent}{key}: |", *(f"{indent}  {ln}".rstrip() for ln in body.split("\n"))]
        return [f"{indent}{key}: {scalar(value)}"]
    if isinstance(value, list):
        return [f"{indent}{key}: [{', '.join(scalar(str(v), flow=True) for v in value)}]"]
    if isinstance(value, Mapping):
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
            inner = ", ".join(f"{k}: {v}" for k, v in value.items())
            return [f"{indent}{key}: {{{inner}}}"]
        lines = [f"{indent}{key}:"]
        for k, v in value.items():
            lines += _value_lines(k, v, indent + "  ")
        return lines
    raise TypeError(f"{key}: cannot write {type(value).__name__}")


def _hints(data: Mapping[str, Any], currency: str) -> list[str]:
    """Commented examples of the optional fields the entry leaves out, each under the
    schema's description of it (the schema is the one place fields are explained)."""
    owner = data.get("owner", "you")
    examples: dict[str, list[str]] = {
        "services": ["services: [Service Desk]"],
        "benefits": [
            "benefits:",
            "  description: What gets better, and for whom",
            f"  financial: {{amount: 0, currency: {currency}, per: year}}",
            "  intangible: [Happier users]",
        ],
        "cost": [f"cost: {{amount: 0, currency: {currency}}}"],
        "csf": ["csf: Reduce avoidable contacts to the service desk"],
        "depends_on": ["depends_on: [CSI-0001]"],
        "links": ["links: {incidents: [INC0012345], problems: [PRB0040211]}"],
        "raci": [
            "raci:",
            "  - activity: Set vision and targets",
            f"    responsible: [{owner}]",
            f"    accountable: {owner}",
            "    consulted: []",
            "    informed: []",
        ],
        "cycles": [
            "cycles:",
            "  - opened: YYYY-MM-DD",
            "    vision: What the business wants",
            "    current_state: Where we are now, in numbers",
            "    targets:",
            "      - {kpi: kpi-id, value: 0, by: YYYY-MM-DD}",
            "    plan: [First action]",
        ],
    }
    props = load_schema("improvement")["properties"]
    out = ["", "# Optional fields: uncomment what applies. Your editor explains each one."]
    for key, lines in examples.items():
        if key in data:
            continue
        text = f"({key}) {props[key]['description']}"
        out += textwrap.wrap(text, 88, initial_indent="# ", subsequent_indent="#   ")
        out += [f"# {line}" for line in lines]
    return out


def render_entry(
    data: Mapping[str, Any],
    schema: str,
    *,
    header: Sequence[str] = (),
    notes: Mapping[str, str] | None = None,
    hints: bool = True,
    currency: str = "USD",
) -> str:
    """The YAML text of an entry: the ``$schema`` line, ``header`` comments, the fields
    in the schema's order, a ``# note`` after the fields named in ``notes``, and (with
    ``hints``) commented examples of the optional fields left out."""
    order = list(load_schema("improvement")["properties"])
    lines = [f"# yaml-language-server: $schema={schema}", *(f"# {h}" for h in header)]
    for key in sorted(data, key=order.index):
        value_lines = _value_lines(key, data[key], "")
        if notes and key in notes:
            value_lines[0] += f"  # {notes[key]}"
        lines += value_lines
    if hints:
        lines += _hints(data, currency)
    return "\n".join(lines) + "\n"


def check_entries(
    root: Path, entries: Mapping[str, str], people: Iterable[str] = ()
) -> list[Problem]:
    """Problems of new entries (``{path: text}``) checked with the rest of the register,
    as ``csi validate`` would report them once written; nothing is written. ``people``
    are ids to count as known (people an import asks the user to add)."""
    loaded = load_repository(root)
    problems: list[Problem] = []
    for rel, text in entries.items():
        data, lines, surprises, found = parse_yaml(text, rel)
        if data is not FAILED:
            found += validate_data(data, "improvement", rel, lines, surprises)
            loaded.improvements.append(Document(rel, "improvement", data, lines, not found))
        problems += found
    extra = [{"id": p, "name": p} for p in people]
    if extra and loaded.people is not None and loaded.people.valid:
        data = dict(loaded.people.data)
        data["people"] = [*(data.get("people") or ()), *extra]
        loaded.people = replace(loaded.people, data=data)
    problems += [p for p in check_register(build_register(loaded)) if p.path in entries]
    return sorted(problems)


class Conflict(Exception):
    """Another writer took a path or an id while we were writing."""


def _new_file_mode() -> int:
    """The mode ``open()`` gives a new file: 0o666 less the umask (which can only be
    read by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _complete_temporary(path: Path, text: str, mode: int | None = None) -> str:
    """A temporary file beside ``path`` holding all of ``text`` on disk, with ``mode``
    (default: a new file's, not mkstemp's 0o600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, _new_file_mode() if mode is None else mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_new(path: Path, text: str) -> None:
    """Create ``path`` holding ``text``, or raise FileExistsError: never overwrites,
    never leaves a partial file (the complete text is linked into place)."""
    tmp = _complete_temporary(path, text)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            # No hard links on this file system: O_EXCL still refuses to overwrite.
            with open(path, "x", encoding="utf-8", newline="\n") as out:
                out.write(text)
    finally:
        os.unlink(tmp)


def replace_file(path: Path, text: str) -> None:
    """Write a generated file whole (readers never see half of it), keeping the mode
    of the file it replaces. Check first that ``path`` is a regular file or nothing
    (``file_kind``): a link or a device would be replaced by a file."""
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = _complete_temporary(path, text, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


_FILE_KINDS = (
    (stat.S_ISREG, "a file"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(path: Path) -> str | None:
    """What is at ``path``, a link not followed: None when nothing is, else "a file"
    (a regular one), "a folder", "a symbolic link", "a character device" and so on."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")


def in_the_way(folder: Path) -> Path | None:
    """What stops files being made in ``folder``: the first of it and the folders
    above it that exists and is not a folder (a file, say), or None."""
    for path in (folder, *folder.parents):
        if path.is_dir():
            return None
        if os.path.lexists(path):
            return path
    return None


def write_entries(root: Path, entries: Mapping[str, str]) -> list[Path]:
    """Write new entries; all or none. Raises Conflict (having removed what this call
    wrote) when a path exists or another file took one of the ids meanwhile."""
    written: list[Path] = []
    try:
        for rel, text in entries.items():
            path = root / rel
            try:
                write_new(path, text)
            except FileExistsError as exc:
                raise Conflict(f"{rel} already exists") from exc
            written.append(path)
        taken: dict[int, int] = {}
        for p in (root / "register").iterdir():
            if m := _NUMBERED.match(p.name):
                taken[int(m.group(1))] = taken.get(int(m.group(1)), 0) + 1
        for path in written:
            m = _NUMBERED.match(path.name)
            if m and taken[int(m.group(1))] > 1:
                raise Conflict(f"another file took CSI-{m.group(1)} meanwhile")
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


# --- csi init ----------------------------------------------------------------------

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
        "@title@": title,
        "@title_yaml@": scalar(title),
        "@version@": __version__,
    }
    files: dict[str, str] = {}
    for rel, text in _template_files().items():
        for key, value in values.items():
            text = text.replace(key, value)
        files[rel] = text
    for kind in SCHEMA_KINDS:
        source = resources.files("csitools.schemas").joinpath(f"{kind}.schema.json")
        files[f"{SCHEMA_COPY}/{kind}.schema.json"] = source.read_text(encoding="utf-8")
    files.update(extra or {})
    return dict(sorted(files.items()))


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
                f"cannot write {path}: {exc.strerror} "
                f"(wrote {done} file{'s' if done != 1 else ''} before it)"
            ) from exc
        report.written.append(rel)
    return report
