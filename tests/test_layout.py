"""The package's shape, as CONTRIBUTING.md states it: README's layout names every
package (and every module it names exists), stages import only from the stages before
them, and no module grows past 400 lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "csitools"

STAGES = (
    ("__init__", "problems", "files"),
    ("register",),
    ("measure",),
    ("validation",),
    ("history",),
    ("publish",),
    ("reporting",),
    ("contribute",),
    ("cli",),
)
"""The data flow, first to last: a module may import from its own stage and from the
stages before it, never from one after it (CONTRIBUTING.md, "The layering rule")."""


def _layout_entries() -> list[tuple[int, str]]:
    """(indent, the path column) of each line under csitools/ in README's layout."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("csitools/"))
    entries = []
    for line in lines[start + 1 :]:
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            break
        if indent < 20:  # deeper lines continue the description column
            entries.append((indent, re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]))
    return entries


def named_paths() -> list[Path]:
    """Every file, folder or glob README's layout names under csitools/."""
    named: list[Path] = []
    package = PACKAGE
    for indent, column in _layout_entries():
        base = PACKAGE if indent == 2 else package
        folder = base
        for item in column.split(", "):
            path = (base if "/" in item else folder) / item
            named.append(path)
            folder = path if item.endswith("/") else path.parent
        if indent == 2 and column.endswith("/"):
            package = PACKAGE / column
    return named


def test_every_package_in_the_readme_layout_exists_and_the_reverse() -> None:
    named = named_paths()
    missing = [
        str(p.relative_to(REPO))
        for p in named
        if not (list(p.parent.glob(p.name)) if "*" in p.name else p.exists())
    ]
    assert missing == [], "README's layout names what the tree lacks"
    packages = {p.parent for p in PACKAGE.rglob("__init__.py")} - {PACKAGE}
    mentioned = {p.parent if p.suffix else p for p in named}
    unnamed = sorted(str(p.relative_to(REPO)) for p in packages if p not in mentioned)
    assert unnamed == [], "packages README's layout does not name"


def _module(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _stage(module: str) -> int:
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else "__init__"
    return next(i for i, names in enumerate(STAGES) if name in names)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "csitools"]


def test_stages_import_only_from_the_stages_before_them() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = _module(path)
        for line, imported in _imports(path):
            if _stage(imported) > _stage(here):
                wrong.append(f"{path.relative_to(REPO)}:{line}: imports {imported}")
    assert wrong == []


def test_no_module_imports_another_module_s_underscore_name() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("csitools"):
                private = [a.name for a in node.names if re.match(r"_(?!_.*__$)", a.name)]
                wrong += [f"{path.relative_to(REPO)}:{node.lineno}: {n}" for n in private]
    assert wrong == []


def test_no_module_is_over_400_lines_and_at_most_6_sit_directly_in_csitools() -> None:
    long = [
        f"{p.relative_to(REPO)}: {n} lines"
        for p in sorted(PACKAGE.rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert long == [], "split the module (CONTRIBUTING.md, 'Where code goes')"
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 6, top


def _long_functions(tree: ast.Module, limit: int) -> list[tuple[int, str, int]]:
    """(line, name, length) of each function in ``tree`` longer than ``limit`` lines."""
    return [
        (node.lineno, node.name, length)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := (node.end_lineno or node.lineno) - node.lineno + 1) > limit
    ]


def test_no_function_is_over_60_lines() -> None:
    long = [
        f"{p.relative_to(REPO)}:{line}: {name} has {n} lines"
        for p in sorted(PACKAGE.rglob("*.py"))
        for line, name, n in _long_functions(ast.parse(p.read_text(encoding="utf-8")), 60)
    ]
    assert long == [], "split the function: one screen a function (CONTRIBUTING.md)"


def test_the_function_length_rule_sees_a_long_function() -> None:
    source = "def short():\n    pass\n\n\ndef long():\n" + "    x = 1\n" * 60
    assert _long_functions(ast.parse(source), 60) == [(5, "long", 61)]
