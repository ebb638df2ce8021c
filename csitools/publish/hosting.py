"""What lets the built site be served from any folder of a web server (a GitHub Pages
project site lives under ``/<repository>/``): the 404 page's links relative to the site
root instead of root-absolute, and, when ``site_url`` says where the site lives, a
``<base>`` element so they resolve from whatever missing address the server answers;
tables kept out of the search index, whose snippets would show their cells run together.

The plugin (``csitools.publish.plugin``) calls these from MkDocs' template events.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2

from csitools.files import replace_file
from csitools.publish.markdown import attribute, script_json

NOT_FOUND = "404.html"

NOT_FOUND_PAGE = """\
{% extends "main.html" %}
{% block content %}
  <h1>Page not found</h1>
  <p>Nothing is published at this address: the page may have moved, or the address
  may be mistyped.</p>
  <ul>
    <li><a href="{{ '.' | url }}">Home</a>: where the register stands</li>
    <li><a href="{{ 'register/' | url }}">Register</a>: every improvement, by id and title</li>
    <li><a href="{{ 'kpis/' | url }}">KPIs</a></li>
  </ul>
  <p>The search at the top of the page finds an improvement by a word of its title.</p>
{% endblock %}
"""
"""The theme's 404 page with words and links; a register's own 404.html (in the theme's
custom_dir) wins over it."""


def with_not_found_page(env: jinja2.Environment, custom_dir: str | None) -> jinja2.Environment:
    """``env`` with csi's 404 page in front of the theme's, unless ``custom_dir`` has one."""
    if custom_dir and Path(custom_dir, NOT_FOUND).is_file():
        return env
    ours = jinja2.DictLoader({NOT_FOUND: NOT_FOUND_PAGE})
    env.loader = jinja2.ChoiceLoader([ours, env.loader]) if env.loader else ours
    return env


def relative_error_page(context: Any, template_name: str) -> Any:
    """The 404 page's links relative to the site root (MkDocs makes them root-absolute):
    served at the top of any folder, they lead into the site there."""
    if template_name == NOT_FOUND:
        context["base_url"] = "."
    return context


def base_element(output: str, template_name: str, site_url: str | None) -> str:
    """The 404 page with ``<base href=site_url>`` first in its head, so its relative
    links (and the theme's scripts) resolve from any missing address; unchanged without
    a site_url."""
    if template_name != NOT_FOUND or not site_url:
        return output
    href = site_url if site_url.endswith("/") else site_url + "/"
    output = output.replace("<head>", f'<head>\n    <base href="{attribute(href)}">', 1)
    # The theme's scripts find the search index from their "base" and the address.
    return output.replace('"base": "."', f'"base": {script_json(href)}', 1)


_TABLE = re.compile(r"<table(?=[\s>])")


_AS_OF = '<p class="csi-asof">'


def out_of_search(html: str) -> str:
    """Tables, and the as-of line every page opens with, marked ``data-search-exclude``:
    Material's search leaves them out of its index, so a snippet is a sentence of the
    page rather than a row of cells or the date."""
    html = html.replace(_AS_OF, '<p class="csi-asof" data-search-exclude>', 1)
    return _TABLE.sub("<table data-search-exclude", html)


_ROOT_ABSOLUTE = re.compile(r'(\s(?:href|src)=")/(?!/)')
_SEARCH_WORKER = re.compile(r'("search":\s*")/(?!/)')


def relative_not_found(site: Path, site_url: str | None) -> bool:
    """The built 404 page of a builder without MkDocs' template events (Zensical) made
    to work from any folder as the plugin makes MkDocs' one: its root-absolute links
    relative to the site root, and the ``<base>`` of ``site_url`` when it is set.
    Returns whether there was a 404 page to change."""
    page = site / NOT_FOUND
    if not page.is_file():
        return False
    html = _ROOT_ABSOLUTE.sub(r"\1./", page.read_text(encoding="utf-8"))
    # The theme's scripts find the search index from their "base" (as MkDocs writes it).
    html = _SEARCH_WORKER.sub(r"\1./", html).replace('"base":"/"', '"base": "."', 1)
    replace_file(page, base_element(html, NOT_FOUND, site_url).encode("utf-8"), durable=False)
    return True
