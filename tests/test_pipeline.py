"""validate_repository_once: `csi build` and the plugin share one validation, and any
change to a register or data file is seen."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from csitools.validation import validate_repository_once

AS_OF = date(2026, 5, 15)


def test_same_files_same_result_object(register_dir: Callable[..., Path]) -> None:
    root = register_dir()
    first = validate_repository_once(root, AS_OF)
    assert validate_repository_once(root, AS_OF) is first
    assert validate_repository_once(root, date(2026, 5, 16)) is not first


def test_an_edited_file_is_validated_again(register_dir: Callable[..., Path]) -> None:
    root = register_dir()
    first = validate_repository_once(root, AS_OF)
    assert first.problems == ()
    entry = root / "register" / "CSI-0002-knowledge-base.yaml"
    entry.write_text(entry.read_text().replace("owner: alice", "owner: zoe"))
    second = validate_repository_once(root, AS_OF)
    assert [p.message for p in second.problems] == [
        "'zoe' is not in register/people.yaml; add them there or fix the id"
    ]
    csv = root / "kpis" / "data" / "email-satisfaction.csv"
    csv.write_text(csv.read_text() + "2026-05,4.1\n")
    assert validate_repository_once(root, AS_OF) is not second


def test_a_new_upper_case_yaml_file_is_seen(register_dir: Callable[..., Path]) -> None:
    """The loader reads CSI-*.YAML too (and reports its name), so the reuse must notice it."""
    root = register_dir()
    first = validate_repository_once(root, AS_OF)
    (root / "register" / "CSI-0003-shouting.YAML").write_text("id: CSI-0003\n")
    second = validate_repository_once(root, AS_OF)
    assert second is not first
    assert any(p.path == "register/CSI-0003-shouting.YAML" for p in second.problems)


def test_the_cycle_collector_is_paused_while_reading_and_resumed_as_it_was(
    register_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import csitools.validation as validation

    seen: list[bool] = []
    real = validation.load_repository

    def load_and_look(root: Path):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(root)

    monkeypatch.setattr(validation, "load_repository", load_and_look)
    root = register_dir()
    assert gc.isenabled()
    assert validation.validate_repository(root, date(2026, 11, 23)).ok
    assert (seen, gc.isenabled()) == ([False], True)
    gc.disable()
    try:
        validation.validate_repository(root, date(2026, 11, 23))
        assert (seen, gc.isenabled()) == ([False, False], False)
    finally:
        gc.enable()


def test_a_build_keeps_its_register_from_the_collector_until_the_next_build(
    register_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`csi serve` builds again and again in one process: each build hands the last
    one's objects back to the cycle collector before it reads the register."""
    import csitools.publish.content as content

    frozen_when_read: list[int] = []
    real = content.validate_repository_once

    def validate_and_look(root: Path, as_of: date):  # type: ignore[no-untyped-def]
        frozen_when_read.append(gc.get_freeze_count())
        return real(root, as_of)

    monkeypatch.setattr(content, "validate_repository_once", validate_and_look)
    root = register_dir()
    try:
        for _ in range(2):
            content.generate_site(
                root, date(2026, 11, 23), ".cache/csi", charts=False, history=False
            )
            assert gc.get_freeze_count() > 0 and gc.isenabled()
        assert frozen_when_read == [0, 0]
    finally:
        gc.unfreeze()
