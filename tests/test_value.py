"""Value: expected and realised benefit a year, running cost, ROI and payback, with
figures worked out by hand. Registers are built on disk from the base case (one-off
cost 20,000 USD, benefit 50,000 USD a year; email resolution time, which should
decrease, has an agreed baseline of 16 h, 8.8 h in April 2026 and a cycle 2 target of
6 h) and changed per test."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from csitools.cli import main
from csitools.measure.value import Value
from csitools.validation import validate_repository
from tests.conftest import REPO

AS_OF = date(2026, 5, 15)
ENTRY = "register/CSI-0001-email-resolution.yaml"
FINANCIAL = "  financial: {amount: 50000, currency: USD, per: year}\n"
COST = "cost: {amount: 20000, currency: USD}\n"
PER_UNIT = FINANCIAL.replace("}", ", per_unit: {kpi: email-resolution-time, amount: 4000}}")
"""4,000 USD a year for each hour less than the agreed baseline."""


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / ENTRY
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def value_of(repo: Path, as_of: date = AS_OF) -> tuple[Value, list[str]]:
    result = validate_repository(repo, as_of)
    status = next(s for s in result.status.improvements if s.id == "CSI-0001")
    return status.value, [str(p) for p in result.problems]


def test_insurer_first_call_resolution_realised_and_payback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sample's CSI-0001: agreed baseline 65%, 72.6% in October 2026, 1.675 M USD a
    year per point, 2.4 M USD one-off. Realised 1.675 M × 7.6 = 12.73 M USD a year;
    payback 2.4 M / (12.73 M / 12) = 2.26 months. Expected from cycle 2's target of 75%:
    1.675 M × 10 = 16.75 M USD a year, payback 2.4 M / (16.75 M / 12) = 1.72 months;
    first-year ROI (16.75 − 2.4) / 2.4 = 5.9792 expected, (12.73 − 2.4) / 2.4 = 4.3042
    realised."""
    monkeypatch.chdir(REPO)
    args = ["status", "CSI-0001", "--as-of", "2026-11-23", "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    value = json.loads(result.output)["improvements"][0]["value"]
    assert value == {
        "currency": "USD",
        "expected_annual": 16_750_000.0,
        "realised_annual": 12_730_000.0,
        "running_annual": None,
        "roi_expected": 5.9792,
        "roi_realised": 4.3042,
        "payback_months_expected": 1.72,
        "payback_months_realised": 2.26,
        "realised_from": "kpi",
        "expected_from": "per_unit",
        "one_off": 2_400_000.0,
        "stated_annual": 33_500_000.0,
        "expected_cycle": 2,
        "expected_target": 75.0,
        "expected_units": 10.0,
        "realised_units": 7.6,
        "realised_period": "2026-10",
        "recorded": [],
        "reasons": {"running_annual": "no running cost stated"},
    }


def test_a_kpi_that_should_decrease_counts_baseline_minus_value(
    register_dir: Callable[..., Path],
) -> None:
    """4,000 USD a year per hour less: expected 4,000 × (16 − 6) = 40,000; realised
    4,000 × (16 − 8.8) = 28,800; payback 20,000 / (28,800 / 12) = 8.33 months."""
    repo = register_dir()
    edit(repo, FINANCIAL, PER_UNIT)
    v, problems = value_of(repo)
    assert problems == []
    assert (v.expected_annual, v.expected_units, v.expected_cycle) == (40_000, 10, 2)
    assert (v.realised_annual, v.realised_units, v.realised_period) == (28_800, 7.2, "2026-04")
    assert (v.roi_expected, v.roi_realised) == (1.0, 0.44)
    assert (v.payback_months_expected, v.payback_months_realised) == (6.0, 8.33)
    assert v.stated_annual == 50_000


def test_a_kpi_worse_than_its_baseline_realises_a_loss_and_never_pays_back(
    register_dir: Callable[..., Path],
) -> None:
    """17.5 h in April against the agreed 16 h: 4,000 × (16 − 17.5) = −6,000 a year."""
    repo = register_dir()
    edit(repo, FINANCIAL, PER_UNIT)
    csv = repo / "kpis" / "data" / "email-resolution-time.csv"
    csv.write_text(csv.read_text().replace("2026-04,8.8", "2026-04,17.5"))
    v, _ = value_of(repo)
    assert (v.realised_annual, v.realised_from) == (-6_000, "kpi")
    assert v.roi_realised == -1.3  # (−6,000 − 20,000) / 20,000
    assert v.payback_months_realised is None
    why = v.reasons["payback_months_realised"]
    assert why == "no payback: the realised benefit is not positive"


def test_a_running_cost_larger_than_the_benefit_never_pays_back(
    register_dir: Callable[..., Path],
) -> None:
    """5,000 USD a month = 60,000 a year against a benefit of 50,000 a year: the first
    year costs 80,000, ROI (50,000 − 80,000) / 80,000 = −0.375, and no payback."""
    repo = register_dir()
    edit(repo, COST, COST.replace("}", ", running: {amount: 5000, per: month}}"))
    v, problems = value_of(repo)
    assert problems == []
    assert (v.running_annual, v.expected_annual, v.roi_expected) == (60_000, 50_000, -0.375)
    assert v.payback_months_expected is None
    assert v.reasons["payback_months_expected"] == (
        "no payback: the running cost is larger than the benefit"
    )


def test_a_running_cost_lengthens_the_payback(register_dir: Callable[..., Path]) -> None:
    """Benefit 50,000 − running 2,000 a year = 48,000 net: 20,000 / 4,000 = 5 months;
    ROI (50,000 − 22,000) / 22,000 = 1.2727."""
    repo = register_dir()
    edit(repo, COST, COST.replace("}", ", running: {amount: 2000, per: year}}"))
    v, _ = value_of(repo)
    assert (v.payback_months_expected, v.roi_expected) == (5.0, 1.2727)


def test_recorded_realised_benefits_of_the_last_twelve_months(
    register_dir: Callable[..., Path],
) -> None:
    """As of 15 May 2026 the quarters that ended after 15 May 2025 count: 2025-Q3, Q4
    and 2026-Q1, 10,000 + 12,000 + 13,000 = 35,000. 2025-Q1 ended too early; 2026-Q2 has
    not ended. ROI (35,000 − 20,000) / 20,000 = 0.75; payback 20,000 / (35,000 / 12) =
    6.86 months."""
    repo = register_dir()
    records = [
        ("2025-Q1", 8000, "FR-2025-03"),
        ("2025-Q3", 10000, "FR-2025-09"),
        ("2025-Q4", 12000, "FR-2025-12"),
        ("2026-Q1", 13000, "FR-2026-03"),
        ("2026-Q2", 5000, "FR-2026-06 (to date)"),
    ]
    lines = "".join(
        f"    - {{period: {p}, amount: {a}, evidence: Finance report {e}}}\n" for p, a, e in records
    )
    edit(repo, FINANCIAL, FINANCIAL + "  realised:\n" + lines)
    v, problems = value_of(repo)
    assert problems == []
    assert (v.realised_annual, v.realised_from) == (35_000, "recorded")
    assert [r.period for r in v.recorded] == ["2025-Q3", "2025-Q4", "2026-Q1"]
    assert (v.roi_realised, v.payback_months_realised) == (0.75, 6.86)
    # A year later nothing recorded is that recent: null, with the reason in words.
    v, _ = value_of(repo, date(2027, 9, 1))
    assert v.realised_annual is None
    assert v.reasons["realised_annual"] == (
        "nothing recorded as realised in the twelve months to 2027-09-01 (the latest "
        "record is for 2026-Q2); no per-unit value to derive it from the data"
    )
    assert v.reasons["roi_realised"] == "no realised benefit"


def test_a_realised_period_that_has_not_begun_is_a_problem(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    record = "    - {period: 2026-07, amount: 900, evidence: FR-2026-07}\n"
    edit(repo, FINANCIAL, FINANCIAL + "  realised:\n" + record)
    v, problems = value_of(repo)
    assert problems == [
        f"{ENTRY}:19: $.benefits.realised[0].period: 2026-07 has not begun as of 2026-05-15: "
        "a benefit is realised only in a period that has begun; correct the period, or "
        "record the amount once it is realised"
    ]
    assert v.realised_annual is None


def test_currency_mismatch(register_dir: Callable[..., Path], monkeypatch) -> None:
    repo = register_dir()
    edit(repo, COST, COST.replace("USD", "EUR"))
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert result.output == (
        f"{ENTRY}:18: $.cost.currency: the cost is in EUR, but the register counts in USD "
        "(site_config/register.yml); give every amount in USD, or make EUR the register's "
        "currency\n6 files checked, 1 problem\n"
    )
    v, _ = value_of(repo)
    assert (v.roi_expected, v.payback_months_expected) == (None, None)
    assert v.reasons["roi_expected"] == "the benefit is in USD and the cost in EUR"


def test_without_a_currency_setting_the_default_is_named(
    register_dir: Callable[..., Path],
) -> None:
    repo = register_dir()
    settings = repo / "site_config" / "register.yml"
    settings.write_text(settings.read_text().replace("currency: USD\n", ""))
    edit(repo, FINANCIAL, FINANCIAL.replace("USD", "EUR"))
    _, problems = value_of(repo)
    assert problems == [
        f"{ENTRY}:17: $.benefits.financial.currency: the financial benefit is in EUR, but "
        "the register counts in USD (the default: site_config/register.yml sets no "
        "currency); give every amount in USD, or make EUR the register's currency"
    ]


def test_monthly_and_one_off_benefits(register_dir: Callable[..., Path]) -> None:
    """5,000 a month = 60,000 a year: ROI (60,000 − 20,000) / 20,000 = 2, payback 4
    months. A one-off benefit counts once and has no monthly payback."""
    repo = register_dir()
    edit(repo, FINANCIAL, FINANCIAL.replace("50000", "5000").replace("year", "month"))
    v, _ = value_of(repo)
    assert (v.expected_annual, v.roi_expected, v.payback_months_expected) == (60_000, 2.0, 4.0)
    edit(repo, "per: month", "per: once")
    v, _ = value_of(repo)
    assert (v.expected_annual, v.roi_expected) == (5_000, -0.75)
    assert v.reasons["payback_months_expected"] == (
        "a one-off benefit does not pay back month by month"
    )


def test_nothing_stated_gives_reasons_not_zeros(register_dir: Callable[..., Path]) -> None:
    repo = register_dir()
    edit(repo, FINANCIAL + COST, "")
    v, _ = value_of(repo)
    figures = (v.expected_annual, v.realised_annual, v.running_annual, v.one_off)
    assert figures == (None, None, None, None)
    assert dict(v.reasons) == {
        "one_off": "no cost stated",
        "running_annual": "no running cost stated",
        "expected_annual": "no financial benefit stated",
        "roi_expected": "no expected benefit",
        "payback_months_expected": "no cost stated",
        "realised_annual": (
            "nothing recorded as realised; no per-unit value to derive it from the data"
        ),
        "roi_realised": "no realised benefit",
        "payback_months_realised": "no cost stated",
    }


def test_a_cost_of_zero_has_no_roi(register_dir: Callable[..., Path]) -> None:
    repo = register_dir()
    edit(repo, COST, COST.replace("20000", "0"))
    v, _ = value_of(repo)
    assert v.roi_expected is None
    assert v.reasons["roi_expected"] == "the cost is 0, so there is nothing to return on"
    assert v.payback_months_expected == 0.0  # nothing to pay back: paid back at once


def test_no_kpi_gain_is_credited_before_work_starts(register_dir: Callable[..., Path]) -> None:
    repo = register_dir()
    edit(repo, FINANCIAL, PER_UNIT)
    edit(repo, "status: in-progress", "status: approved")
    v, _ = value_of(repo)
    assert v.realised_annual is None
    assert v.reasons["realised_annual"] == (
        "work has not started (approved), so no KPI gain is credited to it; nothing "
        "recorded as realised"
    )
