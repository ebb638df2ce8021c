"""Reporters: the only code that turns results into text for people and programs.

``problems`` formats validation problems (``csi validate --format text|json|github``
and every command that lists problems), ``status`` the computed status (``csi status
--format table|json|csv``, the CSV cells of ``csi export``), ``diff`` a comparison of
two revisions (``csi diff --format markdown|json``), ``digest`` each owner's digest
(``csi digest --format markdown|json``). Reporters take data and return
text; they never print and never read files.
"""

from typing import Any


def attributes(obj: object, names: str) -> dict[str, Any]:
    """``{name: obj.name}`` for the space-separated ``names``: the fields a JSON report
    takes over as they are, named once (the report's shape is in its golden files)."""
    return {name: getattr(obj, name) for name in names.split()}
