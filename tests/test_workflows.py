"""The GitHub files, this repository's and the ones csi init writes: they parse, they
call only csi commands and options that exist, and the issue form mirrors csi new."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from csitools import __version__
from csitools.cli.contribute import new
from csitools.contribute.scaffold import init_files
from csitools.register.schema import enum
from tests.conftest import REPO
from tests.test_references import full_group

PENDING: set[str] = set()
"""Commands the workflows call that are being written elsewhere; a name here stops
counting once the command is registered in csitools.cli."""


def _init_github() -> dict[str, str]:
    return {rel: text for rel, text in init_files("Test").items() if rel.startswith(".github/")}


def _ours() -> dict[str, str]:
    return {
        p.relative_to(REPO).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((REPO / ".github").rglob("*"))
        if p.is_file()
    }


SETS = {"repository": _ours(), "csi init": _init_github()}


def _yaml_files(files: dict[str, str]) -> dict[str, Any]:
    return {rel: yaml.safe_load(text) for rel, text in files.items() if rel.endswith(".yml")}


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", ())]


def _csi_lines(workflow: dict) -> list[str]:
    """Every line of every run: script that calls csi."""
    lines = []
    for step in _steps(workflow):
        for line in step.get("run", "").splitlines():
            if line.strip().startswith("csi "):
                lines.append(line.strip())
    return lines


@pytest.mark.parametrize("which", SETS)
def test_yaml_files_parse(which: str) -> None:
    files = _yaml_files(SETS[which])
    ours = [".github/workflows/mutation.yml"] if which == "repository" else []
    assert sorted(files) == [
        ".github/ISSUE_TEMPLATE/improvement.yml",
        ".github/workflows/ci.yml",
        ".github/workflows/digest.yml",
        *ours,
        ".github/workflows/pages.yml",
    ]
    assert all(isinstance(data, dict) for data in files.values())


@pytest.mark.parametrize("which", SETS)
def test_workflows_call_only_commands_and_options_that_exist(which: str) -> None:
    group = full_group()
    called = []
    for rel, data in _yaml_files(SETS[which]).items():
        if not rel.startswith(".github/workflows/"):
            continue
        for line in _csi_lines(data):
            # The command ends where the shell redirects or pipes its output.
            words = shlex.split(re.split(r"\s(?:>>?|\||&&|;)\s", line)[0])
            name, args = words[1], words[2:]
            called.append(name)
            if name in PENDING and name not in group.commands:
                continue
            assert name in group.commands, f"{rel}: {line}: no command csi {name}"
            # make_context parses the options exactly as csi would, so a renamed or
            # removed option fails here, not in someone's CI.
            with click.Context(group, info_name="csi", **group.context_settings) as parent:
                group.commands[name].make_context(name, args, parent=parent)
    expected = {"build", "diff", "digest", "validate"}
    expected |= {"reference"} if which == "repository" else set()
    assert set(called) == expected


@pytest.mark.parametrize("which", SETS)
def test_ci_checks_every_pull_request(which: str) -> None:
    ci = yaml.safe_load(SETS[which][".github/workflows/ci.yml"])
    assert "pull_request" in ci[True]  # YAML 1.1 reads the key `on` as true
    steps = _steps(ci)
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    runs = [s.get("run", "") for s in steps]
    assert "csi validate --format github" in runs
    assert "csi build --strict" in runs
    summary = next(s for s in steps if "csi diff" in s.get("run", ""))
    assert summary["if"] == "github.event_name == 'pull_request'"
    assert summary["run"].endswith('--format markdown >> "$GITHUB_STEP_SUMMARY"')
    if which == "repository":
        assert "pip install -e '.[dev]'" in runs
        assert "ruff check\nruff format --check\n" in runs
        assert "pytest -q" in runs
    else:
        assert "pip install -r requirements.txt" in runs


@pytest.mark.parametrize("which", SETS)
def test_pages_publishes_daily_with_the_official_actions(which: str) -> None:
    pages = yaml.safe_load(SETS[which][".github/workflows/pages.yml"])
    assert pages[True]["push"] == {"branches": ["main"]}
    assert len(pages[True]["schedule"]) == 1
    assert pages["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    uses = [s["uses"].split("@")[0] for s in _steps(pages) if "uses" in s]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    assert _steps(pages)[0]["with"]["fetch-depth"] == 0
    runs = [s.get("run", "") for s in _steps(pages)]
    assert "csi build --strict --with-report" in runs  # the board pack in the site
    assert any("libpangoft2-1.0-0" in run for run in runs)  # what WeasyPrint needs
    assert pages["jobs"]["deploy"]["environment"]["name"] == "github-pages"


@pytest.mark.parametrize("which", SETS)
def test_digest_posts_each_owners_digest_weekly_once_an_issue_is_named(which: str) -> None:
    workflow = yaml.safe_load(SETS[which][".github/workflows/digest.yml"])
    (schedule,) = workflow[True]["schedule"]
    day, month, weekday = schedule["cron"].split()[2:]
    assert (day, month, weekday) == ("*", "*", "1")  # Mondays
    assert "workflow_dispatch" in workflow[True]
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    (job,) = workflow["jobs"].values()
    assert job["if"] == "vars.CSI_DIGEST_ISSUE != ''"
    post = job["steps"][-1]
    assert post["env"] == {
        "GH_TOKEN": "${{ github.token }}",
        "ISSUE": "${{ vars.CSI_DIGEST_ISSUE }}",
    }
    assert post["run"].splitlines() == [
        "csi digest --since-last-review --format json > digests.json",
        "for owner in $(jq -r '.[].owner' digests.json); do",
        '  csi digest --owner "$owner" --since-last-review --format markdown > digest.md',
        '  gh issue comment "$ISSUE" --body-file digest.md',
        "done",
    ]
    assert job["steps"][0]["with"]["fetch-depth"] == 0


@pytest.mark.parametrize("which", SETS)
def test_issue_form_mirrors_csi_new(which: str) -> None:
    form = yaml.safe_load(SETS[which][".github/ISSUE_TEMPLATE/improvement.yml"])
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    flags = {opt.lstrip("-") for p in new.params for opt in p.opts}
    assert set(fields) <= flags
    assert set(fields) == flags - {"title", "raised-on", "help"}  # the issue has a title
    for name in ("source", "term", "size"):
        assert fields[name]["attributes"]["options"] == enum("improvement", name)
    for name in ("impact", "urgency", "effort", "risk"):
        assert fields[name]["attributes"]["options"] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("which", SETS)
def test_pull_request_template_is_a_checklist(which: str) -> None:
    template = SETS[which][".github/PULL_REQUEST_TEMPLATE.md"]
    assert template.count("- [ ] ") >= 8
    assert "`csi validate` reports no problems" in template


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [
        {k: h[k] for k in ("id", "entry", "language", "files", "pass_filenames")} for h in hooks
    ] == [
        {
            "id": "csi-validate",
            "entry": "csi validate",
            "language": "python",
            "files": r"^(register|kpis|assessments|swot)/.*\.ya?ml$",
            "pass_filenames": True,
        }
    ]
    pattern = re.compile(hooks[0]["files"])
    assert pattern.search("register/CSI-0001-email.yaml")
    assert pattern.search("kpis/email-resolution-time.yml")
    assert not pattern.search("kpis/data/email.csv")
    assert not pattern.search("site_config/register.yml")


def test_init_pins_the_csitools_that_created_it() -> None:
    files = init_files("Test")
    config = yaml.safe_load(files[".pre-commit-config.yaml"])
    hook = config["repos"][0]["hooks"][0]
    assert hook["id"] == "csi-validate"
    assert hook["additional_dependencies"] == [f"csitools=={__version__}"]
    requirement = [
        line for line in files["requirements.txt"].splitlines() if not line.startswith("#")
    ]
    assert requirement == [f"csitools[pdf]=={__version__}"]
    ci = files[".github/workflows/ci.yml"] + files[".github/workflows/pages.yml"]
    assert "-e ." not in ci


def test_init_templates_ship_in_the_wheel() -> None:
    # Dotfiles are not matched by the package-data globs, hence the dot- names.
    templates = Path(__file__).parent.parent / "csitools" / "templates" / "init"
    hidden = [p for p in templates.rglob(".*") if p.name not in ("__pycache__",)]
    assert hidden == []
