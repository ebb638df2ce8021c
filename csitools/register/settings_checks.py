"""The settings that become parts of links: ``repository_url`` and ``branch``.

The site builds "edit this entry" and commit links from them, so a value that could end
a Markdown link or an HTML attribute, or that git would never accept as a branch, is a
problem with its file and line, not a link. (The links are built from percent-encoded
parts as well; these checks say what is wrong before anything is built.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from csitools.problems import Problem
from csitools.register.documents import problem_at
from csitools.register.model import Register
from csitools.register.schema import PATTERN_HINTS, REPOSITORY_URL_PATTERN

REPOSITORY_URL = re.compile(REPOSITORY_URL_PATTERN.removeprefix("^").removesuffix("$"))
"""An https address: a host name, an optional port and a path of the characters a
repository's address needs. No user name (``https://github.com@evil.example/``), no
query or fragment (the links append to the path), and nothing that ends a Markdown
link or an HTML attribute: no space, quote, apostrophe, bracket, parenthesis, angle
bracket, backslash, ampersand or control character. It is the schema's pattern, matched
whole here (Python's ``$`` lets a trailing newline through)."""

_BRANCH_CHARACTERS = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def branch_problem(name: str) -> str | None:
    """Why git would refuse ``name`` as a branch name (``git check-ref-format
    --branch``), or None when it is a valid one."""
    if not name:
        return "is empty"
    if bad := _BRANCH_CHARACTERS.search(name):
        return (
            f"holds {bad.group(0)!r}; git allows no space, control character, ~ ^ : ? * [ "
            "or backslash in a branch name"
        )
    rules = (
        (name.startswith("-"), "starts with '-'"),
        (name == "HEAD", "is HEAD, which names the current commit, not a branch"),
        (".." in name, "holds '..'"),
        ("@{" in name, "holds '@{'"),
        (name.startswith("/") or name.endswith("/"), "starts or ends with '/'"),
        ("//" in name, "holds '//'"),
        (name.endswith("."), "ends with '.'"),
        (any(part.startswith(".") for part in name.split("/")), "has a part starting with '.'"),
        (any(part.endswith(".lock") for part in name.split("/")), "has a part ending in .lock"),
    )
    return next((why for broken, why in rules if broken), None)


def check_link_settings(reg: Register) -> Iterator[Problem]:
    """``repository_url`` and ``branch``, as the site's links need them."""
    settings, doc = reg.settings, reg.settings.doc
    if doc is None:
        return
    url = settings.repository_url
    if url and not REPOSITORY_URL.fullmatch(url):
        yield problem_at(
            doc,
            doc.path,
            ("repository_url",),
            f"repository_url {url!r} cannot make links; write "
            + PATTERN_HINTS[REPOSITORY_URL_PATTERN],
        )
    why = branch_problem(settings.branch)
    if why is not None:
        yield problem_at(
            doc,
            doc.path,
            ("branch",),
            f"branch {settings.branch!r} {why}, so git would not accept it as a branch name; "
            "write the name of the branch the site is built from, such as main",
        )
