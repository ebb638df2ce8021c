"""The settings that become parts of links: branch names by git's own rules, and the
repository address matched whole (the negative cases under tests/cases hold the
messages for each kind of bad value)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from csitools.register.schema import BRANCH_PATTERN, REPOSITORY_URL_PATTERN, load_schema
from csitools.register.settings_checks import REPOSITORY_URL, branch_problem

BRANCHES = [
    *("main", "feature/x", "release-2026.1", "é/ü", "a'b", "a&b", "a#b", "a%b", "a;b"),
    *("@", "@x", "x@", "a{b}", "a.lockb", "a/b.c", 'x"><img/src=x/onerror=alert(1)>'),
    *("a..b", "a@{b", "-x", "--upload-pack=x", "HEAD", "/a", "a/", "a//b", "a.", "a/.b"),
    *(".a", "a.lock", "a/b.lock/c", "a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b"),
    *("a\\b", "a\tb", "a\x7fb", "a\nb"),
]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("git")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


@pytest.mark.parametrize("name", BRANCHES)
def test_branch_names_are_judged_as_git_judges_them(repo: Path, name: str) -> None:
    git = subprocess.run(
        ["git", "check-ref-format", "--branch", name], cwd=repo, capture_output=True
    )
    # check-ref-format --branch reads "@" as the current branch; `git branch @` makes
    # a branch named "@", so git accepts the name either way.
    assert (branch_problem(name) is None) == (git.returncode == 0 or name == "@"), name


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://github.com/example/register", True),
        ("https://gitlab.example.org:8443/group/sub-group/register", True),
        ("https://dev.azure.com/org/project/_git/register", True),
        ("https://github.com/example/register\n", False),
        ("http://github.com/example/register", False),
        ("https://github.com@evil.example/x", False),
        ("https://github.com/x?ref=main", False),
        ("https://github.com/x#top", False),
        ('https://github.com/x)"onmouseover=alert(1)', False),
        ("https://github.com/x'onmouseover='alert(1)", False),
        ("https://github.com/x&quot;&gt;", False),
        ("https://github.com/x<script>", False),
        ("https://github.com/x\\", False),
        ("https://-github.com/x", False),
        ("javascript:alert(1)//https://github.com", False),
        ("https://github.com/x y", False),
    ],
)
def test_repository_url_is_an_https_address_that_cannot_end_a_link(url: str, ok: bool) -> None:
    assert bool(REPOSITORY_URL.fullmatch(url)) is ok


def test_the_schema_holds_the_patterns_the_checks_use() -> None:
    fields = load_schema("settings")["properties"]
    assert fields["repository_url"]["pattern"] == REPOSITORY_URL_PATTERN
    assert fields["branch"]["pattern"] == BRANCH_PATTERN
