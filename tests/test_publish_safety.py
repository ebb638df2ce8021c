"""csi build, serve and charts never lose what the user wrote and never end in a
traceback: a site folder MkDocs would empty, an address that cannot be served, an
output folder that cannot be one, a file with a chart's name that csi did not write."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from matplotlib.figure import Figure

import csitools
from csitools.publish.charts.drawing import render_chart
from csitools.publish.charts.specs import chart_specs
from csitools.validation import validate_repository
from tests.conftest import REPO, csi, materialise

AS_OF = "2026-05-15"
CHART = "kpi-email-resolution-time"
MANIFEST = ".csi-charts"  # csitools.publish.charts.files.MANIFEST


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The base register with the sample's mkdocs.yml and pages, as the current folder."""
    root = materialise(None, tmp_path / "repo")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_config" / "docs", root / "site_config" / "docs")
    (root / "site_config" / "overrides").mkdir(exist_ok=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("CSI_AS_OF", AS_OF)  # csi build sets it; restored after the test
    return root


def clean_exit(result: Result, code: int) -> str:
    """The output of a run that ended with ``code`` and a message, not a traceback."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())  # click wraps long messages


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---- csi build: the site folder -------------------------------------------------------


@pytest.mark.parametrize(
    ("site_dir", "named"),
    [
        ("register", "register/ holds the register's entries"),
        ("kpis", "kpis/ holds the KPIs"),
        ("kpis/data", "kpis/data/ lies inside kpis/"),
        ("site_config", "site_config/ holds the site's settings"),
        ("site_config/docs", "site_config/docs/ lies inside site_config/"),
        (".git", ".git/ holds the git repository"),
        (".", "./ is the register repository"),
        ("..", "../ is a folder above the register"),
    ],
)
def test_build_refuses_a_site_dir_that_would_empty_the_users_folders(
    repo: Path, site_dir: str, named: str
) -> None:
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    before = files(repo.parent)
    output = clean_exit(csi("build", "--site-dir", site_dir), 2)
    assert f"Invalid value for '--site-dir': {named}" in output
    assert "building empties the site folder first" in output
    assert "such as --site-dir site" in output
    assert files(repo.parent) == before


def test_build_refuses_the_csitools_package_and_a_folder_that_holds_it(repo: Path) -> None:
    # Broken, so that a build that got past the check would stop at validation, before
    # MkDocs empties anything: a failing test never deletes the package.
    (repo / "register" / "people.yaml").write_text("people: [\n")
    package = Path(csitools.__file__).parent
    for folder, named in [(package, "holds the csitools package"), (package.parent, "holds")]:
        output = clean_exit(csi("build", "--site-dir", str(folder)), 2)
        assert "Invalid value for '--site-dir'" in output
        assert named in output
    from csitools.publish.sitefolder import kept_folders, unsafe_site_dir

    kept = kept_folders(repo)
    assert unsafe_site_dir(package / "sub", repo, kept, force=True) is not None


@pytest.mark.slow
def test_build_refuses_a_folder_of_other_files_unless_force(repo: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mysite"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine\n")
    output = clean_exit(csi("build", "--site-dir", str(mine)), 2)
    assert "../mysite/ holds keep.txt and is not an earlier build of a site" in output
    assert "pass --force to delete them" in output
    assert (mine / "keep.txt").read_text() == "mine\n"

    assert csi("build", "--site-dir", str(mine), "--force").exit_code == 0
    assert not (mine / "keep.txt").exists()
    assert (mine / "index.html").is_file()
    # Now an earlier build: rebuilt without --force.
    (mine / "stale.html").write_text("from an earlier build")
    assert csi("build", "--site-dir", str(mine)).exit_code == 0
    assert not (mine / "stale.html").exists()


def test_build_refuses_a_site_dir_that_is_a_file(repo: Path) -> None:
    (repo / "notes.txt").write_text("mine\n")
    output = clean_exit(csi("build", "--site-dir", "notes.txt/site"), 2)
    assert "notes.txt is a file, not a folder" in output
    assert (repo / "notes.txt").read_text() == "mine\n"


def test_build_refuses_a_site_dir_of_mkdocs_yml_that_would_empty_the_register(
    repo: Path,
) -> None:
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site\n", "site_dir: register\n"))
    before = files(repo / "register")
    output = clean_exit(csi("build"), 1)
    assert "site_dir in mkdocs.yml: register/ holds the register's entries" in output
    assert "set site_dir in mkdocs.yml to a folder of its own" in output
    assert files(repo / "register") == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("folder", "said"),
    [
        ("kpis", "csi: site_dir kpis/ holds the KPIs and their data"),
        ("notes", "csi: site_dir notes/ holds todo.txt and is not an earlier build of a site"),
    ],
)
def test_plain_mkdocs_build_refuses_a_site_dir_that_would_empty_users_files(
    repo: Path, folder: str, said: str
) -> None:
    """The plugin guards too: a plain `mkdocs build` never reaches the point where MkDocs
    empties the site folder, whether it holds the register or other files."""
    (repo / "notes").mkdir()
    (repo / "notes" / "todo.txt").write_text("precious\n")
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site\n", f"site_dir: {folder}\n"))
    before = files(repo / folder)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=repo, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert said in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert files(repo / folder) == before


@pytest.mark.slow
def test_the_default_site_folder_is_rebuilt_and_keeps_hidden_files(repo: Path) -> None:
    assert csi("build").exit_code == 0
    (repo / "site" / ".nojekyll").write_text("")  # MkDocs keeps hidden entries
    # The plugin's chart folder as an older csi left it: charts, but no manifest.
    charts = repo / ".cache" / "csi" / "site-charts"
    (charts / f"{MANIFEST}-svg").unlink()
    result = csi("build", "--as-of", "2026-06-15")  # other as-of: other chart bytes
    assert result.exit_code == 0, result.output
    assert (repo / "site" / ".nojekyll").exists()
    assert (repo / "site" / "index.html").is_file()


@pytest.mark.slow
def test_a_folder_with_only_hidden_entries_is_built_into(repo: Path, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    (pages / ".git").mkdir(parents=True)  # a gh-pages worktree, say
    (pages / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    assert csi("build", "--site-dir", str(pages)).exit_code == 0
    assert (pages / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"


@pytest.mark.slow
def test_build_shows_mkdocs_warnings_with_their_file(repo: Path) -> None:
    page = repo / "site_config" / "docs" / "contributing.md"
    page.write_text(page.read_text() + "\nSee [the old guide](old-guide.md).\n")
    result = csi("build")
    assert result.exit_code == 1
    assert result.output.splitlines()[-2:] == [
        "WARNING -  Doc file 'contributing.md' contains a link 'old-guide.md', but the target "
        "is not found among documentation files.",
        "Error: Aborted with 1 warnings in strict mode!",
    ]
    assert csi("build", "--no-strict").exit_code == 0


@pytest.mark.parametrize(
    ("folder", "said"),
    [
        pytest.param(  # builds the pages up to their cache: about 3 s
            "pages",
            "ERROR   -  csi: the page cache cannot be written: File exists: .cache/csi/pages",
            marks=pytest.mark.slow,
        ),
        ("charts", "ERROR   -  csi: the charts cannot be written: File exists: .cache/csi/charts"),
    ],
)
def test_build_shows_why_the_cache_cannot_be_written(repo: Path, folder: str, said: str) -> None:
    (repo / ".cache" / "csi").mkdir(parents=True)
    (repo / ".cache" / "csi" / folder).write_text("a file where the cache's folder goes\n")
    output = csi("build")
    assert output.exit_code == 1
    assert said in output.output.splitlines()
    assert output.output.splitlines()[-1] == "Error: Aborted with a BuildError!"
    assert "Traceback" not in output.output


# ---- csi serve: the address -----------------------------------------------------------


def test_serve_on_a_port_in_use_says_so_and_names_another(repo: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        output = clean_exit(csi("serve", "--dev-addr", f"127.0.0.1:{port}"), 1)
    assert f"127.0.0.1:{port} is in use" in output
    assert f"csi serve --dev-addr 127.0.0.1:{port + 1}" in output


@pytest.mark.parametrize(
    ("addr", "said"),
    [
        ("127.0.0.1:99999", "port '99999' is not a number from 1 to 65535"),
        ("127.0.0.1:http", "port 'http' is not a number from 1 to 65535"),
        ("127.0.0.1", "'127.0.0.1': write HOST:PORT"),
        ("example.org:8000", "'example.org' is not an IP address"),
        # TEST-NET-1: reserved for documentation, never a machine's own address.
        ("192.0.2.1:8000", "192.0.2.1:8000: 192.0.2.1 is not an address of this machine"),
    ],
)
def test_serve_on_a_bad_address_is_a_usage_error(repo: Path, addr: str, said: str) -> None:
    output = clean_exit(csi("serve", "--dev-addr", addr), 2)
    assert f"Invalid value for '--dev-addr': {said}" in output
    assert "such as --dev-addr 127.0.0.1:8000" in output


# ---- csi charts: the output folder ----------------------------------------------------


def test_charts_into_a_path_through_a_file_is_a_usage_error(repo: Path) -> None:
    output = clean_exit(csi("charts", "--out", "register/people.yaml/sub"), 2)
    assert "Invalid value for '--out': register/people.yaml is a file, not a folder" in output


def test_charts_that_cannot_be_written_are_a_clean_error(repo: Path) -> None:
    (repo / ".cache").write_text("not a folder\n")
    output = clean_exit(csi("charts", "--out", "out", "--as-of", AS_OF), 1)
    assert "could not write the charts: Not a directory: .cache/csi/charts" in output


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_charts_never_overwrite_a_file_csi_did_not_write(repo: Path, fmt: str) -> None:
    out = repo / "out"
    out.mkdir()
    (out / f"{CHART}.{fmt}").write_text("mine\n")
    flags = ["--png"] if fmt == "png" else []
    output = clean_exit(csi("charts", "--out", "out", "--as-of", AS_OF, *flags), 2)
    assert f"Invalid value for '--out': out/{CHART}.{fmt}: csi did not write it" in output
    assert f"(not listed in out/{MANIFEST}-{fmt}, not a csitools chart)" in output
    assert "so it wrote nothing; move it away, or choose another folder" in output
    assert files(out) == {f"{CHART}.{fmt}": b"mine\n"}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_charts_overwrite_csitools_charts_listed_or_not(repo: Path, fmt: str) -> None:
    out = repo / "out"
    flags = ["--png"] if fmt == "png" else []
    assert csi("charts", "--out", "out", "--as-of", AS_OF, *flags).exit_code == 0
    first = files(out)
    assert f"{CHART}.{fmt}" in (out / f"{MANIFEST}-{fmt}").read_text().splitlines()
    # Listed: redrawn for another as-of date.
    assert csi("charts", "--out", "out", "--as-of", "2026-06-15", *flags).exit_code == 0
    assert files(out)[f"{CHART}.{fmt}"] != first[f"{CHART}.{fmt}"]
    # Not listed (an older csi kept no manifest), but recognisably a csitools chart.
    (out / f"{MANIFEST}-{fmt}").unlink()
    assert csi("charts", "--out", "out", "--as-of", AS_OF, *flags).exit_code == 0
    assert files(out) == first


@pytest.mark.slow
def test_a_chart_is_recognised_by_what_render_chart_writes(repo: Path, tmp_path: Path) -> None:
    from csitools.publish.charts.files import looks_like_a_chart

    day = date.fromisoformat(AS_OF)
    result = validate_repository(repo, day)
    spec = chart_specs(result.register, result.series, result.status, day)[0]
    figure = Figure()
    figure.add_subplot().plot([1, 2])
    for fmt in ("svg", "png"):
        assert looks_like_a_chart(render_chart(spec, fmt), fmt)
        path = tmp_path / f"plain.{fmt}"
        figure.savefig(path, format=fmt, metadata={"Title": "A", "Description": "B"})
        assert not looks_like_a_chart(path.read_bytes(), fmt)  # matplotlib's defaults
        assert not looks_like_a_chart(b"mine\n", fmt)


def test_charts_of_a_register_with_a_date_far_out_still_draw(repo: Path, tmp_path: Path) -> None:
    """csi validate reports 9999-12-31, so the entry is not modelled and gets no chart;
    csi charts warns and draws the rest, never a traceback."""
    entry = next((repo / "register").glob("CSI-0001-*.yaml"))
    text = entry.read_text()
    assert "by: 2026-12-31" in text
    entry.write_text(text.replace("by: 2026-12-31", "by: 9999-12-31"))
    result = csi("charts", "--out", str(tmp_path / "out"))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0
    assert result.output.startswith("warning: the register has 1 problem;")
    assert (tmp_path / "out" / "kpi-email-resolution-time.svg").is_file()
    assert not (tmp_path / "out" / "improvement-CSI-0001.svg").exists()


def test_the_manifest_never_leads_to_deleting_a_file_that_is_not_a_chart(repo: Path) -> None:
    out = repo / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    (out / "old-chart.svg").write_text("<svg>mine, saved under a chart's name</svg>\n")
    (out / f"{MANIFEST}-svg").write_text("notes.txt\nold-chart.svg\n../victim.txt\n")
    (repo / "victim.txt").write_text("mine\n")
    assert csi("charts", "--out", "out", "--as-of", AS_OF).exit_code == 0
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / "old-chart.svg").is_file()
    assert (repo / "victim.txt").is_file()


@pytest.mark.slow
def test_a_pipe_in_the_manifest_s_place_does_not_hang_charts(repo: Path) -> None:
    out = repo / "out"
    out.mkdir()
    os.mkfifo(out / f"{MANIFEST}-svg")
    proc = subprocess.run(
        [sys.executable, "-m", "csitools.cli", "charts", "--out", "out", "--as-of", AS_OF],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr


def test_serve_of_a_register_with_problems_lists_them(repo: Path) -> None:
    entry = next((repo / "register").glob("CSI-0001-*.yaml"))
    entry.write_text(entry.read_text().replace("raised_on: 2026-01-05", "raised_on: 9999-12-31"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    output = clean_exit(csi("serve", "--dev-addr", f"127.0.0.1:{port}"), 1)
    assert "$.raised_on: 9999-12-31 is outside 1970-01-01 to 2199-12-31" in output
    assert "the register has problems; fix them, then serve again" in output


@pytest.mark.parametrize("out", ["register", "kpis/data/charts", ".git"])
def test_charts_are_never_written_into_the_register_s_folders(repo: Path, out: str) -> None:
    (repo / ".git").mkdir(exist_ok=True)
    before = {name: files(repo / name) for name in ("register", "kpis", ".git")}
    output = clean_exit(csi("charts", "--out", out, "--as-of", AS_OF), 2)
    assert "which holds the register's own files; choose a folder of its own" in output
    assert {name: files(repo / name) for name in ("register", "kpis", ".git")} == before
