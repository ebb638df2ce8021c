"""The prompts of csi new for an entry's links to the service analysis: the services,
the CSF and the assessment, each offered from the register's own files."""

from __future__ import annotations

from typing import Any

import click

from csitools.contribute.catalogue_hints import choices
from csitools.register.model import Register


def ask_links(
    register: Register,
    values: dict[str, Any],
    services: tuple[str, ...],
    csf: str | None,
    assessment: str | None,
) -> tuple[tuple[str, ...], str | None, str | None]:
    """Services, and the CSF and assessment when the register has them, each offered
    from the register's own files; what the options gave is not asked again."""
    known = choices(register.catalogue)
    if not services:
        offer = f" ({known['services']})" if "services" in known else ""
        answer = click.prompt(f"Services{offer}, comma-separated (Enter for none)", default="")
        services = tuple(s.strip() for s in answer.split(",") if s.strip())
    if csf is None and "csf" in known:
        csf = click.prompt(f"CSF ({known['csf']}; Enter for none)", default="") or None
    if assessment is None and "assessment" in known and values["source"] == "assessment":
        offer = known["assessment"]
        assessment = click.prompt(f"Assessment ({offer}; Enter for none)", default="") or None
    return services, csf, assessment
