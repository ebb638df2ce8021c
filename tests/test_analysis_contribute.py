"""csi new in a register with a service catalogue, CSFs and assessments: it offers
them, writes them, and refuses a service the catalogue does not hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import contribute
from csitools.validation import validate_repository
from tests.conftest import CASES, materialise
from tests.test_references import full_group

FLAGS = [
    "--title", "Knowledge-centred service",
    "--summary", "Agents search three wikis.",
    "--owner", "bob",
    "--raised-by", "alice",
    "--term", "medium",
    "--size", "large",
    "--impact", "4", "--urgency", "3", "--effort", "3", "--risk", "2",
    "--raised-on", "2026-02-01",
]  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = materialise(CASES / "positive" / "service-analysis", tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def csi(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(full_group(), list(args), input=input, prog_name="csi")


def test_new_offers_the_catalogue_the_csfs_and_the_assessments(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contribute, "_interactive", lambda: True)
    # Source asked (so the rest is asked too): then services, CSF, assessment.
    answers = ["assessment", "service-desk", "satisfied-users", "2025-10-06-itsm-maturity"]
    result = csi("new", *FLAGS, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Services (service-desk, email), comma-separated (Enter for none)" in result.output
    assert "CSF (quick-restore, satisfied-users; Enter for none)" in result.output
    assert "Assessment (2026-04-13-itsm-maturity, 2025-10-06-itsm-maturity; " in result.output
    text = (repo / "register/CSI-0003-knowledge-centred-service.yaml").read_text()
    assert "services: [service-desk]\nsource: assessment\n" in text
    assert "csf: satisfied-users\nassessment: 2025-10-06-itsm-maturity\n" in text
    assert [str(p) for p in validate_repository(repo).problems] == []


def test_new_hints_name_the_registers_own_services(repo: Path) -> None:
    result = csi("new", *FLAGS, "--source", "staff-suggestion")
    assert result.exit_code == 0, result.output
    text = (repo / "register/CSI-0003-knowledge-centred-service.yaml").read_text()
    assert "# services: [service-desk, email]\n" in text
    assert "# csf: quick-restore\n" in text
    assert "# assessment: 2026-04-13-itsm-maturity\n" in text
    assert text.index("# csf: ") < text.index("# assessment: ") < text.index("# depends_on: ")


def test_new_refuses_a_service_the_catalogue_does_not_hold(repo: Path) -> None:
    result = csi("new", *FLAGS, "--source", "staff-suggestion", "--service", "Servicedesk")
    assert result.exit_code == 1
    assert result.output == (
        "register/CSI-0003-knowledge-centred-service.yaml:5: $.services[0]: service "
        "'Servicedesk' is not in register/services.yaml (did you mean 'service-desk'?); name "
        "a service by its id or exact name, or add it to the catalogue\n"
        "Error: nothing written: the entry would not validate\n"
    )
    assert not (repo / "register/CSI-0003-knowledge-centred-service.yaml").exists()
