"""The quick reading of YAML: the same data as the full reading (``parse_yaml``) without
line numbers, and the full reading for every file that has a problem, so messages keep
their lines (the validation cases check those words and lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from csitools.register import documents, load
from csitools.register.documents import FAILED, parse_yaml, quick_parse
from csitools.validation import validate_repository
from tests.conftest import CASES, REPO, copy_sample

AS_OF_DAY = "2026-11-23"


def yaml_files() -> list[Path]:
    folders = [CASES, *(REPO / f for f in ("register", "kpis", "reviews", "site_config"))]
    return sorted(p for f in folders for p in f.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def test_the_quick_reading_gives_the_full_readings_data_or_leaves_the_file_to_it() -> None:
    quick_ones = 0
    for path in yaml_files():
        try:
            text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue  # a case of bytes that are not UTF-8: never parsed
        data, _, surprises, problems = parse_yaml(text, "x.yaml")
        quick = quick_parse(text)
        if data is FAILED or problems or surprises:
            assert quick is FAILED, path
        elif quick is not FAILED:
            assert quick == data, path
            quick_ones += 1
        else:  # left to the full reading without a problem: only for an alias
            assert "*" in text, path
    assert quick_ones > 100


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key
        "a: yes\n",  # a YAML 1.1 boolean
        "a: &x [1]\nb: *x\n",  # an alias
        "<<: {a: 1}\n",  # a merge key
        "a: !!binary aGk=\n",  # a tag
        "a: .inf\n",
        "a: 1.0e+400\n",
        "a: 123456789012345678901234567890\n",
        "? [a]\n: 1\n",  # a key that is not text
        "",
        "a: [\n",
    ],
)
def test_whatever_the_full_reading_judges_goes_to_it(text: str) -> None:
    assert quick_parse(text) is FAILED


def test_dates_stay_text_and_plain_values_read_as_the_full_reading_reads_them() -> None:
    text = "on: 2026-02-30\nn: 3\nx: 2.5\nok: true\nnothing: null\nlist: [a, {b: c}]\n"
    assert quick_parse(text) == parse_yaml(text, "x.yaml")[0]
    assert quick_parse(text)["on"] == "2026-02-30"


def test_only_files_with_a_problem_are_read_again_for_their_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "repo")
    entry = next((root / "register").glob("CSI-0002-*.yaml"))
    entry.write_text(entry.read_text().replace("status: ", "status: nonsense-", 1))
    read_again: list[str] = []
    full = documents.parse_yaml

    def counted(text: str, path: str) -> tuple[object, ...]:
        read_again.append(path)
        return full(text, path)

    monkeypatch.setattr(documents, "parse_yaml", counted)
    monkeypatch.setattr(load, "parse_yaml", counted)
    from datetime import date

    validation = validate_repository(root, date.fromisoformat(AS_OF_DAY))
    with_problems = {p.path for p in validation.problems}
    assert f"register/{entry.name}" in with_problems
    assert sorted(set(read_again)) == sorted(with_problems)
    assert len(read_again) == len(set(read_again))  # each once


PLAIN = (
    "'', ~, null, Null, NULL, nul, true, True, TRUE, tRue, yes, No, OFF, on, y, n, 1, -1,"
    " +1, 0, 007, 0x1F, 0o17, 0b101, 1_000, 190:20:30, 1.5, -1.5e3, 1e3, .5, .inf, -.Inf,"
    " +.INF, .nan, .NaN, 2026-01-01, 2026-1-1, 2026-01-01T10:00:00Z,"
    " 2026-01-01 10:00:00.5 +01:00, <<, =, CSI-0001, -x, .x, 0.1.2, 12:00, 'yes', \"1\""
)
"""One YAML flow sequence with a plain scalar of every kind SafeLoader resolves (and
near misses), plus quoted ones that stay strings."""


def _tags(node: object) -> list[tuple[str, str, str]]:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return [("scalar", node.tag, node.value)]
    assert isinstance(node, yaml.SequenceNode | yaml.MappingNode)
    items = (
        node.value if isinstance(node, yaml.SequenceNode) else [x for p in node.value for x in p]
    )
    return [(type(node).__name__, node.tag, ""), *(t for item in items for t in _tags(item))]


@pytest.mark.parametrize(
    "text",
    [
        f"[{PLAIN}]",
        "a: 1\nb: [yes, {c: ~, d: 2026-01-01}]\n? [x]\n: y\nmerged:\n  <<: {k: 1}\n",
        "- !!str 1\n- !!int '2'\n- !custom x\n- &a {b: 1}\n- *a\n- |\n  text\n- ''\n",
        "plain\n",
    ],
    ids=["every plain kind", "nested", "tags and anchors", "a bare scalar"],
)
def test_the_composer_tags_every_node_as_safeloader_does(text: str) -> None:
    """The register's composer answers the resolver's question from a table; the node
    tree, every tag included, is SafeLoader's own."""
    import yaml

    from csitools.register.composer import Loader

    ours, theirs = yaml.compose(text, Loader=Loader), yaml.compose(text, Loader=yaml.SafeLoader)
    assert _tags(ours) == _tags(theirs)
    kinds = {tag.rsplit(":", 1)[-1] for _, tag, _ in _tags(ours)}
    if text.startswith("[") and len(text) > 100:
        assert kinds >= {"null", "bool", "int", "float", "timestamp", "merge", "value", "str"}
