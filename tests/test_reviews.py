"""Review records: the schema explains every field, the records become the model the
pages and the digest read, and the governance rule holds only when it is switched on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from csitools.register.builders import build_register
from csitools.register.load import load_repository
from csitools.register.reviewchecks import check_reviews
from csitools.register.reviews import latest_decision, latest_review_before
from csitools.register.schema import load_schema
from tests.conftest import CASES, materialise

SCHEMAS = ("improvement", "kpi", "people", "review", "settings")


def undescribed(node: Any, where: str = "$") -> Iterator[str]:
    """Every property of a schema, at any depth, that has no description."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if not prop.get("description"):
                yield f"{where}.{name}"
        for key, value in node.items():
            yield from undescribed(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from undescribed(item, f"{where}[{i}]")


@pytest.mark.parametrize("kind", SCHEMAS)
def test_every_property_has_a_description(kind: str) -> None:
    """Editors show it on hover, and the Fields page is generated from it."""
    assert list(undescribed(load_schema(kind))) == []


def test_a_property_without_description_is_found() -> None:
    schema = {"properties": {"a": {"description": "A.", "items": {"properties": {"b": {}}}}}}
    assert list(undescribed(schema)) == ["$.properties.a.items.b"]


def _register(case: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    root = materialise(CASES / case, tmp_path / "repo")
    return build_register(load_repository(root))


def test_reviews_are_modelled_oldest_first(tmp_path: Path) -> None:
    reg = _register("positive/reviews-with-governance", tmp_path)
    assert [(r.id, r.date, r.kind, r.chair) for r in reg.reviews] == [
        ("2026-01-07-csi-board", date(2026, 1, 7), "csi-board", "carol"),
        ("2026-04-15-csi-board", date(2026, 4, 15), "csi-board", "dave"),
    ]
    first = reg.reviews[0]
    assert first.attendees == ("carol", "dave", "service-desk-team")
    assert first.services == ("Service Desk",)
    assert first.notes == "**First** meeting with minutes in the register.\n"
    action = first.actions[0]
    assert (action.owner, action.due, action.improvement, action.done_on) == (
        "bob", date(2026, 1, 31), "CSI-0001", None
    )  # fmt: skip
    assert [action.state(date(2026, d, 1)) for d in (1, 2)] == ["open", "overdue"]
    latest = latest_decision(reg.reviews, "CSI-0001")
    assert latest is not None and (latest.decision, latest.review) == (
        "close-cycle", "2026-04-15-csi-board"
    )  # fmt: skip
    before = latest_decision(reg.reviews, "CSI-0001", before=date(2026, 4, 14))
    assert before is not None and before.decision == "approve"
    assert latest_review_before(reg.reviews, date(2026, 4, 15)) == first
    assert latest_review_before(reg.reviews, date(2026, 1, 7)) is None


def test_governance_is_off_unless_the_settings_ask_for_it(tmp_path: Path) -> None:
    """The same records break the rule only with governance.decisions_required."""
    case = CASES / "negative" / "governance-latest-decision-disagrees"
    root = materialise(case, tmp_path / "repo")
    (root / "site_config" / "register.yml").write_text(
        (CASES / "base" / "site_config" / "register.yml").read_text()
    )
    reg = build_register(load_repository(root))
    assert not reg.settings.decisions_required
    assert reg.settings.review_horizon_days == 45
    assert list(check_reviews(reg)) == []


UPDATES = """    updates:
      - {on: 2026-05-04, by: bob, text: "April came in at 8.8 h; <script>x</script>"}
      - {on: 2026-06-01, by: alice, text: "May: the **shared mailbox** form is live."}
    review: Two hours gained since April <em>so far</em>.
"""


def test_the_owners_latest_update_heads_the_page_and_all_are_in_the_cycle(
    tmp_path: Path,
) -> None:
    from csitools.publish.pages import build_pages
    from csitools.validation import validate_repository

    root = materialise(None, tmp_path / "repo")
    entry = root / "register" / "CSI-0001-email-resolution.yaml"
    entry.write_text(entry.read_text() + UPDATES)
    v = validate_repository(root, date(2026, 6, 15))
    assert v.problems == ()
    page = build_pages(v.register, v.status, {})["improvements/CSI-0001.md"]
    top = page[: page.index("| Field | Value |")]
    assert top.endswith(
        '!!! quote "Latest from the owner, 1 Jun 2026"\n'
        "    May: the **shared mailbox** form is live.\n\n"
        "    — Alice Moreau\n\n\n"
    )
    assert (
        "Updates from the owner, newest first:\n\n"
        "- **1 Jun 2026**, Alice Moreau: May: the **shared mailbox** form is live.\n"
        "- **4 May 2026**, Bob Janssen: April came in at 8.8 h; &lt;script&gt;x&lt;/script&gt;\n"
    ) in page
    assert (
        "6. **Did we get there?** Not yet: the cycle is open. Two hours gained since April "
        "&lt;em&gt;so far&lt;/em&gt;.\n"
    ) in page
    status = next(s for s in v.status.improvements if s.id == "CSI-0001")
    assert [(u.on, u.by) for u in status.updates] == [
        (date(2026, 6, 1), "alice"),
        (date(2026, 5, 4), "bob"),
    ]
