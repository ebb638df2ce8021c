"""axe-core (from the npm registry) on every page type, light and dark, in Chromium: no
violation of impact serious or critical.

axe-core is installed by ``.ci/run`` (and by hand: ``npm install --prefix .cache/axe
--no-save axe-core@$(cat .ci/axe-core.version)``) into ``.cache/axe/``; ``CSI_AXE`` names
another axe.min.js. Without it the test skips, saying so; under ``CSI_REQUIRE_AXE``
(set by .ci/run and CI) a missing axe-core fails instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_browser import CHROMIUM, browser, site  # noqa: F401  (shared fixtures)

VERSION = (REPO / ".ci" / "axe-core.version").read_text().strip()
INSTALLED = REPO / ".cache" / "axe" / "node_modules" / "axe-core"
AXE = Path(os.environ.get("CSI_AXE") or INSTALLED / "axe.min.js")
if os.environ.get("CSI_REQUIRE_AXE") and not AXE.is_file():
    raise RuntimeError(f"CSI_REQUIRE_AXE is set but {AXE} is missing; .ci/run installs it")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium"),
    pytest.mark.skipif(
        not AXE.is_file(),
        reason=f"axe-core is not installed: npm install --prefix .cache/axe --no-save "
        f"axe-core@{VERSION}",
    ),
]

PAGE_TYPES = {
    "home": "",
    "register": "register/",
    "proposed improvement": "improvements/CSI-0015/",
    "approved improvement": "improvements/CSI-0011/",
    "in-progress improvement": "improvements/CSI-0001/",
    "measuring improvement": "improvements/CSI-0002/",
    "completed improvement": "improvements/CSI-0006/",
    "deferred improvement": "improvements/CSI-0013/",
    "rejected improvement": "improvements/CSI-0014/",
    "KPIs": "kpis/",
    "KPI": "kpis/incident-mttr/",
    "scorecard": "scorecard/",
    "reviews": "reviews/",
    "review meeting": "reviews/2026-10-14-csi-board/",
    "review pack": "review/",
    "benefits": "benefits/",
    "people": "people/",
    "service": "services/claims-workflow/",
    "CSFs": "csfs/",
    "assessment": "assessments/2025-11-17-itil-process-maturity/",
    "SWOT": "swot/northbridge-it-services/",
    "changelog": "changelog/",
    "404": "404.html",
}

RUN = "axe.run(document, {resultTypes: ['violations']})"


def test_the_installed_axe_core_is_the_pinned_version() -> None:
    if "CSI_AXE" in os.environ:
        pytest.skip("CSI_AXE names an axe-core of its own")
    installed = json.loads((INSTALLED / "package.json").read_text())["version"]
    assert installed == VERSION


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_violation_on_any_page_type(site: str, browser, scheme: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme=scheme)
    pg = context.new_page()
    found: list[str] = []
    try:
        for kind, path in PAGE_TYPES.items():
            pg.goto(site + path)
            pg.wait_for_load_state("networkidle")
            pg.add_script_tag(path=str(AXE))
            result = pg.evaluate(RUN)
            for v in result["violations"]:
                if v["impact"] in ("serious", "critical"):
                    where = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
                    found.append(f"{kind} ({path}): {v['id']} {v['impact']} at {where}")
    finally:
        context.close()
    assert found == []
