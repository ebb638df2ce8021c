"""What ``csi new`` knows of the register's service analysis: the services, CSFs and
assessments an entry may name, for its prompts and for the commented examples in the
file it writes. Without the analysis files there is nothing to offer and nothing
changes."""

from __future__ import annotations

from csitools.register.catalogue import Catalogue


def catalogue_examples(cat: Catalogue) -> dict[str, list[str]]:
    """Examples of ``services``, ``csf`` and ``assessment`` drawn from the register's
    own files, to replace the generic ones; {} for what the register does not have."""
    out: dict[str, list[str]] = {}
    if cat.services:
        out["services"] = [f"services: [{', '.join(s.id for s in cat.services[:2])}]"]
    if cat.csfs:
        out["csf"] = [f"csf: {cat.csfs[0].id}"]
    if cat.assessments:
        out["assessment"] = [f"assessment: {cat.assessments[-1].id}"]
    return out


def choices(cat: Catalogue) -> dict[str, str]:
    """The prompt text listing what may be named, per field: services by id, CSFs by
    id, assessments newest first; a field the register has no file for is left out."""
    out: dict[str, str] = {}
    if cat.services_file:
        out["services"] = ", ".join(s.id for s in cat.services) or "none yet"
    if cat.csfs:
        out["csf"] = ", ".join(c.id for c in cat.csfs)
    if cat.assessments:
        out["assessment"] = ", ".join(a.id for a in reversed(cat.assessments))
    return out
