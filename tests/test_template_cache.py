"""The page templates are compiled once per user, into a folder outside the repository:
a later build loads them, and a template whose text changed is compiled again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from csitools.publish.cachetrust import user_folder
from csitools.publish.pages import build_pages
from csitools.validation import validate_repository
from tests.conftest import materialise

PEOPLE = "people.md"


def test_compiled_templates_are_kept_and_a_changed_one_is_compiled_again(
    tmp_path: Path,
) -> None:
    root = materialise(None, tmp_path / "register")
    v = validate_repository(root, date(2026, 11, 23))
    compiled = tmp_path / "compiled"
    compiled.mkdir()
    plain = build_pages(v.register, v.status, {})
    first = build_pages(v.register, v.status, {}, compiled=compiled)
    kept = sorted(p.name for p in compiled.iterdir())
    assert first == plain and len(kept) >= 10  # every template a page uses, and macros
    assert build_pages(v.register, v.status, {}, compiled=compiled) == plain
    overrides = root / "site_config" / "overrides" / "csi"
    overrides.mkdir(parents=True)
    template = overrides / "people.md.j2"
    template.write_text("# People, version one\n", encoding="utf-8")
    pages = build_pages(
        v.register, v.status, {}, root / "site_config" / "overrides", compiled=compiled
    )
    assert pages[PEOPLE].startswith("# People, version one\n")
    template.write_text("# People, version two\n", encoding="utf-8")
    pages = build_pages(
        v.register, v.status, {}, root / "site_config" / "overrides", compiled=compiled
    )
    assert pages[PEOPLE].startswith("# People, version two\n")


def test_no_template_folder_inside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "register"
    root.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / ".cache"))
    assert user_folder(root, "templates-x") is None
    assert not (root / ".cache").exists()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    folder = user_folder(root, "templates-x")
    assert folder == (tmp_path / "user-cache" / "csitools" / "templates-x").resolve()
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
