"""Mutation testing stays set up as CONTRIBUTING.md says: the configured modules exist
(or are being written), the weekly workflow runs and reports them, the README's test
command stays fast, and the list of equivalent mutants is well formed and is scored."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections import Counter
from pathlib import Path

import yaml

from csitools.publish.sitefolder import KEPT
from tests.conftest import REPO

PENDING: set[str] = set()
"""Configured modules being written elsewhere; a name here stops counting once it exists."""


def _score_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("mutation_score", REPO / ".ci/mutation_score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _config() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]


def test_configured_modules_and_tests_exist() -> None:
    config = _config()
    for pattern in config["only_mutate"]:
        found = sorted(Path(REPO).glob(pattern))
        assert found or pattern in PENDING, pattern
    for test_file in config["pytest_add_cli_args_test_selection"]:
        assert (REPO / test_file).is_file(), test_file
    # mutmut runs the tests in a copy of the repository: the sample register goes too
    sample = {name for name in KEPT if not name.startswith(".") and (REPO / name).is_dir()}
    assert sample <= set(config["also_copy"])
    assert "mutmut==" in str(
        tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"][
            "mutation"
        ]
    )


def test_the_weekly_workflow_runs_mutmut_and_uploads_the_report() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/mutation.yml").read_text())
    on = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(on) == {"schedule", "workflow_dispatch"}
    [cron] = [entry["cron"] for entry in on["schedule"]]
    _minute, _hour, day, month, weekday = cron.split()
    assert (day, month) == ("*", "*") and weekday.isdigit()  # once a week
    steps = workflow["jobs"]["mutation"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "pip install -e '.[dev,mutation]'" in runs
    assert "mutmut run\n" in runs + "\n"
    assert "python .ci/mutation_score.py --min 90" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "report/"


def test_the_readme_test_command_does_not_run_mutation_testing() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = readme.split("<!-- test-command -->")[1].split("<!-- /test-command -->")[0]
    assert "mutmut" not in command and "mutation" not in command
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert '.venv/bin/mutmut run --max-children 1 "csitools.measure.health.*"' in contributing


def test_equivalent_mutants_are_listed_once_with_a_reason() -> None:
    text = (REPO / "tests/mutation-equivalents.md").read_text(encoding="utf-8")
    entries = re.findall(r"^- `([^`]+)`(.*)$", text, re.M)
    assert entries
    names = [name for name, _ in entries]
    assert [n for n, k in Counter(names).items() if k > 1] == []
    modules = {p.removesuffix(".py").replace("/", ".") for p in _config()["only_mutate"]}
    for name, reason in entries:
        # a function's mutants are x_<name>, a method's xǁ<Class>ǁ<name>
        assert re.fullmatch(r"csitools(\.\w+)+\.x(_\w+|ǁ\w+ǁ\w+)__mutmut_\d+", name), name
        module = re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]
        patterns = [m.replace("*", r"\w+") for m in modules]
        assert any(re.fullmatch(pattern, module) for pattern in patterns), name
        assert re.fullmatch(r": \S.{9,}", reason), f"{name}: give a one-line reason"


def test_the_score_leaves_equivalents_out_and_counts_timeouts_as_killed() -> None:
    score = _score_script()
    results = "\n".join(
        [
            "    csitools.measure.health.x_progress__mutmut_1: killed",
            "    csitools.measure.health.x_progress__mutmut_2: survived",
            "    csitools.measure.health.x_forecast__mutmut_3: survived",
            "    csitools.measure.health.x_forecast__mutmut_4: timeout",
            "    csitools.register.load.x_relative__mutmut_1: not checked",
        ]
    )
    equivalent = score.equivalents("- `csitools.measure.health.x_forecast__mutmut_3`: same\n")
    by_module = score.scores(results, equivalent)
    text, scores = score.table(by_module)
    assert scores == {"csitools.measure.health": 100 * 2 / 3, "csitools.register.load": None}
    assert text.splitlines()[2:] == [
        "| csitools.measure.health | 4 | 2 | 1 | 0 | 1 | 66.7% |",
        "| csitools.register.load | 1 | 0 | 0 | 0 | 0 | not run |",
    ]
